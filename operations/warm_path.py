"""Readers' pages from the page cache, answered before Django's request handling.

trdsite.wsgi puts WarmPathApplication in front of Django's WSGI handler. A request that the page
cache would answer (operations.page_cache) is answered here from the same entry, with the status
line and headers of the finished response Django gave for that page, stored once in the entry:
the same bytes and headers (CSP, HSTS, ETag, Cache-Control...) without building a request, ten
middleware and a response for every reader. On a cache hit Django's handling costs several times
the page itself.

Only what is plainly a reader's hit is answered here; everything else goes to Django unchanged,
which answers as it always does and so decides every unusual case:

- methods other than GET and HEAD, the admin, media, static files, review links and the health
  checks;
- a benchmark's request for a full page build (settings.PAGE_CACHE_BYPASS_HEADER), which Django
  builds and never stores;
- anyone with a session cookie: Django looks the session up, answers a signed-in user (a
  draft's preview) as always, and a made-up or expired session from the cache
  (operations.page_cache);
- a host the site refuses (Django answers 400), no Host header, a proxy's X-Forwarded-Host
  (USE_X_FORWARDED_HOST), plain HTTP to a site that redirects to HTTPS (SecurityMiddleware
  redirects);
- preconditions other than If-None-Match (If-Match, If-Unmodified-Since, If-Modified-Since
  alone): Django decides 412 or 304;
- no running generation (starting one reads the database), no entry, or no finished response
  of this kind seen yet for the entry: Django answers, and the answer is stored for next time,
  unless it carries anything of that one request's (operations.warm_answers.replayable).
"""

import functools
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import caches
from django.core.handlers.wsgi import get_path_info, get_script_name
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import QueryDict
from django.http.request import split_domain_port, validate_host

from . import page_cache
from .health import HealthCheckMiddleware
from .warm_answers import answer_for, answer_kind, replayable

# Pages this process answered lately, by address, all of one generation (self.recent), so
# that a hit costs neither the key's hash, the cache's key checks nor unpickling: the lot is
# dropped when the generation changes, so an entry never goes stale. Bounded, as the page cache
# is (5-50 KB a page).
RECENT_LIMIT = 100


@functools.cache
def front_settings():
    """The settings every request reads, read once (tests change them: setting_changed)."""
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]  # as HttpRequest.get_host()
    return SimpleNamespace(
        session_cookie=settings.SESSION_COOKIE_NAME,
        allowed_hosts=tuple(allowed),
        use_x_forwarded_host=settings.USE_X_FORWARDED_HOST,
        proxy_ssl_header=settings.SECURE_PROXY_SSL_HEADER,
        ssl_redirect=settings.SECURE_SSL_REDIRECT,
        force_script_name=settings.FORCE_SCRIPT_NAME,
        timeout=page_cache.entry_timeout(),
        bypass_key=page_cache.bypass_meta_key(),
    )


@receiver(setting_changed)
def forget_settings(**kwargs):
    front_settings.cache_clear()
    address_with_query.cache_clear()


@functools.lru_cache(maxsize=256)
def host_allowed(host, allowed_hosts):
    """HttpRequest.get_host()'s check, remembered per Host header: readers send a few."""
    domain, _ = split_domain_port(host)
    return bool(domain) and validate_host(domain, allowed_hosts)


@functools.lru_cache(maxsize=256)
def address_with_query(path, query_string):
    """page_cache.page_address() for a WSGI query string, remembered: readers ask for the same
    searches and pages again and again."""
    query = QueryDict(query_string.encode("iso-8859-1"))  # as WSGIRequest.GET decodes it
    return page_cache.address_with_query(path, query)


def is_secure(environ, proxy_ssl_header):
    """HttpRequest.is_secure(), from the environ."""
    if proxy_ssl_header:
        header, secure_value = proxy_ssl_header
        value = environ.get(header)
        if value is not None:
            return value.split(",", 1)[0].strip() == secure_value
    return environ.get("wsgi.url_scheme") == "https"


def request_path(environ, force_script_name):
    """WSGIRequest.path and .path_info."""
    path_info = environ.get("PATH_INFO", "")
    if (
        force_script_name is None
        and path_info.startswith("/")
        and path_info.isascii()
        and not environ.get("SCRIPT_NAME")
        and not environ.get("SCRIPT_URL")
        and not environ.get("REDIRECT_URL")
    ):
        return path_info, path_info  # most requests: nothing to decode, no prefix
    path_info = get_path_info(environ) or "/"
    path = "{}/{}".format(get_script_name(environ).rstrip("/"), path_info.replace("/", "", 1))
    return path, path_info


class WarmPathApplication:
    """A WSGI application: cache hits answered here, everything else by `application`."""

    def __init__(self, application):
        self.application = application
        # (generation, {address: entry}), replaced whole: a thread that read one generation
        # never finds or leaves another's pages in it.
        self.recent = (None, {})

    def __call__(self, environ, start_response):
        asked = self.reader_request(environ)
        if asked is None:
            return self.application(environ, start_response)
        address, kind = asked
        # No running generation: Django starts one (that reads the database) and answers.
        generation = page_cache.running_generation()
        if generation is not None:
            entry = self.entry(address, generation)
            if entry is not None:
                content, headers, answers = entry
                answer = answers.get(answer_for(kind, headers))
                if answer is not None:
                    status, final_headers = answer
                    start_response(status, list(final_headers))
                    return [content if status.startswith("200") else b""]
        return self.through_django(environ, start_response, kind, address)

    def entry(self, address, generation):
        """The page stored for address in this generation, if it holds answers (an entry from
        before this front doesn't)."""
        remembered, recent = self.recent
        if generation != remembered:
            self.recent = (generation, {})
        elif (entry := recent.get(address)) is not None:
            return entry
        key = page_cache.page_key(generation, address)
        entry = caches["pages"].get(key)
        if entry is None or len(entry) < 3:
            return None
        self.remember(address, key, entry)
        return entry

    def remember(self, address, key, entry):
        generation, recent = self.recent
        if key != page_cache.page_key(generation, address):
            return  # stored under a generation other than the one remembered
        if len(recent) >= RECENT_LIMIT:
            recent = {}
            self.recent = (generation, recent)
        recent[address] = entry

    def reader_request(self, environ):
        """The page-cache address and the kind of answer for a request this front may answer
        from the cache, or None for one that only Django answers."""
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
            return None
        values = front_settings()
        if values.bypass_key is not None and values.bypass_key in environ:
            return None
        if values.session_cookie in environ.get("HTTP_COOKIE", ""):
            return None  # perhaps signed in: page_cache.cacheable() looks the session up
        host = environ.get("HTTP_HOST")
        if not host or (values.use_x_forwarded_host and "HTTP_X_FORWARDED_HOST" in environ):
            return None
        if not host_allowed(host, values.allowed_hosts):
            return None
        secure = is_secure(environ, values.proxy_ssl_header)
        if not secure and values.ssl_redirect:
            return None
        path, path_info = request_path(environ, values.force_script_name)
        if path != path_info and not page_cache.under_site_prefix(path, path_info):
            return None  # an address page_cache never keys (a SCRIPT_NAME of its own)
        if path_info in HealthCheckMiddleware.checks or path.startswith(page_cache.SKIPPED_PATHS):
            return None
        kind = answer_kind(environ, secure)
        if kind is None:
            return None
        query_string = environ.get("QUERY_STRING")
        if not query_string:
            return path, kind
        try:
            return address_with_query(path, query_string), kind
        except Exception:  # too many fields, say: Django answers as it would
            return None

    def through_django(self, environ, start_response, kind, address):
        """Django answers; a page it answered from the cache or stored in it is kept with the
        finished response's status and headers, the answer to the next request of its kind."""
        finished = []

        def keep_start_response(status, headers, exc_info=None):
            finished[:] = [status, headers]
            return start_response(status, headers, exc_info)

        environ[page_cache.FRONT_ENVIRON_KEY] = True
        response = self.application(environ, keep_start_response)
        served = environ.get(page_cache.ENTRY_ENVIRON_KEY)
        if served is None:
            return response
        key, entry, stored = served
        content, headers, answers = (*entry, {})[:3]
        kind = answer_for(kind, headers)
        if (
            finished
            and int(finished[0].split(" ", 1)[0]) == kind[1]
            and replayable(finished[1], headers)
        ):
            answers = {**answers, kind: (finished[0], tuple(finished[1]))}
        elif not stored:
            return response
        entry = (content, headers, answers)
        caches["pages"].set(key, entry, front_settings().timeout)
        self.remember(address, key, entry)
        return response
