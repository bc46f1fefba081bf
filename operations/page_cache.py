"""Whole-page cache for readers, and the HTTP cache headers a CDN or proxy can use.

Anonymous GET requests for public pages are answered from the "pages" cache without touching
the database. Every key carries the current *generation* of the content, kept in the "default"
cache that every process shares (CACHES in settings: Redis with REDIS_URL, else files on this
machine): any save or delete of content starts a new generation, so every page changes at once
and nothing stale is served.
The generation also knows the next moment a scheduled page goes public, and ends by itself
then, so scheduled publishing needs no job either.

Signed-in users, the admin, and responses marked private (drafts) are never cached. A session
cookie alone doesn't make a signed-in user: anyone can send a made-up one, and a reader whose
session has expired still sends theirs. Such a request is answered from the cache once its
session is looked up and holds no user, but nothing answered to a request with a session cookie
is ever stored (its page may have touched the session: "Vary: Cookie", the cookie's deletion).

A page is stored with every header its view gave it, so a page from the cache is the page the
view made; operations.warm_path answers most hits before Django, from the same entries.

Benchmarks measure full page builds with the header settings.PAGE_CACHE_BYPASS_HEADER names
(off unless set; never in production): such a request is built as on a miss, every time, and
never stored. A session cookie no longer does that: one without a user is answered from the cache.
"""

import functools
import hashlib
import logging
import uuid
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import caches
from django.core.signals import setting_changed
from django.db import DatabaseError, transaction
from django.db.models import Min
from django.dispatch import receiver
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from articles import countries
from articles.readers import is_reader_request

from .cache_backend import CacheUnreachable

logger = logging.getLogger(__name__)

GENERATION_KEY = "pages:generation"
# A generation also ends after this many seconds, so an edit whose new generation never reached
# a shared cache that was briefly unreachable is shown within minutes, not a day.
GENERATION_TTL = 5 * 60
# The query parameters each readers' page reads, by URL name (pagination, search, a sitemap
# section's page; /help/'s country is keyed apart, below): a page's key holds its own alone, so
# made-up parameters, or real ones sent to a page that ignores them, can neither miss the cache
# nor fill it. A page that starts reading one must be named here, or every value of it is
# answered with the first page stored.
PAGE_PARAMETERS = {
    "articles:home": ("page",),
    "articles:series_detail": ("page",),
    "articles:treatment_list": ("page",),
    "articles:treatment_detail": ("page",),
    "articles:person_detail": ("page",),
    "articles:search": ("page", "q"),
    "sitemap_section": ("p",),
}
# Page numbers, of lists and of a sitemap section.
NUMBERED_PARAMETERS = frozenset({"page", "p"})
ALL_PAGE_PARAMETERS = tuple(sorted({name for names in PAGE_PARAMETERS.values() for name in names}))
# Where this middleware leaves the page it answered with or stored, as (key, entry, stored):
# request.META is the WSGI environ, which operations.warm_path reads once Django has answered.
ENTRY_ENVIRON_KEY = "trdsite.page_cache.entry"
# Set by operations.warm_path when it is in front: it stores new pages itself, with the headers
# of the finished response, in one write.
FRONT_ENVIRON_KEY = "trdsite.page_cache.front"
# Review links' pages are private (articles.review_pages): not even looked up.
SKIPPED_PATHS = ("/admin/", "/media/", "/static/", "/review/")


def next_scheduled_change():
    """When the next scheduled page goes public or scheduled update goes live, or None."""
    from articles import drafts
    from articles.models import Article, Treatment

    soonest = [
        model.objects.scheduled().aggregate(soonest=Min("publish_at"))["soonest"]
        for model in (Article, Treatment)
    ] + [drafts.next_go_live_from_db()]
    soonest = [moment for moment in soonest if moment is not None]
    return min(soonest) if soonest else None


class LastSeen:
    """The generation this process last used: while the database is down (a new generation
    needs it), cached pages of that generation are still served."""

    state = None


def entry_timeout():
    """How long a page is kept: no longer than its generation can last (GENERATION_TTL), after
    which no key reaches it and it would only fill the cache (with Redis, evicting what is
    still read)."""
    return min(settings.PAGE_CACHE_TIMEOUT, GENERATION_TTL)


def new_generation(surely=False):
    """Start a new generation. `surely`: retried, and CacheUnreachable if the shared cache
    never took it (cache_backend.FailSafeRedisCache.set_surely); else a write a cache that is
    down skips."""
    state = (uuid.uuid4().hex, next_scheduled_change())
    backend = caches["default"]
    if surely and hasattr(backend, "set_surely"):
        backend.set_surely(GENERATION_KEY, state, GENERATION_TTL)
    else:
        backend.set(GENERATION_KEY, state, GENERATION_TTL)
    return state


@functools.cache
def generation_reader():
    """The fastest read of the generation the default cache has: FileCache.get_held (one
    os.stat() while the generation is unchanged), else get(). Found once, not per request (the
    `cache` proxy looks the backend up for the thread each time): both are thread-safe."""
    backend = caches["default"]
    return getattr(backend, "get_held", backend.get)


@receiver(setting_changed)
def forget_cache(setting, **kwargs):
    if setting == "CACHES":
        generation_reader.cache_clear()


def running_generation():
    """The current generation if there is one and it hasn't ended, else None: a read that never
    starts a generation (that needs the database) for operations.warm_path."""
    state = generation_reader()(GENERATION_KEY)
    if state is None or (state[1] is not None and state[1] <= timezone.now()):
        return None
    LastSeen.state = state
    return state[0]


def current_generation():
    state = generation_reader()(GENERATION_KEY)
    if state is None or (state[1] is not None and state[1] <= timezone.now()):
        try:
            state = new_generation()
        except DatabaseError:
            if LastSeen.state is None:
                raise
            return LastSeen.state[0]
    LastSeen.state = state
    return state[0]


def content_changed(**kwargs):
    """Signal receiver: start a new generation now, and again once the transaction commits
    (a request in between may have cached what the database still showed). Raw saves
    (loaddata: seed, restore) are skipped; those commands start one generation when done."""
    if kwargs.get("raw"):
        return
    # Before the change commits, and surely: a change the shared cache can't be told of would
    # leave readers the old pages (a withdrawn one included) until the old generation expired.
    # CacheUnreachable rolls the change back; its page says nothing was saved.
    new_generation(surely=True)
    transaction.on_commit(generation_after_commit)


def generation_after_commit():
    try:
        new_generation(surely=True)
    except CacheUnreachable:
        # The one before the commit got through: only a page cached in the moment between
        # them can be stale, until GENERATION_TTL.
        logger.error("The page cache's generation after a change was not written", exc_info=True)


def change_not_saved(request):
    """The answer to a change refused because the shared cache couldn't be told of it."""
    response = render(request, "cache_unreachable.html", status=503)
    response["Retry-After"] = "30"
    patch_cache_control(response, no_store=True)
    return response


def cacheable(request):
    """Whether the page cache may answer the request: a readers' page, asked by no one signed in."""
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith(SKIPPED_PATHS)
        and under_site_prefix(request.path, request.path_info)
        and (is_reader_request(request) or not holds_user(request))
    )


def under_site_prefix(path, path_info):
    """Whether the request's address is the site's prefix (FORCE_SCRIPT_NAME, or none) then
    the page it asks for. Pages are keyed by the whole address, and chosen by what follows the
    prefix: a SCRIPT_NAME of its own (gunicorn takes one from a request header, from peers it
    trusts) made `/help/` the home page (`/help` then `/`), stored for every reader of /help/."""
    prefix = path[: len(path) - len(path_info)] if path.endswith(path_info) else None
    return prefix == (settings.FORCE_SCRIPT_NAME or "").rstrip("/")


def holds_user(request):
    """Whether the request's session cookie names a session someone signed in to (the session
    itself, looked up as SessionMiddleware will). A session that can't be read counts as one:
    Django then answers as for a signed-in user, and nothing is served from or stored in the
    cache."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    try:
        return SESSION_KEY in store(request.COOKIES[settings.SESSION_COOKIE_NAME])
    except DatabaseError:
        return True


def bypass_meta_key():
    """The request.META / WSGI environ key of settings.PAGE_CACHE_BYPASS_HEADER, or None."""
    header = settings.PAGE_CACHE_BYPASS_HEADER
    return "HTTP_" + header.upper().replace("-", "_") if header else None


def bypassed(request):
    """Whether a benchmark asks for a full page build (settings.PAGE_CACHE_BYPASS_HEADER)."""
    key = bypass_meta_key()
    return key is not None and key in request.META


def page_key(generation, address):
    return f"page:{generation}:{hashlib.sha256(address.encode()).hexdigest()}"


def page_address(request):
    if not request.META.get("QUERY_STRING"):
        return request.path  # most requests: no query to parse
    return address_with_query(request.path, request.GET)


def address_with_query(path, query):
    """The address of `path` with the parameters its page reads from `query` (a QueryDict)."""
    # In a fixed order of names, each with the one value pages read (`GET.get()`: the last one
    # sent), so `?q=a&q=b` is the page `?q=b` is, and never the cached `?q=a`.
    parameters = [
        (name, value)
        for name in parameters_read(path)
        if name in query and (value := page_number(name, query.get(name))) is not None
    ]
    # The help page reads `country` as a known code, or says it lists nothing for an unknown
    # one: one entry per code, one for every unknown value, and none on other pages.
    asked = query.get("country", "").strip()
    if asked and path == help_path():
        parameters.append(("country", countries.normalise(asked) or "unknown"))
    return f"{path}?{urlencode(parameters)}" if parameters else path


def page_number(name, value):
    """A page number as the views read it (int(): `?page=01`, `?page=+1` are `?page=1`), and
    None for the first page, which is the page without one: each page has one entry, whatever
    way of writing its number is sent."""
    if name in NUMBERED_PARAMETERS:
        try:
            number = int(value)
        except (ValueError, TypeError):
            return value  # not a number: the page answers 404, which is never stored
        return None if number == 1 else str(number)
    return value


@receiver(setting_changed)
def forget_urls(setting, **kwargs):
    if setting == "ROOT_URLCONF":
        parameters_read.cache_clear()
        help_path.cache_clear()


@functools.lru_cache(maxsize=1024)
def parameters_read(path):
    """The names PAGE_PARAMETERS gives the page at `path`. Remembered: readers ask for a few
    hundred pages, and resolving walks the URL patterns."""
    try:
        match = resolve(path)
    except Resolver404:
        # Every name any page reads: a path behind a script prefix (FORCE_SCRIPT_NAME) resolves
        # to nothing here, and must still keep its `?page=2` apart. An address no page has is a
        # 404, never stored, so this fills nothing.
        return ALL_PAGE_PARAMETERS
    return PAGE_PARAMETERS.get(match.view_name, ())


@functools.cache
def help_path():
    return reverse("articles:help")


def storable(response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-cache" not in cache_control
        and "no-store" not in cache_control
    )


class PageCacheMiddleware:
    """Place it early: a hit skips sessions, auth, URL resolving and the database.

    An entry is (content, headers, answers): the page's bytes, every header its view gave it,
    and the finished responses operations.warm_path has seen for it (empty until then)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.max_age = settings.PAGE_CACHE_MAX_AGE
        self.timeout = entry_timeout()

    def __call__(self, request):
        # The host check, as CommonMiddleware (after this) makes it: a cached page is no answer
        # to a host the site refuses (DisallowedHost becomes a 400 here too).
        request.get_host()
        if not cacheable(request):
            return self.own_page(request, self.get_response(request))
        # A benchmark's bypass is a miss every time: the same work, nothing stored.
        bypass = bypassed(request)
        key = page_key(current_generation(), page_address(request))
        cached = None if bypass else caches["pages"].get(key)
        if cached is not None:
            request.META[ENTRY_ENVIRON_KEY] = (key, cached, False)
            content, headers = cached[:2]
            return HttpResponse(content, headers=headers)
        response = self.get_response(request)
        # A page that used the request's CSP nonce (django-csp keeps it on the request once
        # read) carries it in its body: a nonce is one response's, never everyone's.
        if (
            storable(response)
            and is_reader_request(request)
            and not getattr(request, "_csp_nonce", None)
        ):
            patch_cache_control(response, public=True, max_age=self.max_age)
            patch_cache_control(response, s_maxage=self.max_age)
            if not response.has_header("ETag"):
                response["ETag"] = f'"{hashlib.md5(response.content).hexdigest()}"'  # noqa: S324
            if bypass:
                return response
            # Every header, Content-Length, Last-Modified and X-Robots-Tag included: a page
            # from the cache is answered with exactly the headers of the page first built.
            entry = (response.content, dict(response.items()), {})
            request.META[ENTRY_ENVIRON_KEY] = (key, entry, True)
            if FRONT_ENVIRON_KEY not in request.META:
                caches["pages"].set(key, entry, self.timeout)
            return response
        return self.own_page(request, response)

    @staticmethod
    def own_page(request, response):
        """A page made for a request with a session (someone signed in, perhaps): theirs alone,
        never a shared cache's, nor a browser's to show another account. (The admin's pages say
        so already; uploads and static files are everyone's.)"""
        if (
            not is_reader_request(request)
            and not request.path.startswith(SKIPPED_PATHS)
            and not response.has_header("Cache-Control")
        ):
            patch_cache_control(response, private=True)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, CacheUnreachable):
            return change_not_saved(request)
        return None
