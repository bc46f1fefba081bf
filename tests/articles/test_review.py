from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.support.factories import make_article, make_treatment

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:articles_review_queue")


def queue_rows(client, **params):
    soup = BeautifulSoup(client.get(QUEUE, params).content, "html.parser")
    return [
        (tr["class"][0], tr.find("a").get_text())
        for tr in soup.select(".review-queue tbody tr")
        if tr.find("a")
    ]


@pytest.fixture
def reviewed_pages(series, people):
    author, reviewer = people
    today = date.today()

    def reviewed(days_ago, **fields):
        return {
            "author": author,
            "reviewer": reviewer,
            "last_reviewed": today - timedelta(days=days_ago),
            **fields,
        }

    make_article(series, 1, title="Example current", **reviewed(10))
    make_article(
        series,
        2,
        title="Example due soon",
        **reviewed(400, next_review_due=today + timedelta(days=30)),
    )
    make_article(series, 3, title="Example unreviewed")
    make_treatment("example-overdue", name="Example overdue", **reviewed(4 * 365))


def test_readers_see_review_dates(client, series, people):
    author, reviewer = people
    article = make_article(series, author=author, reviewer=reviewer, last_reviewed=date(2026, 3, 2))
    soup = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    assert (
        soup.select_one(".review-dates").get_text(" ", strip=True)
        == "Page last reviewed: 2 March 2026 · Next review due: 2 March 2029"
    )
    trust = soup.select_one(".trust").get_text(" ", strip=True)
    assert "Example Author" in trust
    assert "Reviewed by Dr Example Reviewer, example psychiatrist" in trust


def test_unreviewed_pages_say_so(client, article):
    soup = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    assert "Not yet clinically reviewed" in soup.select_one(".trust").get_text()
    assert not soup.select_one(".review-dates")


def test_queue_is_sorted_by_due_date_with_states(editor_client, reviewed_pages):
    assert queue_rows(editor_client) == [
        ("state-unreviewed", "#3 Example unreviewed"),
        ("state-overdue", "Example overdue"),
        ("state-due-soon", "#2 Example due soon"),
        ("state-current", "#1 Example current"),
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "overdue"}, ["Example overdue"]),
        ({"state": "due-soon"}, ["#2 Example due soon"]),
        ({"kind": "treatment"}, ["Example overdue"]),
        ({"kind": "article", "state": "unreviewed"}, ["#3 Example unreviewed"]),
    ],
)
def test_queue_filters(editor_client, reviewed_pages, params, expected):
    assert [title for _, title in queue_rows(editor_client, **params)] == expected


def test_queue_shows_what_awaits_sign_off(editor_client, series):
    make_article(series, 1, title="Example waiting", status="review")
    make_article(series, 2, title="Example draft", status="draft")
    assert [t for _, t in queue_rows(editor_client, status="review")] == ["#1 Example waiting"]


def test_queue_needs_staff(client, db):
    assert client.get(QUEUE).status_code == 302  # to the admin login
