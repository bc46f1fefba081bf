from datetime import date, timedelta
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Status, review_due_after
from tests.support.admin_forms import form_data, form_errors
from tests.support.factories import make_article, make_treatment

pytestmark = pytest.mark.django_db


def change(client, article, **changes):
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


def test_editors_cannot_publish(editor_client, series):
    article = make_article(series, status=Status.DRAFT)
    response = change(editor_client, article, status=Status.PUBLISHED)
    assert response.status_code == 200
    assert "Select a valid choice" in " ".join(form_errors(response))
    article.refresh_from_db()
    assert article.status == Status.DRAFT


def test_editors_are_offered_draft_and_review_only(editor_client, series):
    article = make_article(series, status=Status.DRAFT)
    html = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    options = [
        value
        for value in ("draft", "review", "published", "unpublished")
        if f'<option value="{value}"' in html.content.decode()
    ]
    assert options == ["draft", "review"]


def test_published_pages_are_read_only_to_editors(editor_client, article):
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = editor_client.get(url)
    assert response.status_code == 200
    assert "View article" in response.content.decode()
    assert editor_client.post(url, form_data(response)).status_code == 403


def test_publisher_publishes_and_unpublishes(publisher_client, client, series):
    article = make_article(series, status=Status.REVIEW)
    assert client.get(article.get_absolute_url()).status_code == 404

    assert change(publisher_client, article, status=Status.PUBLISHED).status_code == 302
    assert client.get(article.get_absolute_url()).status_code == 200

    # A published page is read-only: taken down with its Unpublish button.
    assert change(publisher_client, article, status=Status.UNPUBLISHED).status_code == 403
    unpublish = reverse("admin:articles_article_unpublish", args=[article.pk])
    assert publisher_client.post(unpublish).status_code == 302
    assert client.get(article.get_absolute_url()).status_code == 404


def test_publishing_with_an_overdue_review_is_refused(publisher_client, series, people):
    author, reviewer = people
    article = make_article(
        series,
        status=Status.REVIEW,
        author=author,
        reviewer=reviewer,
        last_reviewed=date.today() - timedelta(days=4 * 365),
    )
    response = change(publisher_client, article, status=Status.PUBLISHED)

    assert response.status_code == 200
    message = " ".join(form_errors(response))
    assert "The clinical review was due on" in message
    assert "Record a new review" in message
    article.refresh_from_db()
    assert article.status == Status.REVIEW


def test_publishing_with_a_fresh_review_works(publisher_client, series, people):
    author, reviewer = people
    article = make_article(series, status=Status.REVIEW, author=author, reviewer=reviewer)
    response = change(
        publisher_client, article, status=Status.PUBLISHED, last_reviewed=str(date.today())
    )
    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.next_review_due == review_due_after(date.today())


def test_reviewer_cannot_be_the_author(publisher_client, series, people):
    author, _ = people
    article = make_article(series, status=Status.REVIEW)
    response = change(publisher_client, article, author=str(author.pk), reviewer=str(author.pk))
    assert response.status_code == 200
    assert "must be someone other than the author" in " ".join(form_errors(response))


def test_reviewer_is_not_author_is_a_database_rule(article, people):
    author, _ = people
    with pytest.raises(IntegrityError):
        Article.objects.filter(pk=article.pk).update(author=author, reviewer=author)


def test_model_validation_refuses_publishing_an_overdue_page(series):
    article = make_article(series, status=Status.DRAFT, last_reviewed=date(2020, 1, 1))
    article.status = Status.PUBLISHED
    with pytest.raises(ValidationError, match="clinical review was due"):
        article.full_clean()


def test_already_published_page_with_overdue_review_can_still_be_corrected(series):
    article = make_article(series, last_reviewed=date(2020, 1, 1))
    article = Article.objects.get(pk=article.pk)
    article.title = "Example typo fixed"
    article.full_clean()  # no error: it is not being published now


def test_next_review_defaults_to_three_years_and_stays_editable(series):
    article = make_article(series, last_reviewed=date(2024, 2, 29))
    assert article.next_review_due == date(2027, 2, 28)
    article.next_review_due = date(2025, 6, 1)
    article.save()
    article.refresh_from_db()
    assert article.next_review_due == date(2025, 6, 1)


def test_scheduled_article_appears_everywhere_when_its_time_comes(client, series):
    first = make_article(series, 1, title="Example first")
    publish_at = timezone.now() + timedelta(hours=2)
    scheduled = make_article(series, 2, title="Example scheduled", publish_at=publish_at)

    assert client.get(scheduled.get_absolute_url()).status_code == 404
    assert b"Example scheduled" not in client.get("/").content
    assert b'rel="next"' not in client.get(first.get_absolute_url()).content

    later = publish_at + timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert client.get(scheduled.get_absolute_url()).status_code == 200
        assert b"Example scheduled" in client.get("/").content
        assert scheduled.get_absolute_url().encode() in client.get(first.get_absolute_url()).content
        assert list(Article.objects.published()) == [first, scheduled]


def test_admin_index_shows_what_awaits_review(publisher_client, series):
    make_article(series, 1, status=Status.REVIEW)
    make_article(series, 2, status=Status.REVIEW)
    html = publisher_client.get(reverse("admin:index")).content.decode()
    assert "Awaiting sign-off" in html
    assert "<td>2</td>" in html


def test_admin_index_links_the_latest_pages_awaiting_sign_off_to_their_sign_off(
    publisher_client, series, django_assert_max_num_queries
):
    for number in range(1, 8):
        make_article(series, number, status=Status.REVIEW, title=f"Example awaiting {number}")
    treatment = make_treatment("example-awaiting", name="Example awaiting treatment")
    treatment.status = Status.REVIEW
    treatment.save()

    # Two queries more than the counts alone: the latest articles and treatments awaiting.
    with django_assert_max_num_queries(27):
        html = publisher_client.get(reverse("admin:index")).content.decode()

    links = BeautifulSoup(html, "html.parser").select(".awaiting-pages li a")
    assert [a.get_text() for a in links] == [
        "Example awaiting treatment",
        "#7 Example awaiting 7",
        "#6 Example awaiting 6",
        "#5 Example awaiting 5",
        "#4 Example awaiting 4",
    ]
    assert links[0]["href"] == reverse("admin:articles_treatment_signoff", args=[treatment.pk])
    assert "<td>8</td>" in html  # the count still says all of them
