"""The change form's text boxes: an article's summary is a box of a few lines that keeps it
one paragraph."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from articles.models import Status
from tests.support.admin_forms import save_via_admin
from tests.support.factories import make_article

pytestmark = pytest.mark.django_db


def test_the_summary_is_a_multi_line_box_with_the_fields_limit(editor_client, series):
    article = make_article(series, status=Status.DRAFT)
    url = reverse("admin:articles_article_change", args=[article.pk])
    soup = BeautifulSoup(editor_client.get(url).content, "html.parser")

    summary = soup.select_one("#id_summary")
    assert summary.name == "textarea"
    assert summary["rows"] == "3"
    assert summary["maxlength"] == "300"


def test_line_breaks_typed_in_the_summary_become_spaces(editor_client, series):
    article = make_article(series, status=Status.DRAFT)
    save_via_admin(
        editor_client, article, summary="An example first line. \r\n\r\n  An example second line."
    )
    article.refresh_from_db()
    assert article.summary == "An example first line. An example second line."
