import pytest
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, Status, Treatment
from tests.support.admin_forms import form_data, form_errors, save_via_admin
from tests.support.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(series):
    return make_article(series, status=Status.DRAFT, body="First *version*.")


def test_every_admin_save_records_who_when_and_the_note(editor_client, editor, draft):
    save_via_admin(editor_client, draft, body="Second version.", revision_note="Example note")

    version = Version.objects.get_for_object(draft).first()
    assert version.revision.user == editor
    assert version.revision.comment == "Example note"
    assert version.field_dict["body"] == "Second version."


def test_without_a_note_the_history_says_what_changed(editor_client, draft):
    save_via_admin(editor_client, draft, title="Example changed title")
    comment = Version.objects.get_for_object(draft).first().revision.comment
    assert "Title" in comment


def test_revisions_include_the_treatment_list(publisher_client, draft):
    from tests.support.factories import add_treatments, make_treatment

    article = draft
    add_treatments(article, [make_treatment("example-treatment")])
    save_via_admin(publisher_client, article, title="Example")
    revision = Version.objects.get_for_object(article).first().revision
    models = {version.content_type.model for version in revision.version_set.all()}
    assert {"article", "articletreatment"} <= models


def test_history_page_shows_a_readable_diff_of_the_markdown(editor_client, draft):
    save_via_admin(editor_client, draft, body="First *version*.\n\nA new paragraph.")
    save_via_admin(editor_client, draft, body="First *version*, edited.\n\nA new paragraph.")
    versions = list(Version.objects.get_for_object(draft))
    url = reverse("admin:articles_article_compare", args=[draft.pk])

    response = editor_client.get(
        url, {"version_id1": versions[1].pk, "version_id2": versions[0].pk}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "edited" in html
    assert "<ins>" in html or "<ins " in html


def test_history_page_lists_versions(editor_client, draft):
    save_via_admin(editor_client, draft, title="Example two", revision_note="Example note")
    url = reverse("admin:articles_article_history", args=[draft.pk])
    html = editor_client.get(url).content.decode()
    assert "Example note" in html
    assert "Compare" in html or "compare" in html


def test_revert_to_an_earlier_revision(publisher_client, draft):
    save_via_admin(publisher_client, draft, title="Example original")
    save_via_admin(publisher_client, draft, title="Example mistake", body="Oops.")
    original = Version.objects.get_for_object(draft)[1]
    url = reverse("admin:articles_article_revision", args=[draft.pk, original.pk])

    assert "Load this version" in publisher_client.get(url).content.decode()
    response = publisher_client.post(url)

    assert response.status_code == 302, form_errors(response)
    draft.refresh_from_db()
    assert draft.title == "Example original"
    assert draft.body_html == "<p>First <em>version</em>.</p>"
    assert "Loaded the version of" in Version.objects.get_for_object(draft).first().revision.comment


def test_deleted_article_can_be_recovered(publisher_client, series):
    article = make_article(series, status=Status.DRAFT, title="Example deleted")
    save_via_admin(publisher_client, article, revision_note="Before deletion")
    delete_url = reverse("admin:articles_article_delete", args=[article.pk])
    assert publisher_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not Article.objects.exists()

    recoverlist = publisher_client.get(reverse("admin:articles_article_recoverlist"))
    assert "Example deleted" in recoverlist.content.decode()
    version = Version.objects.get_deleted(Article).first()
    recover_url = reverse("admin:articles_article_recover", args=[version.pk])
    response = publisher_client.post(recover_url, form_data(publisher_client.get(recover_url)))

    assert response.status_code == 302, form_errors(response)
    assert Article.objects.get().title == "Example deleted"


def test_treatments_and_series_have_history_too(publisher_client, series):
    from tests.support.factories import make_treatment

    treatment = make_treatment("example-treatment", status=Status.DRAFT)
    save_via_admin(publisher_client, treatment, summary="Example new summary")
    save_via_admin(publisher_client, series, description="Example description")
    assert Version.objects.get_for_object(treatment).exists()
    assert Version.objects.get_for_object(series).exists()
    assert Treatment.objects.get().summary_html == "<p>Example new summary</p>"
