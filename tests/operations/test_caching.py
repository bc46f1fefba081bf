from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Status
from tests.support.factories import add_treatments, make_article, make_treatment

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(series):
    treatment = make_treatment("example-treatment", summary="Original treatment text.")
    article = make_article(series, 1, title="Example first")
    add_treatments(article, [treatment])
    return article, treatment


def public_urls(article, treatment):
    return [
        "/",
        article.series.get_absolute_url(),
        article.get_absolute_url(),
        "/treatments/",
        treatment.get_absolute_url(),
        "/search/?q=example",
        "/glossary/",
        "/feed/atom/",
        "/sitemap-articles.xml",
    ]


def test_warm_pages_run_no_queries(client, site, django_assert_num_queries):
    for url in public_urls(*site):
        first = client.get(url)
        with django_assert_num_queries(0):
            again = client.get(url)
        assert again.status_code == 200, url
        assert again.content == first.content, url


def test_public_pages_carry_cdn_headers_and_answer_304(client, site):
    article, _ = site
    response = client.get(article.get_absolute_url())
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=60", "s-maxage=60"} <= cache_control
    etag = response["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies

    again = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert client.get(article.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "change",
    ["save", "unpublish", "treatment", "new-article", "delete-article", "callout"],
)
def test_every_change_shows_at_once(client, site, series, change):
    article, treatment = site
    url = article.get_absolute_url()
    client.get(url)
    client.get("/")

    if change == "save":
        article.title = "Example edited title"
        article.save()
        assert b"Example edited title" in client.get(url).content
    elif change == "unpublish":
        article.status = Status.UNPUBLISHED
        article.save()
        assert client.get(url).status_code == 404
        assert b"Example first" not in client.get("/").content
    elif change == "treatment":
        treatment.summary = "Edited treatment text."
        treatment.save()
        assert b"Edited treatment text." in client.get(url).content
    elif change == "new-article":
        make_article(series, 2, title="Example second")
        assert b"Example second" in client.get("/").content
        assert b'rel="next"' in client.get(url).content
    elif change == "delete-article":
        article.delete()
        assert client.get(url).status_code == 404
    else:
        from articles.models import UrgentHelp

        callout = UrgentHelp.objects.get()
        callout.title = "Example changed callout"
        callout.save()
        assert b"Example changed callout" in client.get(url).content


def test_publishing_a_draft_shows_at_once(client, series):
    first = make_article(series, 1)
    draft = make_article(series, 2, title="Example draft", status=Status.DRAFT)
    client.get("/")
    client.get(first.get_absolute_url())
    assert client.get(draft.get_absolute_url()).status_code == 404

    draft.status = Status.PUBLISHED
    draft.save()

    assert client.get(draft.get_absolute_url()).status_code == 200
    assert b"Example draft" in client.get("/").content


def test_a_scheduled_page_appears_when_its_time_passes(client, series):
    first = make_article(series, 1)
    publish_at = timezone.now() + timedelta(hours=1)
    scheduled = make_article(series, 2, title="Example scheduled", publish_at=publish_at)
    assert b"Example scheduled" not in client.get("/").content  # now cached

    with mock.patch("django.utils.timezone.now", return_value=publish_at + timedelta(seconds=1)):
        assert b"Example scheduled" in client.get("/").content
        assert client.get(scheduled.get_absolute_url()).status_code == 200
        assert scheduled.get_absolute_url().encode() in client.get(first.get_absolute_url()).content


def test_signed_in_staff_and_drafts_bypass_the_cache(editor_client, client, series):
    published = make_article(series, 1, title="Example public")
    draft = make_article(series, 2, title="Example hidden", status=Status.DRAFT)
    client.get(published.get_absolute_url())

    preview = editor_client.get(draft.get_absolute_url())
    assert preview.status_code == 200
    assert "private" in preview["Cache-Control"]
    # The staff view was not stored for anyone else...
    assert client.get(draft.get_absolute_url()).status_code == 404
    # ...and staff never get a stored page.
    response = editor_client.get(published.get_absolute_url())
    assert response.status_code == 200
    assert "public" not in response.get("Cache-Control", "")


def test_admin_is_never_cached(client, db):
    response = client.get(reverse("admin:login"))
    assert "public" not in response.get("Cache-Control", "")


def test_not_found_pages_are_not_stored(client, series):
    assert client.get("/articles/example-later/").status_code == 404
    make_article(series, slug="example-later")
    assert client.get("/articles/example-later/").status_code == 200


def test_anonymous_reader_with_a_stale_session_cookie_is_still_served(series):
    reader = Client()
    reader.cookies["sessionid"] = "no-such-session"
    article = make_article(series)
    assert reader.get(article.get_absolute_url()).status_code == 200


def test_made_up_query_parameters_share_the_page(client, site, django_assert_num_queries):
    """Only the parameters pages read are part of the cache key: tracking tags and junk can
    neither bypass the cache nor fill it."""
    article, _ = site
    url = article.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(0):
        assert client.get(url + "?utm_source=example&fbclid=x").status_code == 200
        assert client.get(url + "?junk=" + "x" * 500).status_code == 200
    client.get("/search/?q=example")
    with django_assert_num_queries(0):
        client.get("/search/?utm_medium=x&q=example")
    first = client.get("/search/?q=example").content
    other = client.get("/search/?q=different").content
    assert first != other  # q is part of the key


def test_a_generation_ends_by_itself(site):
    """A new generation whose write never reached a briefly unreachable shared cache is
    bounded: the one there expires on its own."""
    from operations import page_cache

    with time_machine.travel(timezone.now(), tick=False) as clock:
        first = page_cache.new_generation()[0]
        clock.shift(page_cache.GENERATION_TTL - 1)
        assert page_cache.current_generation() == first
        clock.shift(2)
        assert page_cache.current_generation() != first


def test_country_splits_the_cache_on_the_help_page_only_and_by_known_code(
    client, site, django_assert_num_queries
):
    from operations.page_cache import page_address

    article, _ = site
    url = article.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(0):  # other pages don't read it: one entry for all values
        assert client.get(url + "?country=x1").status_code == 200
        assert client.get(url + "?country=x2").status_code == 200
    from django.test import RequestFactory

    def key(query):
        return page_address(RequestFactory().get("/help/" + query))

    assert key("?country=gb") == key("?country=GB") == key("?country=UK") == "/help/?country=GB"
    assert key("?country=zz1") == key("?country=" + "y" * 500) == "/help/?country=unknown"
    assert key("?country=") == key("") == "/help/"
    assert key("?country=US&country=GB") == "/help/?country=GB"  # the page reads the last
