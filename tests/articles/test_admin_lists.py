"""The admin's lists of pages and the counts on its home page: what they say, and what they
cost, the same whatever the number of pages (bench/scale.py times them at 10,000)."""

from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import drafts
from articles.models import Article, Status
from articles.review_schedule import REVIEW_STATES
from tests.support.factories import make_article, make_articles, make_series, make_treatment

pytestmark = pytest.mark.django_db
LIST = reverse("admin:articles_article_changelist")


def pending_column(client, **query):
    """{page title: its Pending changes cell} of the articles list."""
    soup = BeautifulSoup(client.get(LIST, query).content, "html.parser")
    rows = {}
    for row in soup.select("#result_list tbody tr"):
        title = row.select_one("th a").get_text()
        rows[title] = row.select_one("td.field-pending_changes").get_text()
    return rows


def test_the_list_says_what_each_page_awaits(publisher_client, publisher, series):
    plain, waiting, sent_back, scheduled = (
        make_article(series, number, title=f"Example {name}", slug=f"example-{name}")
        for number, name in enumerate(("plain", "waiting", "sent-back", "scheduled"), 1)
    )
    drafts.start_draft(waiting).__class__.objects.filter(live_page=waiting).update(
        status=Status.REVIEW
    )
    drafts.send_back(drafts.start_draft(sent_back), "Example: cite the trial.")
    at = timezone.now() + timedelta(days=2)
    drafts.schedule(drafts.start_draft(scheduled), publisher, at)

    column = pending_column(publisher_client)

    assert column == {
        "#1 Example plain": "—",
        "#2 Example waiting": "Awaiting sign-off",
        "#3 Example sent-back": "Changes requested",
        "#4 Example scheduled": column["#4 Example scheduled"],
    }
    assert column["#4 Example scheduled"].startswith("Scheduled: goes live ")
    # Drafts are reached from their pages, never listed themselves.
    assert Article.objects.count() == 7 and len(column) == 4


def test_a_plain_draft_of_a_live_page_says_draft(publisher_client, live):
    drafts.start_draft(live)
    assert pending_column(publisher_client) == {str(live): "Draft"}


def count_list_queries(client, django_assert_max_num_queries, limit, **query):
    client.get(LIST, query)  # permissions, the callout and the schedule are cached from now on
    with django_assert_max_num_queries(limit) as queries:
        assert client.get(LIST, query).status_code == 200
    return len(queries)


@pytest.mark.parametrize("query", [{}, {"q": "example"}, {"p": "2"}])
def test_list_queries_are_pinned_whatever_the_number_of_pages(
    publisher_client, series, django_assert_max_num_queries, query
):
    # Session, user and their permissions (2), the series filter, the count, the admin
    # frame's checks that the urgent-help callout and the editorial policy exist, the page's
    # rows with their drafts, the date hierarchy's two, and the changelist's savepoint (2).
    limit = 13
    make_article(series, 1, title="Example one")
    small = count_list_queries(publisher_client, django_assert_max_num_queries, limit, p="1")
    make_articles(make_series(title="Example more", slug="example-more"), 120)
    for page in Article.objects.order_by("pk")[:30]:
        drafts.start_draft(page)
    large = count_list_queries(publisher_client, django_assert_max_num_queries, limit, **query)
    assert large == small


def test_rows_of_the_list_leave_the_page_text_unread(publisher_client, series):
    make_article(series, 1, body="Example body the list never shows.")
    with CaptureQueriesContext(connection) as queries:
        publisher_client.get(LIST)
    listed = [q["sql"] for q in queries if '"articles_article"."title"' in q["sql"]]
    assert listed and all('"articles_article"."body_html"' not in sql for sql in listed)
    assert all('"articles_article"."body",' not in sql for sql in listed)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's full-text search")
def test_full_text_search_lists_pages_not_their_drafts(publisher_client, live, series):
    other = make_article(series, 2, title="Example other", body="Example walnut paragraph.")
    draft = drafts.start_draft(live)
    draft.body = "Example walnut in the draft only."
    draft.save()

    html = publisher_client.get(LIST, {"q": "walnut"}).content.decode()

    assert reverse("admin:articles_article_change", args=[other.pk]) in html
    assert reverse("admin:articles_article_change", args=[draft.pk]) not in html


def test_admin_home_counts_what_awaits_and_which_reviews_are_due(publisher_client, series):
    today = date.today()
    due = {"last_reviewed": today - timedelta(days=400)}
    make_article(series, 1, status=Status.REVIEW)
    make_article(series, 2, status=Status.DRAFT, review_note="Example: fix the title.")
    make_article(series, 3, next_review_due=today - timedelta(days=1), **due)
    make_article(series, 4, next_review_due=today + timedelta(days=10), **due)
    make_article(series, 5, next_review_due=today + timedelta(days=20), **due)
    make_treatment("example-waiting", status=Status.REVIEW)
    make_treatment("example-overdue", next_review_due=today - timedelta(days=5), **due)
    # A draft of a live page counts as awaiting sign-off, not as a review due.
    live = make_article(series, 6, next_review_due=today - timedelta(days=2), **due)
    draft = drafts.start_draft(live)
    Article.objects.filter(pk=draft.pk).update(status=Status.REVIEW)

    soup = BeautifulSoup(publisher_client.get(reverse("admin:index")).content, "html.parser")
    counts = {
        row.th.get_text(strip=True): row.td.get_text(strip=True)
        for row in soup.select(".editorial-summary tr")
        if row.th  # the row under "Awaiting sign-off" lists the latest pages
    }

    assert counts["Awaiting sign-off"] == "3"
    assert counts["Changes requested"] == "1"
    assert counts["Clinical review overdue"] == "3"
    assert counts[REVIEW_STATES["due-soon"]] == "2"
