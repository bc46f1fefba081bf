"""The username the sign-in throttle (django-axes) records for an attempt."""

from django.contrib.auth import get_user_model


def signin_username(request, credentials):
    """The username as typed, cut to the longest a user can have. django-axes stores it in a
    255-character column, and on PostgreSQL a longer one was a DataError (a 500); no account
    has a longer name, so every over-long name is counted as the same, unknown one."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(username)[: get_user_model()._meta.get_field("username").max_length]
