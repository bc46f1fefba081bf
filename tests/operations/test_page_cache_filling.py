"""Made-up values can't fill the page cache. The key keeps `page`, `q` and `p` on every page,
though most pages read none of them: `/?q=<anything>` and `/treatments/?p=<anything>` each
answered 200 and were stored as a page of their own. With Redis (REDIS_URL) those entries
share the instance with the generation and the feedback rate limit's counts and stay for
PAGE_CACHE_TIMEOUT (a day) after the generation has moved on, so anyone can write ~50 KB a
request into it."""

import time

import pytest
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory

from operations.page_cache import GENERATION_TTL, page_address
from operations.warm_path import WarmPathApplication
from tests.support.wsgi_requests import answer, clear_page_caches, connections_kept


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/", "?q=made-up-1"),
        ("/treatments/", "?p=made-up-2"),
        ("/glossary/", "?q=made-up-3"),
        ("/help/", "?page=4"),
        ("/privacy/", "?p=5&q=6"),
    ],
)
def test_a_parameter_the_page_never_reads_is_not_in_its_key(path, query):
    factory = RequestFactory()

    assert page_address(factory.get(path + query)) == page_address(factory.get(path))


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/", "?page=2"),
        ("/treatments/", "?page=2"),
        ("/search/", "?q=sleep"),
        ("/search/", "?page=2&q=sleep"),  # names in a fixed order
        ("/sitemap-articles.xml", "?p=2"),
    ],
)
def test_a_parameter_the_page_reads_stays_in_its_key(path, query):
    # Each of these pages answers differently for it: one key for all would serve the first.
    factory = RequestFactory()

    assert page_address(factory.get(path + query)) == path + query


def test_an_address_no_page_has_keeps_every_parameter_a_page_reads():
    # Behind a script prefix no path resolves here: `?page=2` must still be a key of its own.
    # Such a page is a 404 where it isn't, and a 404 is never stored.
    address = page_address(RequestFactory().get("/prefix/search/?q=sleep&page=2&x=1"))

    assert address == "/prefix/search/?page=2&q=sleep"


@pytest.mark.django_db
@pytest.mark.parametrize("in_front", [False, True], ids=["django", "warm-path"])
def test_a_page_is_kept_no_longer_than_its_generation_can_last(seeded, in_front):
    # After GENERATION_TTL no key reaches it: kept a day, it only filled the cache (A2 review).
    clear_page_caches()
    with connections_kept():
        application = WarmPathApplication(WSGIHandler()) if in_front else WSGIHandler()
        assert answer(application, "/")[0] == "200 OK"
    pages = caches["pages"]
    expiries = [pages._expire_info[key] - time.time() for key in pages._cache]
    assert expiries
    assert all(0 < left <= GENERATION_TTL for left in expiries), expiries
