"""The clinical review queue at scale: filtered, ordered and paginated by the database, so its
cost (queries, rows read, HTML) is the same for 10 pages as for 10,000. Its time at 10,000
articles is measured by `make bench ARGS=--scale` (bench/scale.py), not here."""

from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.admin.review_queue import QUEUE_PAGE_SIZE
from articles.models import Article, Status
from tests.support.factories import make_articles, make_treatment

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:articles_review_queue")
TODAY = date.today()


def queue(client, **params):
    response = client.get(QUEUE, params)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def titles(soup):
    return [tr.find("a").get_text() for tr in soup.select(".review-queue tbody tr") if tr.find("a")]


def many_pages(series, count):
    """`count` articles, due a day apart from 10 days ago (the first ones overdue), and a
    treatment due between the first two and one never reviewed."""
    articles = make_articles(series, count, title="Example {n}")
    for n, article in enumerate(articles):
        article.last_reviewed = TODAY - timedelta(days=1000)
        article.next_review_due = TODAY - timedelta(days=10) + timedelta(days=n)
    Article.objects.bulk_update(articles, ["last_reviewed", "next_review_due"])
    make_treatment(
        "example-between",
        name="Example between",
        last_reviewed=TODAY - timedelta(days=1000),
        next_review_due=TODAY - timedelta(days=10),
    )
    make_treatment("example-never", name="Example never")
    return articles


def test_the_queue_shows_a_page_of_rows_at_a_time_in_order(editor_client, series):
    count = QUEUE_PAGE_SIZE + 10
    many_pages(series, count)

    first = queue(editor_client)
    assert len(titles(first)) == QUEUE_PAGE_SIZE
    # Never reviewed first; then by due date (same date: by name), both kinds together.
    assert titles(first)[:4] == ["Example never", "#1 Example 1", "Example between", "#2 Example 2"]
    second = queue(editor_client, page=2)
    assert len(titles(second)) == count + 2 - QUEUE_PAGE_SIZE
    assert titles(second)[-1] == f"#{count} Example {count}"
    assert not set(titles(first)) & set(titles(second))
    nav = first.select_one("nav.review-pages").get_text(" ", strip=True)
    assert f"Page 1 of 2 ({count + 2} rows)" in nav
    assert queue(editor_client, page="999").select_one("nav.review-pages [aria-current]")
    assert titles(queue(editor_client, page="999")) == titles(second)  # past the end: the last


def test_filters_are_applied_before_the_page_is_cut(editor_client, series):
    many_pages(series, QUEUE_PAGE_SIZE + 20)
    overdue = titles(queue(editor_client, state="overdue"))
    assert overdue == [
        "#1 Example 1", "Example between", *(f"#{n} Example {n}" for n in range(2, 11))
    ]  # fmt: skip
    assert titles(queue(editor_client, state="overdue", kind="treatment")) == ["Example between"]
    assert titles(queue(editor_client, state="unreviewed")) == ["Example never"]
    due_soon = queue(editor_client, state="due-soon", kind="article")
    assert len(titles(due_soon)) == QUEUE_PAGE_SIZE
    next_link = due_soon.select_one("nav.review-pages a[rel=next]")["href"]
    assert "state=due-soon" in next_link and "kind=article" in next_link and "page=2" in next_link
    for made_up in ({"state": "example-nonsense"}, {"kind": "example-nonsense"}):
        soup = queue(editor_client, **made_up)
        assert titles(soup) == []
        assert "Nothing matches this filter." in soup.get_text()


def test_current_reviews_are_a_state_of_their_own(editor_client, series):
    articles = many_pages(series, 3)
    Article.objects.filter(pk=articles[2].pk).update(next_review_due=TODAY + timedelta(days=400))
    Article.objects.filter(pk=articles[1].pk).update(next_review_due=None)
    assert titles(queue(editor_client, state="current")) == ["#2 Example 2", "#3 Example 3"]


def test_sent_back_and_awaiting_sign_off_filter_in_the_database(editor_client, series):
    articles = many_pages(series, 4)
    Article.objects.filter(pk=articles[0].pk).update(status=Status.REVIEW)
    Article.objects.filter(pk=articles[1].pk).update(
        status=Status.DRAFT, review_note="Example note"
    )
    assert titles(queue(editor_client, status="review")) == ["#1 Example 1"]
    assert titles(queue(editor_client, status="changes-requested")) == ["#2 Example 2"]


def queue_queries(client, **params):
    client.get(QUEUE, params)  # caches of the admin's frame warmed: the queue's own queries
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE, params)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries], response


@pytest.mark.parametrize("params", [{}, {"state": "overdue"}, {"page": "2"}])
def test_the_queue_costs_the_same_however_many_pages_there_are(
    editor_client, series, params, django_assert_max_num_queries
):
    many_pages(series, QUEUE_PAGE_SIZE + 10)
    few, small = queue_queries(editor_client, **params)
    # More pages, due later than those (and one never reviewed, shown first).
    Article.objects.bulk_create(
        Article(
            series=series, number=1000 + n, title=f"Example more {n}", slug=f"example-more-{n}",
            summary="x", body="x " * 500, status=Status.PUBLISHED, publish_at="2026-01-01T00:00Z",
            last_reviewed=TODAY, next_review_due=TODAY + timedelta(days=500),
        )
        for n in range(300)
    )  # fmt: skip
    make_treatment("example-never-too", name="Example never too")
    many, large = queue_queries(editor_client, **params)

    def own(queries):  # the queue's, not the admin frame's (session, user, permissions)
        return [sql for sql in queries if "articles_" in sql]

    assert len(own(many)) == len(own(few))
    with django_assert_max_num_queries(14):
        editor_client.get(QUEUE, params)
    # Page text is never read: only the rows shown, without their bodies.
    body = connection.ops.quote_name("body")
    assert not [sql for sql in many if body in sql and "articles_article" in sql]
    # The same page size, however many pages: the HTML doesn't grow with the site.
    assert len(large.content) < 2 * len(small.content) + 20_000
