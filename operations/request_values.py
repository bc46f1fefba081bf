"""Requests whose query string or form values hold a NUL character are answered 400.

No text anyone means to send holds one, and PostgreSQL can't store or compare it: a NUL in an
admin filter, search or autocomplete term ended in a DataError (a 500). Refusing it here, before
any view, closes the whole class rather than one field at a time. File contents aren't form
values, and stay as they are.
"""

from django.http import HttpResponseBadRequest

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def holds_nul(values):
    return any("\x00" in key or any("\x00" in v for v in values.getlist(key)) for key in values)


class RefuseNulCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        form = request.method == "POST" and request.content_type in FORM_TYPES
        if holds_nul(request.GET) or (form and holds_nul(request.POST)):
            return HttpResponseBadRequest(
                "This request holds a NUL character, which no address or form field accepts.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
