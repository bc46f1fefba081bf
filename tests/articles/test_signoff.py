"""Live pages change only through drafts that a publisher signs off."""

from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, Person, Series, Source, Status
from tests.support.admin_forms import form_data
from tests.support.factories import make_article, make_treatment
from tests.support.signoff import edit, public_text, schedule, sign_off, start_draft, url

pytestmark = pytest.mark.django_db


def test_a_published_page_is_read_only_and_opens_on_its_draft(editor_client, live):
    response = editor_client.get(url("change", live))
    assert "Edit as a draft" in response.content.decode()
    assert editor_client.post(url("change", live), form_data(response)).status_code == 403

    draft = start_draft(editor_client, live)

    assert editor_client.get(url("change", live))["Location"] == url("change", draft)
    html = editor_client.get(url("change", draft)).content.decode()
    assert "Editing a draft of a live page" in html
    assert live.get_absolute_url() in html  # View live


def test_editor_changes_body_and_list_publisher_publishes(editor_client, publisher_client, live):
    second = make_treatment("example-second", name="Example second treatment")
    draft = start_draft(editor_client, live)
    edit(
        editor_client,
        draft,
        body="Example changed body.",
        **{
            "treatment_links-TOTAL_FORMS": "2",
            "treatment_links-1-treatment": str(second.pk),
            "treatment_links-1-position": "2",
            "status": Status.REVIEW,
        },
    )
    assert "Example live body." in public_text(live)[1]
    assert "Example second treatment" not in public_text(live)[1]

    page = publisher_client.get(url("signoff", draft)).content.decode()
    assert "Example <del>live</del><ins>changed</ins> body." in page
    assert "Example second treatment" in page

    response = sign_off(publisher_client, draft)

    assert response.status_code == 302
    status, text = public_text(live)
    assert status == 200
    assert "Example changed body." in text
    assert "Example second treatment" in text
    assert not Article.objects.filter(live_page=live).exists()
    live.refresh_from_db()
    assert live.status == Status.PUBLISHED
    comment = Version.objects.get_for_object(live).first().revision.comment
    assert "signed off by Example Publisher" in comment


def test_editors_cannot_sign_off(editor_client, publisher_client, live):
    draft = start_draft(editor_client, live)
    edit(editor_client, draft, title="Example sneaky title", status=Status.REVIEW)
    assert editor_client.get(url("signoff", draft)).status_code == 200  # they may look
    token = form_data(publisher_client.get(url("signoff", draft)))["token"]

    response = editor_client.post(url("signoff", draft), {"action": "publish", "token": token})

    assert response.status_code == 403
    assert "Example live title" in public_text(live)[1]


def test_a_scheduled_update_goes_live_at_its_time(editor_client, publisher_client, live):
    draft = start_draft(editor_client, live)
    edit(editor_client, draft, title="Example scheduled title", status=Status.REVIEW)

    when = schedule(publisher_client, draft)

    assert "Example live title" in public_text(live)[1]
    with time_machine.travel(when + timedelta(minutes=1)):
        assert "Example scheduled title" in public_text(live)[1]
    assert not Article.objects.filter(live_page=live).exists()


def test_changing_a_scheduled_draft_cancels_the_schedule(editor_client, publisher_client, live):
    draft = start_draft(editor_client, live)
    edit(editor_client, draft, status=Status.REVIEW)
    when = schedule(publisher_client, draft)

    edit(editor_client, draft, title="Example unsigned change")

    draft.refresh_from_db()
    assert draft.go_live_at is None
    with time_machine.travel(when + timedelta(minutes=1)):
        assert "Example unsigned change" not in public_text(live)[1]


def test_send_back_shows_the_note_on_the_form_and_in_the_queue(
    editor_client, publisher_client, live
):
    draft = start_draft(editor_client, live)
    edit(editor_client, draft, status=Status.REVIEW)

    response = sign_off(publisher_client, draft, "send_back", note="Example: cite the trial.")

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert "Example: cite the trial." in editor_client.get(url("change", draft)).content.decode()
    queue = editor_client.get(
        reverse("admin:articles_review_queue"), {"status": "changes-requested"}
    ).content.decode()
    assert "Changes requested" in queue and str(draft) in queue


def test_each_decision_is_its_own_button_and_no_button_decides_nothing(
    editor_client, publisher_client, live
):
    draft = start_draft(editor_client, live)
    edit(editor_client, draft, title="Example signed title", status=Status.REVIEW)
    page = publisher_client.get(url("signoff", draft)).content.decode()
    for action, text in (
        ("publish", "Publish now"),
        ("schedule", "Schedule"),
        ("send_back", "Send back"),
    ):
        assert f'name="action" value="{action}"' in page and f">{text}</button>" in page

    # What Enter in a box would send if it submitted: no decision.
    response = sign_off(publisher_client, draft, "")

    assert response.status_code == 200
    assert "Nothing was decided: press" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.REVIEW and draft.go_live_at is None


def test_a_half_typed_schedule_time_does_not_stop_publishing_now(
    editor_client, publisher_client, live
):
    draft = start_draft(editor_client, live)
    edit(editor_client, draft, title="Example signed title", status=Status.REVIEW)

    response = sign_off(publisher_client, draft, "publish", go_live_at_1="09:30")

    assert response.status_code == 302
    assert "Example signed title" in public_text(live)[1]


def test_a_draft_changed_after_the_publisher_opened_it_is_not_signed_off(
    editor_client, publisher_client, live
):
    draft = start_draft(editor_client, live)
    edit(editor_client, draft, status=Status.REVIEW)
    token = form_data(publisher_client.get(url("signoff", draft)))["token"]
    edit(editor_client, draft, title="Example late change")

    response = publisher_client.post(url("signoff", draft), {"action": "publish", "token": token})

    assert response.status_code == 200
    assert "changed after you opened" in response.content.decode()
    assert "Example live title" in public_text(live)[1]


@pytest.mark.parametrize("rule", ["overdue review", "link to a missing page", "uncited source"])
def test_publishing_a_draft_runs_every_publishing_rule(editor_client, publisher_client, live, rule):
    draft = start_draft(editor_client, live)
    changes = {"status": Status.REVIEW}
    if rule == "overdue review":
        changes |= {"last_reviewed": str(date.today() - timedelta(days=4 * 365))}
    elif rule == "link to a missing page":
        Article.objects.filter(pk=draft.pk).update(body="Example [link](article:99999).")
    else:
        source = Source.objects.create(title="Example unlisted")
        Article.objects.filter(pk=draft.pk).update(body=f"Example [[cite {source.pk}]].")
    if rule == "overdue review":
        edit(editor_client, draft, **changes)
    else:
        Article.objects.filter(pk=draft.pk).update(status=Status.REVIEW)

    response = sign_off(publisher_client, draft)

    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    assert Article.objects.filter(live_page=live).exists()
    assert "Example live title" in public_text(live)[1]


def test_readers_lists_feeds_and_search_show_only_the_live_version(editor_client, client, live):
    draft = start_draft(editor_client, live)
    edit(editor_client, draft, title="Example draft only title", slug="example-draft-slug")
    for path in ["/", live.series.get_absolute_url(), "/feed/", "/feed/atom/", "/sitemap.xml"]:
        assert "Example draft only" not in client.get(path).content.decode(), path
    assert "Example draft only" not in client.get("/search/?q=draft").content.decode()
    assert client.get("/articles/example-draft-slug/").status_code == 404
    # Staff opening the live address get the live page, not an error.
    assert editor_client.get(live.get_absolute_url()).status_code == 200


def test_publishing_their_own_draft_is_allowed_and_recorded(publisher_client, live):
    draft = start_draft(publisher_client, live)
    edit(publisher_client, draft, title="Example own change", status=Status.REVIEW)

    assert sign_off(publisher_client, draft).status_code == 302

    assert "their own changes" in Version.objects.get_for_object(live).first().revision.comment


def test_unpublish_is_for_publishers(editor_client, publisher_client, live):
    assert editor_client.post(url("unpublish", live)).status_code == 403
    assert public_text(live)[0] == 200
    assert publisher_client.post(url("unpublish", live)).status_code == 302
    assert public_text(live)[0] == 404


def test_series_people_and_sources_shown_on_live_pages_are_for_publishers(
    editor_client, publisher_client, live
):
    person = Person.objects.create(name="Example Reviewer", credentials="example credentials")
    source = Source.objects.create(title="Example source")
    Article.objects.filter(pk=live.pk).update(reviewer=person)
    live.source_links.create(reference=source, position=1)
    for obj, field in ((live.series, "title"), (person, "credentials"), (source, "title")):
        change = url("change", obj)
        data = form_data(publisher_client.get(change))
        data[field] = "Example changed"
        assert editor_client.post(change, data).status_code == 403, obj
        obj.refresh_from_db()
        assert getattr(obj, field) != "Example changed"
        assert publisher_client.post(change, data).status_code == 302, obj


def test_editors_change_series_and_people_no_published_page_shows(editor_client):
    series = Series.objects.create(title="Example unused series", slug="example-unused")
    edit(editor_client, series, title="Example renamed series")
    response = editor_client.post(
        reverse("admin:articles_person_add"), {"name": "Example New Person", "credentials": ""}
    )
    assert response.status_code == 302
    assert Person.objects.filter(name="Example New Person").exists()


def test_only_publishers_edit_list_columns_of_live_treatments(editor_client, publisher_client):
    treatment = make_treatment("example-listed", ordering=5)
    changelist = reverse("admin:articles_treatment_changelist")
    assert 'name="form-0-ordering"' not in editor_client.get(changelist).content.decode()
    assert 'name="form-0-ordering"' in publisher_client.get(changelist).content.decode()
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(treatment.pk),
        "form-0-ordering": "1",
        "_save": "Save",
    }
    editor_client.post(changelist, data)
    treatment.refresh_from_db()
    assert treatment.ordering == 5


def test_preview_draft_shows_the_saved_draft_as_readers_would(editor_client, live):
    draft = start_draft(editor_client, live)
    edit(editor_client, draft, body="Example draft body for preview.")

    response = editor_client.get(url("change", draft) + "preview/")

    assert response.status_code == 200
    assert "Example draft body for preview." in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert Client().get(url("change", draft) + "preview/").status_code == 302  # sign in first


def test_change_forms_ask_before_leaving_unsaved_edits(editor_client, live):
    for page in (live, live.series):
        assert "admin/js/unsaved_changes" in editor_client.get(url("change", page)).content.decode()


def test_a_long_text_shows_only_its_changed_passages(editor_client, publisher_client, series):
    lines = [f"Example paragraph {n} <em>kept</em>." for n in range(1, 31)]
    page = make_article(series, 3, slug="example-long", body="\n\n".join(lines))
    draft = start_draft(editor_client, page)
    Article.objects.filter(pk=draft.pk).update(
        body="\n\n".join(lines).replace("paragraph 15 ", "paragraph fifteen ")
    )

    html = publisher_client.get(url("signoff", draft)).content.decode()

    assert "<del>15</del><ins>fifteen</ins>" in html
    assert "Example paragraph 14" in html  # context
    assert "Example paragraph 2 " not in html  # far from the change: left out
    assert "&lt;em&gt;kept&lt;/em&gt;" in html  # the Markdown, escaped
