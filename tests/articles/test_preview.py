import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from articles.models import Article, Status
from tests.support.admin_forms import form_data
from tests.support.factories import add_treatments, make_article, make_treatment

pytestmark = pytest.mark.django_db


def test_preview_shows_unsaved_changes_as_readers_would_see_them(editor_client, series):
    article = make_article(series, status=Status.DRAFT, title="Example saved title")
    add_treatments(article, [make_treatment("example-treatment", name="Example Treatment")])
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(editor_client.get(change_url))
    data.update(title="Example unsaved title", body="## Example heading\n\n[[treatments]]")

    response = editor_client.post(change_url + "preview/", data)

    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.h1.get_text() == "Example unsaved title"
    banners = " ".join(p.get_text() for p in soup.select(".draft-banner"))
    assert "Preview — not saved" in banners and "Draft — not public" in banners
    assert soup.find("h2", id="example-heading")
    assert soup.select_one(".treatment-section a").get_text() == "Example Treatment"
    assert "no-store" in response["Cache-Control"]
    assert Article.objects.get().title == "Example saved title"


def test_preview_of_a_new_article(editor_client, series):
    data = form_data(editor_client.get(reverse("admin:articles_article_add")))
    data.update(
        series=str(series.pk),
        number="3",
        title="Example brand new",
        slug="example-brand-new",
        summary="Example summary.",
        body="Example *body*.",
        status=Status.DRAFT,
    )
    response = editor_client.post(reverse("admin:articles_article_add") + "preview/", data)
    assert response.status_code == 200
    assert b"<em>body</em>" in response.content
    assert not Article.objects.exists()


def test_preview_with_errors_explains_them(editor_client, series):
    article = make_article(series, status=Status.DRAFT)
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(editor_client.get(change_url))
    data["title"] = ""
    response = editor_client.post(change_url + "preview/", data)
    assert response.status_code == 400
    assert b"This field is required." in response.content


def test_treatment_preview(editor_client, db):
    treatment = make_treatment("example-treatment", status=Status.DRAFT)
    change_url = reverse("admin:articles_treatment_change", args=[treatment.pk])
    data = form_data(editor_client.get(change_url))
    data["summary"] = "Example *new* summary."
    response = editor_client.post(change_url + "preview/", data)
    assert response.status_code == 200
    assert b"Example <em>new</em> summary." in response.content


def test_change_form_has_the_preview_button(editor_client, series):
    article = make_article(series, status=Status.DRAFT)
    html = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    button = BeautifulSoup(html.content, "html.parser").find("input", attrs={"name": "_preview"})
    assert button["formaction"] == "preview/" and button["formtarget"] == "_blank"


def test_anonymous_cannot_preview(client, article):
    url = reverse("admin:articles_article_change", args=[article.pk]) + "preview/"
    assert client.post(url, {}).status_code == 302
