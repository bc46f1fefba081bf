"""Admin requests whose query string holds a NUL character are answered 400.

No address anyone means to ask for holds one, and PostgreSQL can't store or compare it: a NUL in
an admin filter, search or autocomplete term ended in a DataError (a 500). Refusing it here,
before any admin view, closes that class rather than one parameter at a time. Form values are
left to the forms, which refuse a NUL with a message and keep the editor's text; readers' pages
already treat a NUL in a query as text that matches nothing.
"""

from django.http import HttpResponseBadRequest
from django.urls import reverse


def holds_nul(values):
    return any("\x00" in key or any("\x00" in v for v in values.getlist(key)) for key in values)


class RefuseNulCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(reverse("admin:index")) and holds_nul(request.GET):
            return HttpResponseBadRequest(
                "This address holds a NUL character, which no admin page accepts.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
