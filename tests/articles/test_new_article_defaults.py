"""A new article's form starts in the only series, at the number after its last article."""

import pytest
from django.urls import reverse

from articles.models import Status
from tests.support.factories import make_article, make_series

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_article_add")


def initial(client, query=""):
    form = client.get(ADD + query).context["adminform"].form
    return form.initial.get("series"), form.initial.get("number")


def test_the_only_series_and_the_number_after_its_last_page(editor_client, series):
    first = make_article(series, 1)
    make_article(series, 2, status=Status.DRAFT)
    # A draft of a live page keeps its page's number: it is not a page of its own.
    make_article(series, 7, live_page=first, status=Status.DRAFT)
    assert initial(editor_client) == (series.pk, 3)


def test_a_first_article_is_number_one(editor_client, series):
    assert initial(editor_client) == (series.pk, 1)


def test_with_several_series_the_editor_chooses(editor_client, series):
    other = make_series(title="Example Other Series", slug="example-other-series")
    make_article(other, 4)
    assert initial(editor_client) == (None, None)
    # Chosen in the address (the series page's "Add"), it is numbered in that series.
    assert initial(editor_client, f"?series={other.pk}") == (str(other.pk), 5)
