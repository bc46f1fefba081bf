"""“Link to a page” beside the Markdown editor: the search behind it (articles/admin/
page_links.py) finds articles and treatments by title, name or number and answers the code
that links to each; drafts are never offered, and only staff may ask."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from articles import drafts
from articles.models import Status
from tests.support.factories import make_article, make_treatment
from tests.support.signoff import url

pytestmark = pytest.mark.django_db

SEARCH = reverse("admin:articles_link_search")


def found(client, term):
    response = client.get(SEARCH, {"term": term})
    assert response.status_code == 200
    return response.json()["results"]


def test_an_article_is_found_by_title_or_number_with_its_link_code(editor_client, series):
    first = make_article(series, number=1, title="Example Depression Basics")
    make_article(series, number=2, title="Example Other Page")

    by_title = found(editor_client, "depression bas")
    by_number = found(editor_client, "#1")

    assert (
        by_title
        == by_number
        == [
            {
                "id": f"article:{first.pk}",
                "title": "Example Depression Basics",
                "text": "Article #1 Example Depression Basics",
            }
        ]
    )


def test_a_treatment_is_found_by_name_and_an_unpublished_page_says_so(editor_client, series):
    treatment = make_treatment("example-ketamine", name="Example Ketamine", status=Status.DRAFT)

    [result] = found(editor_client, "ketamine")

    assert result["id"] == f"treatment:{treatment.pk}"
    assert result["title"] == "Example Ketamine"
    assert result["text"] == (
        "Treatment: Example Ketamine (not public yet: shows as plain text until it is)"
    )


def test_a_draft_is_never_offered_its_live_page_is(editor_client, series):
    live = make_article(series, title="Example Live Page")
    draft = drafts.start_draft(live)

    assert [r["id"] for r in found(editor_client, "Example Live")] == [f"article:{live.pk}"]
    assert draft.pk != live.pk


def test_nothing_typed_finds_nothing_and_many_matches_stop_at_ten(editor_client, series):
    for number in range(1, 13):
        make_article(series, number=number, title=f"Example Many {number}")

    assert found(editor_client, "   ") == []
    assert len(found(editor_client, "Example Many")) == 10


def test_the_search_takes_a_fixed_number_of_queries(
    editor_client, series, django_assert_max_num_queries
):
    for number in range(1, 6):
        make_article(series, number=number, title=f"Example Count {number}")
        make_treatment(f"example-count-{number}", name=f"Example Count {number}")
    # The admin's own (session, user, permissions, schedule check), then one per kind of page.
    with django_assert_max_num_queries(8):
        assert len(found(editor_client, "Example Count")) == 10


def test_only_signed_in_staff_may_search(series):
    make_article(series, title="Example Hidden")
    response = Client().get(SEARCH, {"term": "Example"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert Client().post(SEARCH, {"term": "Example"}).status_code == 302


def test_the_markdown_fields_carry_the_search_address(editor_client, series):
    article = make_article(series, status=Status.DRAFT)
    treatment = make_treatment("example-linking", status=Status.DRAFT)
    for page, names in ((article, ["body"]), (treatment, ["summary", "body"])):
        soup = BeautifulSoup(editor_client.get(url("change", page)).content, "html.parser")
        for name in names:
            assert soup.select_one(f"textarea#id_{name}")["data-link-search"] == SEARCH
        scripts = [s["src"] for s in soup.select("script[src]")]
        assert sum("editor_pickers" in src for src in scripts) == 1
