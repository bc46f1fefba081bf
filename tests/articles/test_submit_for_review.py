""" "Save and submit for review": a draft's status and its save in one press, offered only where
an editor would otherwise choose "Submitted for review" and save."""

import pytest
from django.urls import reverse

from articles.models import Article, Status
from tests.support.admin_forms import form_data, form_errors
from tests.support.factories import make_article

pytestmark = pytest.mark.django_db

BUTTON = b'name="_submit_for_review"'


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_a_draft_is_saved_and_submitted_in_one_press(editor_client, series):
    article = make_article(series, status=Status.DRAFT)
    response = editor_client.get(change_url(article))
    assert BUTTON in response.content
    data = {**form_data(response), "title": "Example changed title", "_submit_for_review": "1"}

    response = editor_client.post(change_url(article), data)

    assert response.status_code == 302, form_errors(response)
    assert response["Location"] == change_url(article)  # back to the form
    article.refresh_from_db()
    assert (article.status, article.title) == (Status.REVIEW, "Example changed title")


def test_a_new_article_too(editor_client, series):
    response = editor_client.get(reverse("admin:articles_article_add"))
    assert BUTTON in response.content


@pytest.mark.parametrize("status", [Status.REVIEW, Status.PUBLISHED])
def test_not_offered_once_submitted_or_published(publisher_client, series, status):
    article = make_article(series, status=status)
    assert BUTTON not in publisher_client.get(change_url(article)).content


def test_it_cannot_publish_or_unpublish_anything(editor_client, series):
    # Whatever else the form says, the press means "Submitted for review".
    article = make_article(series, status=Status.DRAFT)
    data = {**form_data(editor_client.get(change_url(article))), "_submit_for_review": "1"}
    data["status"] = Status.PUBLISHED
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 302, form_errors(response)
    assert Article.objects.get(pk=article.pk).status == Status.REVIEW


def test_the_editor_is_told_after_the_save(editor_client, series):
    # Messages a save adds before its figures are checked reach the form it leads back to.
    article = make_article(series, status=Status.DRAFT)
    data = {**form_data(editor_client.get(change_url(article))), "_submit_for_review": "1"}

    response = editor_client.post(change_url(article), data, follow=True)

    shown = [str(message) for message in response.context["messages"]]
    assert any(text.startswith("Submitted for review") for text in shown), shown
