"""What a publisher signs off is what goes live: changes made after they looked, by any way,
never reach readers unsigned."""

from datetime import timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, Person, Series, Status
from tests.support.admin_forms import form_data
from tests.support.factories import make_article, make_treatment
from tests.support.signoff import edit, public_text, schedule, sign_off, start_draft, url

pytestmark = pytest.mark.django_db


def test_loading_a_version_into_a_scheduled_draft_cancels_the_schedule(
    editor_client, publisher_client, live
):
    draft = start_draft(editor_client, live)
    edit(editor_client, draft, title="Example harmful title")
    harmful = Version.objects.get_for_object(draft).first()
    edit(editor_client, draft, title="Example harmless title", status=Status.REVIEW)
    when = schedule(publisher_client, draft)

    load = reverse("admin:articles_article_revision", args=[draft.pk, harmful.pk])
    assert editor_client.post(load).status_code == 302

    draft.refresh_from_db()
    assert draft.go_live_at is None
    with time_machine.travel(when + timedelta(minutes=1)):
        assert "Example harmful title" not in public_text(live)[1]


def test_a_scheduled_draft_changed_behind_the_forms_does_not_go_live(
    editor_client, publisher_client, live
):
    draft = start_draft(editor_client, live)
    edit(editor_client, draft, status=Status.REVIEW)
    when = schedule(publisher_client, draft)
    # Whatever way the draft or what it shows changes after sign-off (here straight in the
    # database), what goes live is only what was signed off.
    Article.objects.filter(pk=draft.pk).update(summary="Example unsigned summary")

    with time_machine.travel(when + timedelta(minutes=1)):
        assert "Example unsigned summary" not in public_text(live)[1]

    draft.refresh_from_db()
    assert (draft.status, draft.go_live_at) == (Status.DRAFT, None)
    assert "changed after it was signed off" in draft.review_note


def test_people_a_scheduled_draft_shows_are_for_publishers(editor_client, publisher_client, live):
    person = Person.objects.create(name="Example New Reviewer", credentials="example")
    draft = start_draft(editor_client, live)
    Article.objects.filter(pk=draft.pk).update(reviewer=person, status=Status.REVIEW)
    schedule(publisher_client, draft)

    data = form_data(publisher_client.get(url("change", person)))
    data["credentials"] = "Example struck off"
    assert editor_client.post(url("change", person), data).status_code == 403


def test_a_person_changed_while_the_publisher_looks_is_not_signed_off(
    editor_client, publisher_client, live
):
    person = Person.objects.create(name="Example New Reviewer", credentials="example")
    draft = start_draft(editor_client, live)
    Article.objects.filter(pk=draft.pk).update(reviewer=person, status=Status.REVIEW)
    token = form_data(publisher_client.get(url("signoff", draft)))["token"]
    Person.objects.filter(pk=person.pk).update(credentials="Example struck off")

    response = publisher_client.post(url("signoff", draft), {"action": "publish", "token": token})

    assert response.status_code == 200
    assert "changed after you opened" in response.content.decode()
    assert "Example struck off" not in public_text(live)[1]


def test_the_sign_off_page_tells_look_alikes_apart(editor_client, publisher_client, live):
    twin = make_treatment("example-first-twin", name="Example First Treatment")
    draft = start_draft(editor_client, live)
    draft.treatment_links.update(treatment=twin)
    edit(editor_client, draft, status=Status.REVIEW)

    page = publisher_client.get(url("signoff", draft)).content.decode()

    assert '<tr class="changed">\n        <th scope="row">Treatments listed</th>' in page


def test_a_treatments_draft_cannot_be_listed(editor_client, live):
    treatment = live.treatment_links.get().treatment
    treatment_draft = start_draft(editor_client, treatment)
    draft = start_draft(editor_client, live)
    data = form_data(editor_client.get(url("change", draft)))
    data["treatment_links-0-treatment"] = str(treatment_draft.pk)

    response = editor_client.post(url("change", draft), data)

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_preview_draft_shows_its_figures(editor_client, live):
    from tests.support.factories import make_figure

    make_figure(live, 1, alt_text="Example figure alt")
    Article.objects.filter(pk=live.pk).update(body="Example.\n\n[[figure 1]]")
    draft = start_draft(editor_client, live)

    response = editor_client.get(url("change", draft) + "preview/")

    assert response.status_code == 200
    assert "Example figure alt" in response.content.decode()


def test_sending_back_is_not_writing(editor_client, publisher_client, live):
    draft = start_draft(editor_client, live)
    edit(editor_client, draft, title="Example editor title", status=Status.REVIEW)
    sign_off(publisher_client, draft, "send_back", note="Example: fix it.")
    edit(editor_client, draft, status=Status.REVIEW)

    assert sign_off(publisher_client, draft).status_code == 302

    assert "own changes" not in Version.objects.get_for_object(live).first().revision.comment


def test_the_live_history_keeps_who_wrote_the_update_and_why(editor_client, publisher_client, live):
    draft = start_draft(editor_client, live)
    edit(editor_client, draft, title="Example improved", revision_note="Example clearer title")
    edit(editor_client, draft, status=Status.REVIEW)

    sign_off(publisher_client, draft)

    comment = Version.objects.get_for_object(live).first().revision.comment
    assert "Written by Example Editor" in comment
    assert "“Example clearer title”" in comment


def test_the_list_says_which_pages_have_changes_pending(
    editor_client, live, django_assert_max_num_queries
):
    draft = start_draft(editor_client, live)
    edit(editor_client, draft, status=Status.REVIEW)
    changelist = reverse("admin:articles_article_changelist")
    editor_client.get(changelist)

    with django_assert_max_num_queries(12):
        html = editor_client.get(changelist).content.decode()

    assert "Awaiting sign-off" in html


def test_a_series_without_published_articles_has_no_public_page(editor_client):
    series = Series.objects.create(title="Example private series", slug="example-private")
    assert Client().get(series.get_absolute_url()).status_code == 404
    assert b"Example private series" not in Client().get("/sitemap-series.xml").content


def test_publishing_from_the_form_refuses_what_changed_after_it_was_opened(
    editor_client, publisher_client, series
):
    person = Person.objects.create(name="Example New Author", credentials="example")
    page = make_article(series, 5, status=Status.REVIEW, author=person, slug="example-new")
    change = url("change", page)
    data = form_data(publisher_client.get(change))
    Person.objects.filter(pk=person.pk).update(credentials="Example struck off")
    data["status"] = Status.PUBLISHED

    response = publisher_client.post(change, data)

    assert response.status_code == 200
    assert "changed after you opened it" in response.content.decode()
    assert Client().get(page.get_absolute_url()).status_code == 404
    # Having looked again, the publisher publishes what they now see.
    data = form_data(response)
    data["status"] = Status.PUBLISHED
    assert publisher_client.post(change, data).status_code == 302


def test_the_sign_off_page_shows_the_people_it_would_put_on_the_site(
    publisher_client, editor_client, live
):
    newcomer = Person.objects.create(
        name="Example Newcomer",
        role="Example role",
        bio="Example bio with [a link](https://example.com/).",
        conflicts_of_interest="Example declared interest",
    )
    draft = start_draft(editor_client, live)
    edit(editor_client, draft, author=newcomer.pk, status="review")
    page = BeautifulSoup(publisher_client.get(url("signoff", draft)).content, "html.parser")
    box = page.find(class_="people-shown").get_text(" ", strip=True)
    assert "Author: Example Newcomer" in box and "new on the site" in box
    for shown in ("Example role", "Example bio with a link", "Example declared interest"):
        assert shown in box
