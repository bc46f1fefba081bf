import re

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.urls import reverse

from articles import search
from articles.models import Status
from tests.support.factories import make_article, make_articles, make_treatment

pytestmark = pytest.mark.django_db

URL = reverse("articles:search")


def results(client, query, **params):
    response = client.get(URL, {"q": query, **params})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return [li.a.get_text(" ", strip=True) for li in soup.select(".search-results li")], soup


@pytest.fixture
def pages(series):
    make_article(series, 1, title="Example sleep and mood", body="Notes about sleeping well.")
    make_article(
        series, 2, title="Example other topic", summary="Mentions sleep once.", body="Plain."
    )
    make_article(series, 3, title="Example draft about sleep", status=Status.DRAFT)
    make_treatment("example-future", name="Example sleep therapy", publish_at="2999-01-01T00:00Z")
    make_treatment("example-light", name="Example light therapy", body="Helps sleep for some.")


def test_search_finds_published_articles_and_treatments_ranked(client, pages):
    found, soup = results(client, "sleep")
    assert found[:2] == ["#1 Example sleep and mood", "#2 Example other topic"]
    assert "Example light therapy" in found
    assert len(found) == 3
    assert soup.select_one(".search-results mark")


def test_drafts_and_scheduled_content_never_appear(client, pages):
    found, _ = results(client, "sleep")
    assert not any("draft" in title or "sleep therapy" in title for title in found)


def test_snippets_highlight_and_escape(client, series):
    make_article(series, body="Watch for &lt;script&gt;alert(1)&lt;/script&gt; and *sleep* advice.")
    _, soup = results(client, "sleep")
    snippet = soup.select_one(".search-results p")
    assert snippet.find("mark").get_text().lower().startswith("sleep")
    assert not soup.select(".search-results script")
    assert "alert(1)" in snippet.get_text()  # text, never markup


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        '"unclosed quote',
        "sleep -mood OR",
        "& | ! ( ) : * <>",
        "😀 ünïcödé дом",
        "x" * 5000,
        "sleep\x00mood",
        "'; DROP TABLE articles_article; --",
    ],
)
def test_odd_queries_get_a_normal_page(client, pages, query):
    response = client.get(URL, {"q": query})
    assert response.status_code == 200


def test_nul_bytes_in_the_raw_url_are_harmless(client, pages):
    assert client.get(URL + "?q=sl%00eep").status_code == 200


def test_pagination(client, series):
    for number in range(1, 14):
        make_article(series, number, title=f"Example sleep {number}")
    first, _ = results(client, "sleep")
    second, soup = results(client, "sleep", page=2)
    assert len(first) == 10 and len(second) == 3
    assert not set(first) & set(second)
    assert "page 2 of 2" in soup.get_text()
    # A page number no page has is a 404 (never a page of its own in the page cache).
    for page in ("99999999999999999999", "3", "0", "two"):
        assert client.get(URL, {"q": "sleep", "page": page}).status_code == 404, page


def test_empty_query_shows_only_the_form(client, db):
    _, soup = results(client, "")
    assert soup.find("input", attrs={"name": "q"})
    assert not soup.select(".search-results")


def test_no_results_says_so(client, pages):
    _, soup = results(client, "zebra")
    assert "Nothing found" in soup.get_text()


def test_query_cleaning():
    assert search.clean_query(" a\x00b\n c ") == "a b c"
    assert len(search.clean_query("x" * 1000)) == search.MAX_QUERY_LENGTH
    # Cut between words, never inside one.
    words = ("ketamine " * 40).strip()
    assert search.clean_query(words) == " ".join(["ketamine"] * 22)
    assert search.clean_query(words + "x").endswith("ketamine")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")
def test_postgres_uses_stemming_websearch_and_a_stored_vector(client, series):
    article = make_article(series, title="Example", body="People who were sleeping badly.")
    article.refresh_from_db()
    assert "sleep" in str(article.search_vector)
    found, _ = results(client, "sleeps")
    assert found == ["#1 Example"]
    found, _ = results(client, '"sleeping badly" -zebra')
    assert found == ["#1 Example"]

    article.body = "Now about appetite."
    article.save()
    assert results(client, "sleep")[0] == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL indexes")
def test_search_vectors_are_gin_indexed():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname LIKE 'articles_%_search_gin'"
        )
        assert {row[0] for row in cursor.fetchall()} == {
            "articles_article_search_gin",
            "articles_treatment_search_gin",
        }


def test_results_stop_at_the_best_hundred(client, series, settings):
    from articles.models import Article

    make_articles(series, 105, title="Example sleep {n}", plain_text="sleep")
    from articles import search as search_module

    for model in (Article,):
        search_module.index_all(model.objects.all())
    _, soup = results(client, "sleep")
    assert "The best 100 results" in soup.get_text()


# What readers might type that means something to FTS5 or tsquery syntax: never an error, only
# words.
SYNTAX = [
    "ketamine*",
    "*",
    "NEAR(ketamine therapy)",
    "NEAR(ketamine therapy, 2)",
    "title:ketamine",
    "{title summary}: ketamine",
    "^ketamine",
    "ketamine AND",
    "AND OR NOT",
    "NOT ketamine",
    '"ketamine" + "therapy"',
    "(((",
    ")",
    'ket"amine',
    '""',
    '"',
    "-",
    "--ketamine",
    "ketamine -",
    "or",
    "ketamine or",
    "or ketamine",
    "rank:1",
    "articles_search:ketamine",
    'x" OR 1=1 --',
    "ketamine & ! | <-> :*",
    "ketamine:*A",
]


@pytest.mark.parametrize("query", SYNTAX)
def test_search_syntax_of_either_database_is_only_words(client, seeded, query):
    found, _ = results(client, query)
    if query in ("ketamine*", "^ketamine", "NOT ketamine", "ketamine or", "ketamine -"):
        assert found[0] == "Ketamine"


@pytest.mark.parametrize("query", [*SYNTAX, "sleep -mood OR", "😀 ünïcödé дом", "x" * 200])
def test_fts5_queries_quote_every_word(query):
    from articles.search import query as reading
    from articles.search import sqlite

    parsed = reading.parse(search.clean_query(query))
    if not parsed.included:
        return
    expression = sqlite.match_expression(parsed)
    unquoted = re.sub(r'"[^"]*"|[()]', " ", expression)
    assert set(unquoted.split()) <= {"AND", "OR", "NOT"}, expression


def test_the_query_reads_like_web_search():
    from articles.search.query import Group, parse

    assert parse('Sleep "quality of life" -zebra mood the').groups == (
        Group((("sleep",),)),
        Group((("quality", "of", "life"),)),
        Group((("zebra",),), excluded=True),
        Group((("mood",),)),
    )
    assert parse("sleep or mood").groups == (Group((("sleep",), ("mood",))),)
    assert parse("what is it").groups == ()
    assert parse("co-occurring").groups == (Group((("co", "occurring"),)),)
    synonyms = {("ect",): (("ect",), ("electroconvulsive", "therapy"))}
    synonyms[("electroconvulsive", "therapy")] = synonyms[("ect",)]
    assert parse("electroconvulsive therapy risks", synonyms).groups == (
        Group((("ect",), ("electroconvulsive", "therapy"))),
        Group((("risks",),)),
    )
    assert parse("-ect", synonyms).groups == (Group((("ect",),), excluded=True),)


def test_title_then_summary_then_text(client, series):
    make_article(series, 1, title="Example page 1", body=("Zorbalamine is named. " * 20))
    make_article(series, 2, title="Example page 2", summary="About zorbalamine.", body="Plain.")
    make_article(series, 3, title="Example zorbalamine", body="Plain.")
    found, _ = results(client, "zorbalamine")
    assert found == ["#3 Example zorbalamine", "#2 Example page 2", "#1 Example page 1"]


def test_nothing_found_offers_what_the_site_says(client, seeded):
    found, soup = results(client, "psychotheraphy")
    assert found == []
    status = soup.select_one('[role="status"]')
    assert status.get_text(" ", strip=True) == (
        "Nothing found for “psychotheraphy”. Did you mean psychotherapy ?"
    )
    link = status.find("a")
    assert link["href"] == f"{URL}?q=psychotherapy"
    assert soup.find("a", href=reverse("articles:treatment_list"))
    assert results(client, "psychotherapy")[0][0] == "Psychotherapy"


SEARCH_QUERY_LIMITS = {"ketamine": 5, "psychotheraphy": 5, "side effects": 7}


@pytest.mark.parametrize("query", SEARCH_QUERY_LIMITS)
def test_search_query_counts_are_pinned(client, seeded, query, django_assert_max_num_queries):
    # What every page reads, once cached, then the search itself, cold (the page cache has not
    # seen it): glossary names, ranks, one read per kind shown (snippets too on SQLite); or,
    # when nothing is found, a few index look-ups for "Did you mean".
    # On PostgreSQL the search's statements run in a transaction with a time limit: one statement
    # more in production, three in a test's transaction (savepoint, time limit, release).
    time_limit = 3 if connection.vendor == "postgresql" else 0
    client.get(URL, {"q": "warm"})
    with django_assert_max_num_queries(SEARCH_QUERY_LIMITS[query] + time_limit):
        assert client.get(URL, {"q": query}).status_code == 200
