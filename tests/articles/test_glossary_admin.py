"""Glossary terms in the admin, signed off like pages: editors add terms and change those not
published, and submit them for review; only publishers publish, and change or delete a
published term. A page's "mark glossary terms" is edited with its text and signed off with it."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from articles.models import Status, Term
from tests.support.admin_forms import form_data, form_errors
from tests.support.factories import make_article, make_term
from tests.support.signoff import sign_off, start_draft, url

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_term_add")
NEW_TERM = {
    "term": "Example term",
    "slug": "example-term",
    "other_names": "Exampleword\r\nExampleword two",
    "definition": "An example definition.",
    "mark_in_pages": "on",
}


def change_url(term):
    return reverse("admin:articles_term_change", args=[term.pk])


def status_choices(response):
    form = response.context["adminform"].form
    return [value for value, _ in form.fields["status"].choices]


def test_editors_add_terms_and_submit_them_for_review(editor_client):
    response = editor_client.get(ADD)
    assert status_choices(response) == [Status.DRAFT, Status.REVIEW]

    response = editor_client.post(ADD, {**NEW_TERM, "status": Status.REVIEW})

    assert response.status_code == 302, form_errors(response)
    term = Term.objects.get()
    assert (term.status, term.names) == (
        Status.REVIEW,
        ["Example term", "Exampleword", "Exampleword two"],
    )
    assert term.definition_html == "<p>An example definition.</p>"


def test_editors_cannot_publish_a_term(editor_client):
    response = editor_client.post(ADD, {**NEW_TERM, "status": Status.PUBLISHED})
    assert response.status_code == 200
    assert "Select a valid choice" in " ".join(form_errors(response))
    assert not Term.objects.exists()

    term = make_term(status=Status.REVIEW)
    data = form_data(editor_client.get(change_url(term)))
    response = editor_client.post(change_url(term), {**data, "status": Status.PUBLISHED})
    assert response.status_code == 200
    term.refresh_from_db()
    assert term.status == Status.REVIEW


def test_editors_only_read_a_published_term(editor_client):
    term = make_term()
    response = editor_client.get(change_url(term))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    data = {**NEW_TERM, "definition": "An example change.", "status": Status.PUBLISHED}
    assert editor_client.post(change_url(term), data).status_code == 403
    delete = reverse("admin:articles_term_delete", args=[term.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 403
    term.refresh_from_db()
    assert term.definition == "An example definition of Example term."


def test_editors_change_a_term_not_published(editor_client):
    term = make_term(status=Status.DRAFT)
    data = form_data(editor_client.get(change_url(term)))
    response = editor_client.post(change_url(term), {**data, "definition": "An example change."})
    assert response.status_code == 302, form_errors(response)
    term.refresh_from_db()
    assert term.definition == "An example change."


def test_publishers_publish_change_and_delete_terms(publisher_client, series):
    article = make_article(series, body="Exampleword here.")
    response = publisher_client.get(ADD)
    assert Status.PUBLISHED in status_choices(response)

    response = publisher_client.post(ADD, {**NEW_TERM, "status": Status.PUBLISHED})

    assert response.status_code == 302, form_errors(response)
    term = Term.objects.get()
    article.refresh_from_db()
    assert 'href="/glossary/#example-term"' in article.body_html
    data = form_data(publisher_client.get(change_url(term)))
    response = publisher_client.post(change_url(term), {**data, "definition": "Changed example."})
    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert "Changed example." in article.body_html
    delete = reverse("admin:articles_term_delete", args=[term.pk])
    assert publisher_client.post(delete, {"post": "yes"}).status_code == 302
    article.refresh_from_db()
    assert not Term.objects.exists() and 'class="term"' not in article.body_html


def test_a_save_based_on_a_term_changed_since_is_refused(publisher_client):
    term = make_term(status=Status.DRAFT)
    data = form_data(publisher_client.get(change_url(term)))
    term.definition = "Someone else's example change."
    term.save()

    response = publisher_client.post(change_url(term), {**data, "definition": "Mine."})

    assert response.status_code == 200
    assert "after you opened it" in " ".join(form_errors(response))
    term.refresh_from_db()
    assert term.definition == "Someone else's example change."


def test_the_definition_is_at_most_sixty_words(editor_client):
    long = " ".join(["example"] * 61)
    response = editor_client.post(ADD, {**NEW_TERM, "definition": long, "status": Status.DRAFT})
    assert "at most 60 words" in " ".join(form_errors(response))


def test_marking_a_page_is_edited_with_its_text_and_signed_off(
    editor_client, publisher_client, live
):
    make_term()
    live.body = "Exampleword here."
    live.save()
    assert 'class="term"' in live.body_html
    draft = start_draft(editor_client, live)
    data = form_data(editor_client.get(url("change", draft)))
    assert data["mark_terms"] == "on"
    del data["mark_terms"]  # unticked
    response = editor_client.post(url("change", draft), {**data, "status": Status.REVIEW})
    assert response.status_code == 302, form_errors(response)

    changes = BeautifulSoup(publisher_client.get(url("signoff", draft)).content, "html.parser")
    assert [row.th.get_text() for row in changes.select("tr.changed")] == ["Mark glossary terms"]
    assert sign_off(publisher_client, draft).status_code == 302

    live.refresh_from_db()
    assert live.mark_terms is False
    assert 'class="term"' not in live.body_html


# A definition a publisher publishes goes into every page marking the term, after those pages
# were signed off: it passes the same safe-messaging checks, here with a method named.
FLAGGED = "Some people with example depression take an overdose of 50 pills."


def test_publishing_a_term_with_safe_messaging_notes_needs_them_read(publisher_client):
    term = make_term(status=Status.REVIEW)
    before = term.definition
    data = form_data(publisher_client.get(change_url(term)))
    publish = {**data, "definition": FLAGGED, "status": Status.PUBLISHED}

    response = publisher_client.post(change_url(term), publish)

    assert response.status_code == 200
    assert "This term has safe-messaging notes" in " ".join(form_errors(response))
    term.refresh_from_db()
    assert (term.status, term.definition) == (Status.REVIEW, before)

    response = publisher_client.post(change_url(term), {**publish, "safe_messaging_read": "on"})
    assert response.status_code == 302, form_errors(response)
    term.refresh_from_db()
    assert (term.status, term.definition) == (Status.PUBLISHED, FLAGGED)


def test_a_published_terms_new_definition_is_checked_too(publisher_client):
    term = make_term(status=Status.PUBLISHED)
    data = form_data(publisher_client.get(change_url(term)))
    response = publisher_client.post(change_url(term), {**data, "definition": FLAGGED})
    assert response.status_code == 200
    assert "safe-messaging notes" in " ".join(form_errors(response))


def test_editors_drafts_are_not_checked_and_see_no_box(editor_client):
    response = editor_client.get(ADD)
    assert b'name="safe_messaging_read"' not in response.content
    response = editor_client.post(ADD, {**NEW_TERM, "definition": FLAGGED, "status": "draft"})
    assert response.status_code == 302, form_errors(response)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("definition", "An example ![picture](/media/x.png) definition.", "words only"),
        ("slug", "main", "already an address"),
        ("slug", "site-letter-e", "already an address"),
    ],
)
def test_definitions_are_words_and_slugs_are_the_terms_own(editor_client, field, value, message):
    response = editor_client.post(ADD, {**NEW_TERM, field: value, "status": Status.DRAFT})
    assert response.status_code == 200
    assert message in " ".join(form_errors(response))
    assert not Term.objects.exists()
