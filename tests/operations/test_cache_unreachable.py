"""A change the shared cache can't be told of is not made. Every page-cache key carries the
content's generation (operations.page_cache); a change starts a new one. When Redis took no
write for a moment (a failover, a blip), the new generation used to be skipped as any cache
write is while Redis is down, and both instances went on serving a withdrawn page from Redis
until the old generation expired, minutes later (found through `make cluster`). Now the write
is retried for a few seconds, and if it never gets through the change is rolled back with a
page saying nothing was saved."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import drafts
from articles.models import Article, Status
from operations import cache_backend
from tests.support.servers import TcpProxy, redis_cache_through

pytestmark = pytest.mark.slow

REDIS = ("127.0.0.1", 6379)
ARTICLE = "/articles/what-is-treatment-resistant-depression/"


@pytest.fixture
def redis_through_proxy(settings, monkeypatch):
    """The shared cache on Redis, as with REDIS_URL, through a link the test can cut."""
    proxy = TcpProxy(REDIS)
    proxy.restore()
    shared = redis_cache_through(proxy, retry_after=5)
    settings.CACHES = {"default": shared, "pages": shared, "throttle": shared}
    monkeypatch.setattr(cache_backend, "SURELY_SECONDS", 1)
    try:
        yield proxy
    finally:
        proxy.cut()


def from_another_instance(path):
    """A reader's request as another instance answers it: without this one's back-off after a
    failed write (FailSafeRedisCache stops asking Redis for a while), so asking Redis."""
    for alias in ("default", "pages"):
        caches[alias].down_until = 0.0
    return Client().get(path).status_code


def unpublish(client, page):
    url = reverse("admin:articles_article_unpublish", args=[page.pk])
    return client.post(url)


def test_a_withdrawal_the_cache_cant_be_told_of_is_not_made(
    seeded, publisher_client, redis_through_proxy
):
    reader = Client()
    assert reader.get(ARTICLE).status_code == 200  # cached
    redis_through_proxy.cut()

    response = unpublish(publisher_client, seeded)

    assert response.status_code == 503
    assert "Not saved" in response.text
    assert "Nothing was changed" in response.text
    assert response["Cache-Control"] == "no-store"
    seeded.refresh_from_db()
    assert seeded.status == Status.PUBLISHED
    # Once Redis answers again, readers get what the database says: the page, still public.
    redis_through_proxy.restore()
    assert from_another_instance(ARTICLE) == 200


def test_a_withdrawal_during_a_short_blip_is_seen_at_once(
    seeded, publisher_client, redis_through_proxy
):
    reader = Client()
    assert reader.get(ARTICLE).status_code == 200
    redis_through_proxy.cut()
    # Redis answers again within the retries (cache_backend.SURELY_SECONDS).
    threading.Timer(0.4, redis_through_proxy.restore).start()

    response = unpublish(publisher_client, seeded)

    assert response.status_code == 302
    seeded.refresh_from_db()
    assert seeded.status != Status.PUBLISHED
    assert from_another_instance(ARTICLE) == 404


def test_a_scheduled_update_waits_for_the_cache(seeded, publisher, redis_through_proxy):
    draft = drafts.start_draft(seeded)
    draft.title = "Example scheduled title"
    draft.status = Status.REVIEW
    draft.save()
    when = timezone.now() + timedelta(minutes=5)
    drafts.publish(draft, publisher, at=when, signed=drafts.fingerprint(draft))
    redis_through_proxy.cut()

    with time_machine.travel(when + timedelta(minutes=1)):
        # A reader's request finds the update due but can't tell the cache: it doesn't go
        # live, and the reader still gets the page.
        assert Client().get(ARTICLE).status_code == 200
        seeded.refresh_from_db()
        assert seeded.title != "Example scheduled title"

        redis_through_proxy.restore()
        Client().get(ARTICLE)
        seeded.refresh_from_db()
        assert seeded.title == "Example scheduled title"
        assert not Article.objects.filter(live_page=seeded).exists()
