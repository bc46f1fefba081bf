"""Review links in the admin: making one from a draft, seeing what reviewers said (change form,
review queue, sign-off page, history), revoking it."""

import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import drafts
from articles.models import ReviewComment, ReviewLink, Status, Verdict
from tests.support.factories import client_for, make_article
from tests.support.signoff import start_draft, url


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def create_link(client, page, **data):
    data = {
        "reviewer_name": "Example Reviewer",
        "email": "",
        "role": "clinical",
        "days": 14,
        **data,
    }
    return client.post(url("review_link", page), data)


def address_in(response):
    return soup_of(response).find(id="review-address")["value"]


def comment(link, content="0" * 64, **fields):
    return ReviewComment.objects.create(link=link, content=content, **fields)


@pytest.fixture
def draft(editor_client, live):
    return start_draft(editor_client, live)


def test_an_editor_makes_a_link_from_a_draft_and_sees_it_once(editor_client, editor, live, draft):
    form = editor_client.get(url("review_link", draft))
    assert form.status_code == 200
    assert soup_of(form).find("input", attrs={"name": "days"})["value"] == "14"
    response = create_link(editor_client, draft, email="reviewer@example.com")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    address = address_in(response)
    assert re.fullmatch(r"http://[^/]+/review/[\w-]{40,}/", address)
    link = ReviewLink.objects.get()
    assert link.article == live  # the page, so it follows the draft as it changes
    assert link.created_by == editor
    assert timedelta(days=13, hours=23) < link.expires_at - timezone.now() <= timedelta(days=14)
    path = address.split("://", 1)[1].split("/", 1)[1]
    assert Client().get("/" + path).status_code == 200
    # Shown once: the address is nowhere in the admin afterwards.
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert token not in editor_client.get(url("change", draft)).content.decode()


@pytest.mark.parametrize(("days", "error"), [(61, "60"), (0, "1"), ("", "required")])
def test_a_link_lasts_one_to_sixty_days(editor_client, draft, days, error):
    response = create_link(editor_client, draft, days=days)
    assert not soup_of(response).find(id="review-address")
    assert error in soup_of(response).find(class_="errorlist").get_text()
    assert not ReviewLink.objects.exists()


def test_a_page_not_yet_public_can_be_reviewed(editor_client, series):
    page = make_article(series, 2, title="Example new page", status=Status.DRAFT)
    response = create_link(editor_client, page)
    path = "/" + address_in(response).split("://", 1)[1].split("/", 1)[1]
    assert "Example new page" in Client().get(path).content.decode()
    assert ReviewLink.objects.get().article == page


def test_a_live_page_is_reviewed_through_its_draft(editor_client, live):
    response = editor_client.get(url("change", live) + "?live=1")
    box = soup_of(response).find(class_="outside-review")
    assert "edit this page as a draft" in box.get_text()
    assert not box.find("a", string="Create a review link")
    assert create_link(editor_client, live).status_code == 403
    assert not ReviewLink.objects.exists()


def test_staff_without_the_permission_cannot_make_links(draft):
    viewer = get_user_model().objects.create_user("example-viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    nobody = client_for(viewer)
    assert create_link(nobody, draft).status_code in (302, 403)
    assert not ReviewLink.objects.exists()


def test_the_change_form_shows_replies_and_verdicts(editor_client, draft):
    first, _ = ReviewLink.create(draft, reviewer_name="Example Clinician")
    ReviewLink.create(draft, reviewer_name="Example Carer", role="other")
    comment(first, quote="Example passage", text="Example concern", verdict=Verdict.NEEDS_CHANGES)
    first.verdict = Verdict.NEEDS_CHANGES
    first.save()
    box = soup_of(editor_client.get(url("change", draft))).find(class_="outside-review")
    text = box.get_text(" ", strip=True)
    assert "1 of 2 reviewers replied; 1 needs changes" in text
    assert "Example concern" in text and "Example passage" in text
    assert "Example Carer" in text and "no reply yet" in text


def test_the_review_queue_counts_replies(publisher_client, draft):
    drafts_link, _ = ReviewLink.create(draft, reviewer_name="Example Clinician")
    ReviewLink.create(draft, reviewer_name="Example Second")
    ReviewLink.create(draft, reviewer_name="Example Third")
    comment(drafts_link, verdict=Verdict.NEEDS_CHANGES)
    comment(ReviewLink.objects.get(reviewer_name="Example Second"), verdict=Verdict.LOOKS_RIGHT)
    ReviewLink.objects.filter(reviewer_name="Example Clinician").update(
        verdict=Verdict.NEEDS_CHANGES
    )
    response = publisher_client.get(reverse("admin:articles_review_queue"))
    assert "2 of 3 reviewers replied; 1 needs changes" in response.content.decode()


def test_a_publisher_sees_the_comments_before_signing_off(publisher_client, editor_client, draft):
    link, _ = ReviewLink.create(draft)
    comment(link, text="Example: the dose is out of date", verdict=Verdict.NEEDS_CHANGES)
    draft.status = Status.REVIEW
    draft.save()
    page = publisher_client.get(url("signoff", draft))
    box = soup_of(page).find(class_="outside-review")
    assert "the dose is out of date" in box.get_text()


def test_comments_stay_in_the_history_after_the_draft_goes_live(
    publisher_client, live, draft, publisher
):
    link, _ = ReviewLink.create(draft)
    comment(link, text="Example lasting comment", version=None)
    drafts.publish(drafts.draft_of(live), publisher)
    assert not drafts.draft_of(live)
    history = publisher_client.get(url("history", live))
    assert "Example lasting comment" in soup_of(history).find(class_="outside-review").get_text()


def test_revoking_ends_the_link_and_forgets_the_email(editor_client, draft):
    link, token = ReviewLink.create(draft, email="reviewer@example.com")
    box = soup_of(editor_client.get(url("change", draft))).find(class_="outside-review")
    action = box.find("form")["action"]
    assert editor_client.post(action).status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None and link.email == ""
    assert Client().get(reverse("articles:review", args=[token])).status_code == 410
    # A GET changes nothing; another page's link is not reachable through this page.
    other_page = make_article(draft.series, 5, slug="example-other", status=Status.DRAFT)
    other, _ = ReviewLink.create(other_page)
    wrong = reverse("admin:articles_article_revoke_review_link", args=[draft.pk, other.pk])
    assert editor_client.post(wrong).status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_the_list_of_links_revokes_and_never_adds(publisher_client, editor_client, draft):
    link, _ = ReviewLink.create(
        draft, reviewer_name="Example Reviewer", email="reviewer@example.com"
    )
    changelist = reverse("admin:articles_reviewlink_changelist")
    response = publisher_client.get(changelist)
    assert "Example Reviewer" in response.content.decode()
    assert publisher_client.get(reverse("admin:articles_reviewlink_add")).status_code == 403
    # Links go with their page; editors can't delete them, nor anyone several at once.
    delete = reverse("admin:articles_reviewlink_delete", args=[link.pk])
    assert editor_client.get(delete).status_code == 403
    assert 'value="delete_selected"' not in response.content.decode()
    publisher_client.post(changelist, {"action": "revoke", "_selected_action": [link.pk]})
    link.refresh_from_db()
    assert link.revoked_at is not None and not link.email


def test_a_publisher_deletes_a_page_with_links_and_feedback(publisher_client, series):
    from articles.models import Article, PageFeedback

    page = make_article(series, 3, slug="example-doomed", status=Status.DRAFT)
    link, _ = ReviewLink.create(page, reviewer_name="Example Reviewer")
    comment(link, text="Example comment")
    PageFeedback.objects.create(article=page, helpful=True)
    delete = reverse("admin:articles_article_delete", args=[page.pk])
    assert "Cannot delete" not in publisher_client.get(delete).content.decode()
    assert publisher_client.post(delete, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=page.pk).exists()
    assert not ReviewLink.objects.exists() and not ReviewComment.objects.exists()


def test_verdicts_on_an_earlier_draft_do_not_count_for_the_next(
    publisher_client, editor_client, live, draft, publisher
):
    link, _ = ReviewLink.create(draft, reviewer_name="Example Clinician")
    comment(link, verdict=Verdict.NEEDS_CHANGES)
    ReviewLink.objects.update(verdict=Verdict.NEEDS_CHANGES)
    drafts.publish(draft, publisher)
    later = start_draft(editor_client, live)
    box = soup_of(editor_client.get(url("change", later))).find(class_="outside-review")
    assert "needs changes" not in box.find("h2").get_text()
    assert "went live" in box.get_text()  # still listed, as history
    queue = publisher_client.get(reverse("admin:articles_review_queue")).content.decode()
    assert "1 needs changes" not in queue
