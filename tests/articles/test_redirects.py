from datetime import timedelta

import pytest
from django.contrib.redirects.models import Redirect
from django.utils import timezone

from articles import drafts
from articles.models import Article, Status
from tests.support.admin_forms import form_data, form_errors
from tests.support.factories import make_article, make_treatment

pytestmark = pytest.mark.django_db


def rename(obj, slug):
    obj.slug = slug
    obj.save()


def test_changing_a_published_slug_redirects_the_old_address(client, series):
    article = make_article(series, slug="example-old")
    rename(article, "example-new")

    response = client.get("/articles/example-old/")
    assert response.status_code == 301
    assert response["Location"] == "/articles/example-new/"
    assert client.get("/articles/example-new/").status_code == 200


def test_treatments_redirect_too(client, db):
    treatment = make_treatment("example-old")
    rename(treatment, "example-new")
    assert client.get("/treatments/example-old/")["Location"] == "/treatments/example-new/"


def test_chains_are_flattened(client, series):
    article = make_article(series, slug="example-a")
    rename(article, "example-b")
    rename(article, "example-c")

    assert client.get("/articles/example-a/")["Location"] == "/articles/example-c/"
    assert client.get("/articles/example-b/")["Location"] == "/articles/example-c/"


def test_changing_back_makes_no_loop(client, series):
    article = make_article(series, slug="example-a")
    rename(article, "example-b")
    rename(article, "example-a")

    assert client.get("/articles/example-a/").status_code == 200
    assert client.get("/articles/example-b/")["Location"] == "/articles/example-a/"
    assert not Redirect.objects.filter(old_path="/articles/example-a/").exists()


def test_a_new_page_at_an_old_address_wins(client, series):
    moved = make_article(series, 1, slug="example-a")
    rename(moved, "example-b")
    make_article(series, 2, slug="example-a", title="Example newcomer")

    response = client.get("/articles/example-a/")
    assert response.status_code == 200
    assert b"Example newcomer" in response.content


def test_drafts_leave_no_redirects(client, series):
    article = make_article(series, slug="example-draft", status=Status.DRAFT)
    rename(article, "example-draft-renamed")
    assert not Redirect.objects.exists()
    assert client.get("/articles/example-draft/").status_code == 404


def test_a_draft_at_an_old_address_keeps_the_redirect_until_it_is_published(client, series):
    moved = make_article(series, 1, slug="example-a")
    rename(moved, "example-b")
    newcomer = make_article(series, 2, slug="example-a", status=Status.DRAFT)

    assert client.get("/articles/example-a/")["Location"] == "/articles/example-b/"

    newcomer.status = Status.PUBLISHED
    newcomer.save()
    assert client.get("/articles/example-a/").status_code == 200


def test_renaming_a_page_that_is_not_public_leaves_every_redirect_alone(client, series):
    moved = make_article(series, 1, slug="example-a")
    rename(moved, "example-b")
    other = make_article(series, 2, slug="example-c")
    rename(other, "example-d")
    moved.status = Status.UNPUBLISHED
    moved.save()

    rename(moved, "example-c")  # the old address of the other page

    # Its own old address leads nowhere while it is not public (no 301 to a 404, and its new
    # address is not shown); the other page's old address still leads to that page.
    assert client.get("/articles/example-a/").status_code == 404
    assert client.get("/articles/example-b/").status_code == 404
    assert client.get("/articles/example-c/")["Location"] == "/articles/example-d/"


def unpublish(page):
    page.status = Status.UNPUBLISHED
    page.save()


def schedule(page):
    page.publish_at = timezone.now() + timedelta(days=1)
    page.save()


def publish(page):
    page.status = Status.PUBLISHED
    page.publish_at = timezone.now() - timedelta(minutes=1)
    page.save()


@pytest.mark.parametrize("hide", [unpublish, schedule, Article.delete], ids=lambda f: f.__name__)
def test_a_redirect_never_leads_to_a_page_readers_cant_open(client, series, hide):
    moved = make_article(series, slug="example-a")
    rename(moved, "example-b")

    hide(moved)

    response = client.get("/articles/example-a/")
    assert response.status_code == 404  # not a 301 to a 404
    assert "Location" not in response


def test_old_addresses_come_back_with_the_page(client, series):
    moved = make_article(series, slug="example-a")
    rename(moved, "example-b")
    unpublish(moved)

    publish(moved)
    assert client.get("/articles/example-a/")["Location"] == "/articles/example-b/"


def test_an_unpublished_page_renamed_shows_its_new_address_to_no_one(client, series):
    moved = make_article(series, slug="example-a")
    rename(moved, "example-b")
    unpublish(moved)

    rename(moved, "example-not-yet-public")

    for path in ("/articles/example-a/", "/articles/example-b/"):
        response = client.get(path)
        assert response.status_code == 404
        assert b"example-not-yet-public" not in response.content
    # Published again at its new address, its old addresses lead there.
    publish(moved)
    assert client.get("/articles/example-a/")["Location"] == "/articles/example-not-yet-public/"


def test_a_draft_renamed_before_its_first_publish_leaves_no_trace(client, series):
    draft = make_article(series, slug="example-a", status=Status.DRAFT)
    rename(draft, "example-b")
    schedule(draft)
    draft.status = Status.PUBLISHED
    draft.save()  # scheduled: not public yet
    rename(draft, "example-c")

    assert not Redirect.objects.exists()
    for path in ("/articles/example-a/", "/articles/example-b/"):
        assert client.get(path).status_code == 404


def test_a_scheduled_page_at_an_old_address_keeps_the_redirect_until_its_time(client, series):
    moved = make_article(series, 1, slug="example-a")
    rename(moved, "example-b")
    newcomer = make_article(
        series, 2, slug="example-a", publish_at=timezone.now() + timedelta(days=1)
    )
    assert client.get("/articles/example-a/")["Location"] == "/articles/example-b/"

    newcomer.publish_at = timezone.now() - timedelta(minutes=1)
    newcomer.save()
    assert client.get("/articles/example-a/").status_code == 200
    assert not Redirect.objects.filter(old_path="/articles/example-a/").exists()


def test_an_editors_new_draft_at_an_old_address_leaves_readers_on_the_moved_page(
    client, editor_client, series
):
    moved = make_article(series, 1, slug="example-a")
    rename(moved, "example-b")
    add_url = "/admin/articles/article/add/"
    data = form_data(editor_client.get(add_url))
    data.update(
        series=series.pk, number="2", title="Example newcomer", slug="example-a",
        summary="Example summary.", body="Example body.",
    )  # fmt: skip
    response = editor_client.post(add_url, data)
    assert response.status_code == 302, form_errors(response)
    assert Article.objects.get(slug="example-a").status == Status.DRAFT

    response = client.get("/articles/example-a/")
    assert response["Location"] == "/articles/example-b/"
    assert client.get(response["Location"]).status_code == 200


def test_a_draft_of_a_live_page_moves_its_redirects_when_it_goes_live(client, series):
    live = make_article(series, slug="example-a")
    rename(live, "example-b")
    draft = drafts.start_draft(live)
    rename(draft, "example-c")
    assert client.get("/articles/example-a/")["Location"] == "/articles/example-b/"

    drafts.go_live(draft)
    for path in ("/articles/example-a/", "/articles/example-b/"):
        assert client.get(path)["Location"] == "/articles/example-c/"


def test_deleting_a_page_removes_the_redirects_to_it(series):
    moved = make_article(series, slug="example-a")
    rename(moved, "example-b")
    moved.delete()
    assert not Redirect.objects.exists()


def test_redirects_made_by_hand_to_other_addresses_still_answer(client, db):
    Redirect.objects.create(site_id=1, old_path="/example-old/", new_path="/treatments/")
    assert client.get("/example-old/")["Location"] == "/treatments/"
