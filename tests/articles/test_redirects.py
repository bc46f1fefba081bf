import pytest
from django.contrib.redirects.models import Redirect

from articles.models import Status
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

    assert client.get("/articles/example-a/")["Location"] == "/articles/example-b/"
    assert client.get("/articles/example-c/")["Location"] == "/articles/example-d/"
