"""A list's query string may name lookups its page never links to: Django's admin allows any
lookup on a model's own fields (`ModelAdmin.lookup_allowed`: "local fields are always
allowed"), with any transform. test_admin_hostile_input sends bad values to the filters a page
links to; these are the others, as an editor can type them. Each answered 500 (or, on SQLite,
the "database unavailable" 503) under gunicorn with production settings; a regular expression
runs in Python on SQLite, row by row, and `^(\\w+\\s?)+$` held a worker past its 30 s timeout."""

import pytest
from django.urls import reverse

from articles.models import Status
from tests.support.factories import make_article

pytestmark = pytest.mark.django_db

LOOKUPS = {
    "year 0": "created__year=0",
    "year 10000": "updated__year=10000",
    "ISO year 0": "created__iso_year=0",
    "range of one value": "number__range=1",
    "a number too big in a list": "number__in=1,99999999999999999999",
    "a related id too big": "series=99999999999999999999",
    "an invalid regular expression": "title__regex=(",
    "an invalid case-insensitive one": "title__iregex=[",
}


@pytest.mark.parametrize("query", LOOKUPS.values(), ids=LOOKUPS.keys())
def test_a_lookup_the_page_never_links_to_gets_no_server_error(editor_client, article, query):
    response = editor_client.get(reverse("admin:articles_article_changelist") + "?" + query)

    assert response.status_code < 500


def test_a_regular_expression_lookup_is_never_run(editor_client, series):
    # Backtracking doubles with each letter: 26 take Python's re some 2 s, 40 take days.
    make_article(series, status=Status.DRAFT, title="a" * 26 + "!")

    response = editor_client.get(
        reverse("admin:articles_article_changelist"), {"title__regex": r"^(a+)+$"}
    )

    # Refused, as Django refuses a lookup it doesn't allow (400), or the whole list, ?e=1.
    assert response.status_code in (400, 302)


RUNNABLE_ONLY_IN_PART = {k: v for k, v in LOOKUPS.items() if "regex=" not in v}


@pytest.mark.parametrize("query", RUNNABLE_ONLY_IN_PART.values(), ids=RUNNABLE_ONLY_IN_PART.keys())
def test_a_lookup_the_list_cannot_run_shows_the_whole_list_marked(editor_client, article, query):
    url = reverse("admin:articles_article_changelist")

    response = editor_client.get(url + "?" + query)

    # Django's answer to a lookup it knows to be wrong: the list again, with "?e=1".
    assert response.status_code == 302
    assert response["Location"] == url + "?e=1"


def test_a_regular_expression_lookup_is_refused_as_disallowed(editor_client, article):
    response = editor_client.get(
        reverse("admin:articles_article_changelist"), {"title__iregex": "a"}
    )

    assert response.status_code == 400


def test_a_lookup_the_list_can_run_still_filters_with_no_extra_query(
    editor_client, series, django_assert_max_num_queries
):
    kept = make_article(series, 1, status=Status.DRAFT, title="Kept by the lookup")
    make_article(series, 2, status=Status.DRAFT, title="Left out by the lookup")
    url = reverse("admin:articles_article_changelist")
    with django_assert_max_num_queries(100) as unfiltered:
        editor_client.get(url)

    with django_assert_max_num_queries(len(unfiltered)) as filtered:
        response = editor_client.get(url, {"number__in": f"{kept.number},99999"})

    assert response.status_code == 200
    assert b"Kept by the lookup" in response.content
    assert b"Left out by the lookup" not in response.content
    # The check runs in Python: filtering costs no query the plain list doesn't make.
    assert len(filtered) <= len(unfiltered)
