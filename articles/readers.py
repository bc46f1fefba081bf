"""Who is asking, and at which address: what a request tells the readers' pages."""

from django.conf import settings


def site_url_for(request):
    return f"{request.scheme}://{settings.SITE_DOMAIN}"


def is_reader_request(request):
    """Anonymous, so the response is the same for everyone: no session cookie at all."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES
