"""Sign-in paused for an address after many failures, whatever usernames it tries.

django-axes pauses one username from one address (settings: AXES_LOCKOUT_PARAMETERS), so that
nobody can lock an editor out from elsewhere; but each failure costs the site a password hash
(~0.2 s of CPU: Django hashes for unknown usernames too), and made-up usernames are never
paused: a few sign-ins a second from one address kept both cores busy and readers waiting. So
an address is also paused after SIGNIN_ADDRESS_LIMIT failures in AXES_COOLOFF_TIME hours,
counted per address (an IPv6 address by its /64), before any password is checked: its
attempts stop costing anything. The limit is well above what people behind one address type
(AXES_FAILURE_LIMIT for each of several editors)."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.shortcuts import render

from articles.rate_limits import RateLimit

SALT = "operations.signin-failures"


def failures():
    return RateLimit(SALT, settings.SIGNIN_ADDRESS_LIMIT, settings.AXES_COOLOFF_TIME * 3600)


@receiver(user_login_failed, dispatch_uid="signin-failures")
def count_failure(sender, credentials, request=None, **kwargs):
    if request is not None:
        failures().take(request)


class AddressPauseBackend:
    """First of AUTHENTICATION_BACKENDS: a paused address's sign-in ends here, no password
    hashed (PermissionDenied stops authenticate() going on to the other backends)."""

    def authenticate(self, request, **credentials):
        if request is not None and failures().reached(request):
            request.signin_paused = True
            raise PermissionDenied
        return None  # no get_user(): it signs nobody in, so sessions never name it


class SigninPauseMiddleware:
    """Answers a paused address's sign-in with the pause page (429), as axes does a username's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "signin_paused", False):
            context = {
                "failure_limit": settings.SIGNIN_ADDRESS_LIMIT,
                "cooloff_timedelta": timedelta(hours=settings.AXES_COOLOFF_TIME),
                "address_paused": True,
            }
            return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=429)
        return response
