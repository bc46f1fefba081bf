"""Review links for outside reviewers: the page behind a link, comments and verdicts, and
everything a link must not open."""

from datetime import timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import drafts
from articles.models import Article, ReviewComment, ReviewLink, Status
from articles.models.reviewing import COMMENT_MAX_LENGTH, token_hash
from articles.review_pages import COMMENTS_PER_HOUR
from tests.support.factories import make_article, make_treatment


def review_url(token):
    return reverse("articles:review", args=[token])


def link_to(page, **fields):
    fields = {"reviewer_name": "Example Reviewer", **fields}
    return ReviewLink.create(page, **fields)


@pytest.fixture
def reviewer():
    # A reviewer has no account and no session; CSRF is checked as for any browser.
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def draft(live):
    draft = drafts.start_draft(live)
    draft.body = "Example live body, with an example correction."
    draft.save()
    return draft


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def post_comment(client, token, **data):
    page = client.get(review_url(token))
    form = soup_of(page).find("form", class_="review-form")
    fields = {field["name"]: field.get("value", "") for field in form.find_all("input")}
    fields.pop("verdict", None)
    fields.update(data)
    return client.post(review_url(token), fields)


def test_a_link_shows_the_draft_as_readers_would_with_the_changes(reviewer, live, draft):
    _, token = link_to(draft)
    response = reviewer.get(review_url(token))
    assert response.status_code == 200
    soup = soup_of(response)
    assert "Draft for review: not published" in soup.find(class_="review-banner").get_text()
    assert soup.h1.get_text() == live.title
    assert "an example correction" in soup.find(class_="article-body").get_text()
    changes = soup.find(class_="review-changes")
    assert changes.find("ins") and "example correction" in changes.get_text()
    assert soup.find("h3", string="What we ask you to check")
    assert soup.find("form", class_="review-form")
    # What readers get is unchanged.
    assert "example correction" not in Client().get(live.get_absolute_url()).content.decode()


def test_a_link_to_a_new_page_shows_it_without_changes(reviewer, series):
    page = make_article(series, 2, title="Example new page", status=Status.DRAFT)
    _, token = link_to(page, role=ReviewLink.Role.LIVED_EXPERIENCE)
    soup = soup_of(reviewer.get(review_url(token)))
    assert soup.h1.get_text() == "Example new page"
    assert not soup.find(id="review-changes")
    assert "From your own experience" in soup.find(id="review").get_text()


def test_a_treatment_draft_can_be_reviewed(reviewer, db):
    treatment = make_treatment("example-treatment", name="Example Treatment")
    draft = drafts.start_draft(treatment)
    _, token = link_to(draft)
    response = reviewer.get(review_url(token))
    assert response.status_code == 200
    assert soup_of(response).h1.get_text() == "Example Treatment"


def test_review_pages_are_private_and_never_cached(reviewer, draft):
    _, token = link_to(draft)
    response = reviewer.get(review_url(token))
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    soup = soup_of(response)
    assert soup.find("meta", attrs={"name": "robots"})["content"].startswith("noindex")
    # The token appears in no canonical or shared address.
    assert not soup.find("link", rel="canonical")
    assert not soup.find("meta", property="og:url")
    # The page cache never answers it: a revoked link ends at once.
    ReviewLink.objects.update(revoked_at=timezone.now())
    assert reviewer.get(review_url(token)).status_code == 410


def test_only_the_hash_of_the_token_is_stored(draft):
    link, token = link_to(draft)
    assert token not in str(ReviewLink.objects.filter(pk=link.pk).values().get())
    assert link.token_hash == token_hash(token) != token
    assert len(token) >= 40


@pytest.mark.parametrize("bad", ["x", "a" * 43, "a" * 500, "%2e%2e"])
def test_unknown_tokens_get_a_plain_page(reviewer, draft, bad):
    link_to(draft)
    response = reviewer.get(review_url(bad))
    assert response.status_code == 404
    assert "not a review link" in response.content.decode()


def test_expired_and_revoked_links_have_ended(reviewer, draft):
    link, token = link_to(draft, days=3)
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        response = reviewer.get(review_url(token))
        assert response.status_code == 410
        assert "This review link has ended" in response.content.decode()
        assert "private" in response["Cache-Control"]
        # Comments are refused after expiry too (CSRF passes, the link doesn't).
        refused = Client().post(review_url(token), {"text": "Example late comment"})
        assert refused.status_code == 410
    assert not ReviewComment.objects.exists()
    link.revoke()
    assert reviewer.get(review_url(token)).status_code == 410


def test_a_link_ends_once_its_draft_went_live(reviewer, live, draft, publisher):
    _, token = link_to(draft)
    drafts.publish(draft, publisher)
    response = reviewer.get(review_url(token))
    assert response.status_code == 410
    assert "published" in response.content.decode()


def test_a_link_follows_the_current_draft(reviewer, live, draft):
    _, token = link_to(draft)
    reviewer.get(review_url(token))
    draft.body = "Example live body, changed again."
    draft.save()
    soup = soup_of(reviewer.get(review_url(token)))
    assert "changed again" in soup.find(class_="article-body").get_text()
    assert "changed since you last opened it" in soup.find(class_="review-banner").get_text()
    # Said once: the next visit sees the same draft.
    soup = soup_of(reviewer.get(review_url(token)))
    assert not soup.find(class_="review-changed")


def test_a_link_opens_only_its_own_draft(reviewer, series, live, draft):
    other = make_article(series, 2, title="Example other draft", status=Status.DRAFT)
    _, token = link_to(draft)
    soup = soup_of(reviewer.get(review_url(token)))
    assert "Example other draft" not in soup.get_text()
    # No session is made: nothing else opens after a review page.
    assert reviewer.get(reverse("admin:index")).status_code == 302
    assert reviewer.get(other.get_absolute_url()).status_code == 404
    assert "sessionid" not in reviewer.cookies


def test_a_reviewer_comments_on_a_passage_and_gives_a_verdict(reviewer, live, draft):
    link, token = link_to(draft)
    response = post_comment(
        reviewer,
        token,
        quote="an example correction",
        text="Example comment: say where this comes from.",
        verdict="needs-changes",
    )
    assert response.status_code == 303
    comment = ReviewComment.objects.get()
    assert comment.link == link
    assert comment.quote == "an example correction"
    assert comment.verdict == "needs-changes"
    assert comment.content == drafts.fingerprint(draft)
    link.refresh_from_db()
    assert link.verdict == "needs-changes"
    soup = soup_of(reviewer.get(response["Location"]))
    assert "your comment is saved" in soup.find(class_="review-sent").get_text()
    assert "say where this comes from" in soup.find(class_="review-comments").get_text()
    # A later verdict replaces it.
    post_comment(reviewer, token, verdict="looks-right")
    link.refresh_from_db()
    assert link.verdict == "looks-right"
    assert ReviewComment.objects.count() == 2


def test_a_comment_needs_text_or_a_verdict(reviewer, draft):
    _, token = link_to(draft)
    response = post_comment(reviewer, token, text="   ")
    assert response.status_code == 400
    assert "Write a comment, or choose a verdict" in response.content.decode()
    assert not ReviewComment.objects.exists()


def test_comments_are_length_limited_and_keep_the_text(reviewer, draft):
    _, token = link_to(draft)
    long_text = "Example " * (COMMENT_MAX_LENGTH // 8 + 1)
    response = post_comment(reviewer, token, text=long_text)
    assert response.status_code == 400
    assert soup_of(response).find("textarea", attrs={"name": "text"}).get_text() == long_text
    assert not ReviewComment.objects.exists()


def test_comments_are_stored_as_plain_text_and_shown_escaped(reviewer, draft):
    _, token = link_to(draft)
    post_comment(reviewer, token, text="<script>alert(1)</script>\x07\u202eExample\r\nnext")
    comment = ReviewComment.objects.get()
    assert comment.text == "<script>alert(1)</script>Example\nnext"
    html = reviewer.get(review_url(token)).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Example<br>next" in html


def test_comments_need_the_form_key_and_its_cookie(reviewer, draft):
    _, token = link_to(draft)
    response = reviewer.post(review_url(token), {"text": "Example kept comment"})
    assert response.status_code == 403
    # Nothing is lost: the text comes back, with why it wasn't sent and a new key.
    soup = soup_of(response)
    assert soup.find("textarea", attrs={"name": "text"}).get_text() == "Example kept comment"
    assert "was not sent" in soup.find(class_="form-error").get_text()
    page = soup_of(reviewer.get(review_url(token)))
    key = page.find("input", attrs={"name": "form_key"})["value"]
    # A forged form from elsewhere has neither the cookie nor the key that goes with it.
    assert Client().post(review_url(token), {"text": "Example", "form_key": key}).status_code == 403
    assert reviewer.post(review_url(token), {"text": "Example", "form_key": "0"}).status_code == 403
    # A key is good for its own link only.
    _, other = link_to(draft, reviewer_name="Example Other")
    reviewer.cookies["reviewcsrf"]["path"] = "/"
    forged = reviewer.post(review_url(other), {"text": "Example", "form_key": key})
    assert forged.status_code == 403
    assert not ReviewComment.objects.exists()
    assert reviewer.post(review_url(token), {"text": "Example", "form_key": key}).status_code == 303


def test_comments_are_rate_limited_per_link(reviewer, draft):
    link, token = link_to(draft)
    ReviewComment.objects.bulk_create(
        ReviewComment(link=link, text=f"Example {n}", content="0" * 64)
        for n in range(COMMENTS_PER_HOUR)
    )
    response = post_comment(reviewer, token, text="Example one too many")
    assert response.status_code == 429
    assert "Example one too many" in response.content.decode()
    assert ReviewComment.objects.count() == COMMENTS_PER_HOUR
    # Another link to the same draft is not limited by this one.
    _, other = link_to(draft, reviewer_name="Example Second Reviewer")
    assert post_comment(reviewer, other, text="Example comment").status_code == 303
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        assert post_comment(reviewer, token, text="Example later").status_code == 303


def test_a_comment_on_a_draft_that_changed_meanwhile_says_so(reviewer, draft):
    _, token = link_to(draft)
    page = reviewer.get(review_url(token))
    form = soup_of(page).find("form", class_="review-form")
    data = {field["name"]: field.get("value", "") for field in form.find_all("input")}
    data.pop("verdict")
    draft.body = "Example live body, rewritten while they read."
    draft.save()
    reviewer.post(review_url(token), {**data, "text": "Example comment on what I read"})
    comment = ReviewComment.objects.get()
    assert comment.content != drafts.fingerprint(draft)
    soup = soup_of(reviewer.get(review_url(token)))
    assert "earlier version" in soup.find(class_="review-comments").get_text()


def test_the_reviewer_sets_no_session_and_readers_pages_stay_cached(reviewer, live, draft):
    _, token = link_to(draft)
    response = reviewer.get(review_url(token))
    # Only the review form's own key, for this link's address alone.
    assert set(response.cookies) == {"reviewcsrf"}
    cookie = response.cookies["reviewcsrf"]
    assert cookie["path"] == review_url(token) and cookie["samesite"] == "Strict"
    assert cookie["httponly"]
    assert Article.objects.filter(pk=live.pk).get().status == Status.PUBLISHED


def test_the_changes_name_no_treatment_readers_cannot_see(reviewer, live, draft):
    from tests.support.factories import make_figure

    make_figure(draft, 1)  # other lists are compared as before
    hidden = make_treatment("example-hidden", name="Example Unreleased", status=Status.DRAFT)
    shown = make_treatment("example-shown", name="Example Released")
    for position, treatment in enumerate((hidden, shown), 5):
        draft.treatment_links.create(treatment=treatment, position=position)
    _, token = link_to(draft)
    soup = soup_of(reviewer.get(review_url(token)))
    assert "Example Released" in soup.find(class_="review-changes").get_text()
    assert "Example Unreleased" not in soup.get_text()


def test_the_ended_page_says_when(reviewer, draft):
    _, token = link_to(draft, days=3)
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        text = reviewer.get(review_url(token)).content.decode()
    assert "It was valid until" in text


def test_a_link_ends_for_good_with_its_draft(reviewer, live, draft, publisher):
    link, token = link_to(draft, email="reviewer@example.com")
    drafts.publish(draft, publisher)
    drafts.start_draft(live)  # a later draft of the same page is not what they were asked
    response = reviewer.get(review_url(token))
    assert response.status_code == 410
    assert "published or withdrawn" in response.content.decode()
    link.refresh_from_db()
    assert link.ended_at is not None and link.email == ""


def test_a_withdrawn_draft_ends_its_links(reviewer, live, draft):
    _, token = link_to(draft)
    draft.delete()
    drafts.start_draft(live)
    assert reviewer.get(review_url(token)).status_code == 410


def test_a_new_page_link_ends_once_published_even_if_unpublished_again(reviewer, series):
    page = make_article(series, 2, title="Example new page", status=Status.DRAFT)
    _, token = link_to(page)
    page.status = Status.PUBLISHED
    page.save()
    page.status = Status.UNPUBLISHED
    page.save()
    assert reviewer.get(review_url(token)).status_code == 410
