"""The benchmarks' bypass of the page cache (settings.PAGE_CACHE_BYPASS_HEADER): with the setting
on, a request carrying the header it names is built in full every time, by the page cache and
by the warm path alike, and never stored; off (the default, and production's), the header does
nothing. Before it, benchmarks sent a made-up session cookie, which is now answered from the
cache (tests/operations/test_page_cache_sessions.py), so their "bypassed" figures were hits."""

import pytest
from django.core.cache import caches

from operations.page_cache import current_generation, page_key
from operations.warm_path import WarmPathApplication
from tests.support.wsgi_requests import (
    CountingApplication,
    answer,
    clear_page_caches,
    connections_kept,
)

pytestmark = pytest.mark.django_db

HEADER = "X-Example-Bypass"
SENT = {"HTTP_X_EXAMPLE_BYPASS": "1"}


@pytest.fixture
def url(article):
    clear_page_caches()
    return article.get_absolute_url()


def stored(url):
    return caches["pages"].get(page_key(current_generation(), url)) is not None


def test_off_by_default_the_header_is_answered_from_the_cache(settings, client, url, renders):
    assert settings.PAGE_CACHE_BYPASS_HEADER == ""
    page = client.get(url)
    renders.clear()

    response = client.get(url, **SENT)

    assert renders == []
    assert response.content == page.content


def test_configured_the_header_gets_a_full_build_every_time_and_stores_nothing(
    settings, client, url, renders
):
    settings.PAGE_CACHE_BYPASS_HEADER = HEADER
    response = client.get(url, **SENT)
    assert not stored(url)

    page = client.get(url)  # a reader's: stored
    assert stored(url)
    for _ in range(2):
        renders.clear()
        response = client.get(url, **SENT)
        assert "articles/article_detail.html" in renders
        assert response.status_code == 200
        # The page a miss builds, with the headers a miss gives it.
        assert response.content == page.content
        for name in ("ETag", "Cache-Control", "Content-Type"):
            assert response[name] == page[name], name


@pytest.fixture
def front():
    with connections_kept():
        yield WarmPathApplication(CountingApplication())


def test_the_warm_path_passes_the_header_to_django_only_when_configured(settings, url, front):
    warm = answer(front, url)
    assert answer(front, url) == warm
    assert front.application.calls == 1  # the second from the warm path

    assert answer(front, url, **SENT) == warm
    assert front.application.calls == 1  # off: the header changes nothing

    settings.PAGE_CACHE_BYPASS_HEADER = HEADER
    for calls in (2, 3):
        status, _, body = answer(front, url, **SENT)
        assert (status, body) == (warm[0], warm[2])
        assert front.application.calls == calls

    clear_page_caches()
    answer(front, url, **SENT)
    assert not stored(url)
