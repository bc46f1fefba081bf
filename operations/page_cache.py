"""Whole-page cache for readers, and the HTTP cache headers a CDN or proxy can use.

Anonymous GET requests for public pages are answered from the "pages" cache without touching
the database. Every key carries the current *generation* of the content, kept in the "default"
cache that every process shares (CACHES in settings: Redis with REDIS_URL, else files on this
machine): any save or delete of content starts a new generation, so every page changes at once
and nothing stale is served.
The generation also knows the next moment a scheduled page goes public, and ends by itself
then, so scheduled publishing needs no job either.

Signed-in users (anyone with a session cookie), the admin, and responses marked private (drafts)
are never cached.
"""

import functools
import hashlib
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache, caches
from django.db import DatabaseError, transaction
from django.db.models import Min
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from articles import countries
from articles.readers import is_reader_request

GENERATION_KEY = "pages:generation"
# A generation also ends after this many seconds, so an edit whose new generation never reached
# a shared cache that was briefly unreachable is shown within minutes, not a day.
GENERATION_TTL = 5 * 60
# The only query parameters readers' pages read (pagination, search, sitemap sections, the
# country on /help/): the cache key holds these alone, so made-up parameters can neither miss
# the cache nor fill it.
PAGE_PARAMETERS = ("page", "q", "p")
# Headers worth keeping with a cached page; the rest are per-response.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Cache-Control", "ETag", "Link")
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


def new_generation():
    state = (uuid.uuid4().hex, next_scheduled_change())
    cache.set(GENERATION_KEY, state, GENERATION_TTL)
    return state


def current_generation():
    state = cache.get(GENERATION_KEY)
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
    new_generation()
    transaction.on_commit(new_generation)


def cacheable(request):
    return (
        request.method in ("GET", "HEAD")
        and is_reader_request(request)
        and not request.path.startswith(SKIPPED_PATHS)
    )


def page_address(request):
    if not request.META.get("QUERY_STRING"):
        return request.path  # most requests: no query to parse
    # In a fixed order of names, each with the one value pages read (`GET.get()`: the last one
    # sent), so `?q=a&q=b` is the page `?q=b` is, and never the cached `?q=a`.
    parameters = [(name, request.GET.get(name)) for name in PAGE_PARAMETERS if name in request.GET]
    # The help page reads `country` as a known code, or says it lists nothing for an unknown
    # one: one entry per code, one for every unknown value, and none on other pages.
    asked = request.GET.get("country", "").strip()
    if asked and request.path == help_path():
        parameters.append(("country", countries.normalise(asked) or "unknown"))
    return f"{request.path}?{urlencode(parameters)}" if parameters else request.path


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
    """Place it early: a hit skips sessions, auth, URL resolving and the database."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.max_age = settings.PAGE_CACHE_MAX_AGE
        self.timeout = settings.PAGE_CACHE_TIMEOUT

    def __call__(self, request):
        # The host check, as CommonMiddleware (after this) makes it: a cached page is no answer
        # to a host the site refuses (DisallowedHost becomes a 400 here too).
        request.get_host()
        if not cacheable(request):
            return self.get_response(request)
        address = hashlib.sha256(page_address(request).encode()).hexdigest()
        key = f"page:{current_generation()}:{address}"
        cached = caches["pages"].get(key)
        if cached is not None:
            content, headers = cached
            return HttpResponse(content, headers=headers)
        response = self.get_response(request)
        if storable(response):
            patch_cache_control(response, public=True, max_age=self.max_age)
            patch_cache_control(response, s_maxage=self.max_age)
            if not response.has_header("ETag"):
                response["ETag"] = f'"{hashlib.md5(response.content).hexdigest()}"'  # noqa: S324
            headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            caches["pages"].set(key, (response.content, headers), self.timeout)
        return response
