"""Who is asking, and at which address: what a request tells the readers' pages."""

from django.conf import settings


def site_origin():
    """The site's own address, for absolute links: from settings, never from the request (its
    scheme and host are the client's or the proxy's to say, and a cached page is everyone's)."""
    return f"{settings.SITE_SCHEME}://{settings.SITE_DOMAIN}"


def is_reader_request(request):
    """Anonymous, so the response is the same for everyone: no session cookie at all."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def client_ip(request):
    """Who is asking, as the sign-in throttle (AXES_CLIENT_IP_CALLABLE) and the feedback form's
    rate limit see it: the header that settings.CLIENT_IP_HEADER names, set by the proxy in
    front, else the connection's address. Only name a header the proxy overwrites on every
    request: clients can send any header."""
    if settings.CLIENT_IP_HEADER:
        meta_key = "HTTP_" + settings.CLIENT_IP_HEADER.upper().replace("-", "_")
        if address := request.META.get(meta_key, "").split(",")[0].strip():
            return address
    return request.META.get("REMOTE_ADDR")
