"""The admin's search of pages on PostgreSQL: the rows it finds (by name, the search fields, or by
text, the full-text index) and that the database can find them from indexes, without reading
every page (bench/scale.py times it at 10,000)."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import drafts
from articles.models import Status
from tests.support.factories import make_article, make_treatment

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's full-text search"),
]
ARTICLES = reverse("admin:articles_article_changelist")


def listed(client, url, **query):
    soup = BeautifulSoup(client.get(url, query).content, "html.parser")
    return {row.select_one("th a").get_text() for row in soup.select("#result_list tbody tr")}


@pytest.fixture
def pages(series):
    def page(number, title, summary="An example summary.", body="Example paragraph.", **fields):
        return make_article(
            series,
            number,
            title=title,
            summary=summary,
            body=body,
            slug=f"example-page-{number}",
            **fields,
        )

    live = page(6, "Example live page")
    draft = drafts.start_draft(live)
    draft.body = "Walnut and harbour in the draft only."
    draft.save()
    return [
        page(1, "Example walnut guide"),  # a word of the title
        page(2, "Example second", summary="About the walnut."),  # of the summary
        page(3, "Example third", body="Walnuts grow here."),  # the text, stemmed: full-text only
        page(4, "Example blackwalnut"),  # inside a word: the name match only
        page(5, "Example other"),
        page(7, "Example walnut", summary="By the harbour."),  # each word in a name field
        page(8, "Example eighth", body="The walnut by the harbour."),  # both words in the text
        page(9, "Example harbour review", body="Walnut.", status=Status.DRAFT),
        live,
    ]


@pytest.mark.parametrize(
    "query, found",
    [
        ({"q": "walnut"}, {1, 2, 3, 4, 7, 8, 9}),
        ({"q": "WALNUT"}, {1, 2, 3, 4, 7, 8, 9}),
        ({"q": "walnut harbour"}, {7, 8, 9}),
        ({"q": '"walnut guide"'}, {1}),
        ({"q": "walnut", "status__exact": Status.DRAFT}, {9}),
        ({"q": "example"}, {1, 2, 3, 4, 5, 6, 7, 8, 9}),
        ({"q": "nothing-like-it"}, set()),
    ],
)
def test_search_finds_pages_by_name_or_text(publisher_client, pages, query, found):
    by_number = {str(page): page.number for page in pages}
    assert {by_number[title] for title in listed(publisher_client, ARTICLES, **query)} == found


def test_treatment_search_finds_by_name_or_text(publisher_client, db):
    make_treatment("example-walnut", name="Example walnut treatment")
    make_treatment("example-text", name="Example other treatment", body="Walnuts are named here.")
    make_treatment("example-none", name="Example third treatment")

    found = listed(publisher_client, reverse("admin:articles_treatment_changelist"), q="walnut")

    assert found == {"Example walnut treatment", "Example other treatment"}


@pytest.mark.parametrize("term", ["walnut", "walnut harbour"])
def test_the_search_is_answered_from_indexes(publisher_client, pages, term):
    # Not by reading every page, whose search vector a scan reads (stored apart at full size,
    # a few storage pages each): at 10,000 pages that costs more than the rest of the list.
    # Each part of the search's condition is one an index answers, and the condition holds no
    # subquery that reads every match's search vector (what the admin's search did before).
    # Which plan the planner picks for a few thousand rows follows their statistics and the
    # table's dead rows, so each part is asked of the planner on its own, scans refused.
    with CaptureQueriesContext(connection) as queries:
        publisher_client.get(ARTICLES, {"q": term})
    (count,) = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert "SELECT" not in count.split("WHERE", 1)[1], count

    table = "articles_article"
    word = term.split()[0].upper()
    parts = {
        "title_trigrams": f"UPPER(title::text) LIKE '%%{word}%%'",
        "summary_trigrams": f"UPPER(summary::text) LIKE '%%{word}%%'",
        "search_gin": f"search_vector @@ plainto_tsquery('english', '{term}')",
    }
    for index, condition in parts.items():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN SELECT COUNT(*) FROM {table} WHERE {condition}")  # noqa: S608
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert f"Index Scan on {table}_{index}" in plan, plan
