"""Two editors add the same row to a list at once (the same treatment, or the same source: one
as a row, the other by citing it in the text, which adds it on save). Both meant the same: the
later save keeps it once, with the rest of their changes, instead of refusing the form with
"Please correct the duplicate data" about a row they never saw added and no word of the other
save. Found by the attack15 session; these tests fail today."""

import pytest

from articles.models import Source, Status
from tests.articles.test_merge_conflicts import BODY, opened, url_of
from tests.articles.test_merge_rows import add_row
from tests.support.admin_forms import form_errors, save_via_admin
from tests.support.factories import (
    add_treatments,
    client_for,
    make_article,
    make_staff,
    make_treatment,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_editor(db):
    return client_for(make_staff("example-editor-b", "Editors", first_name="Example Editor B"))


@pytest.fixture
def listed(editor_client, series):
    article = make_article(series, status=Status.DRAFT, body=BODY)
    add_treatments(article, [make_treatment("example-kept"), make_treatment("example-gone")])
    save_via_admin(editor_client, article)
    article.refresh_from_db()
    return article


B_PARAGRAPH = "Example paragraph added by B."


def test_both_adding_the_same_treatment_keeps_it_once_and_saves_the_rest(
    editor_client, second_editor, listed
):
    same = make_treatment("example-same")
    a_form, b_form = opened(editor_client, listed), opened(second_editor, listed)
    add_row(a_form, "treatment_links", treatment=same.pk, position=2)
    assert editor_client.post(url_of(listed), a_form).status_code == 302
    add_row(b_form, "treatment_links", treatment=same.pk, position=2)
    b_form["body"] = f"{BODY}\n\n{B_PARAGRAPH}"

    response = second_editor.post(url_of(listed), b_form)

    assert response.status_code == 302, form_errors(response)
    listed.refresh_from_db()
    assert B_PARAGRAPH in listed.body
    assert listed.treatment_links.filter(treatment=same).count() == 1
    said = [str(message) for message in response.wsgi_request._messages]
    assert any("Their changes and yours were merged" in message for message in said), said


def test_a_source_one_cites_and_the_other_lists_is_kept_once(editor_client, second_editor, listed):
    source = Source.objects.create(title="Example source", year=2020)
    a_form, b_form = opened(editor_client, listed), opened(second_editor, listed)
    a_form["body"] = f"{BODY}\n\nExample claim by A.[[cite {source.pk}]]"
    assert editor_client.post(url_of(listed), a_form).status_code == 302
    add_row(b_form, "source_links", reference=source.pk, position=0)

    response = second_editor.post(url_of(listed), b_form)

    assert response.status_code == 302, form_errors(response)
    listed.refresh_from_db()
    assert "Example claim by A." in listed.body
    assert listed.source_links.filter(reference=source).count() == 1
