"""Review links in a real browser: an editor makes one from a draft; the reviewer, in a browser
of their own with no account, reads the draft, comments on a passage and gives a verdict; the
editor and the publisher see it; an ended link shows the ended page. axe-core checks the
reviewer's pages at desktop and phone sizes."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import ReviewLink
from tests.support.axe import AXE, DESKTOP, PHONE, axe_reader, axe_violations
from tests.support.browser import CHROMIUM
from tests.support.factories import add_treatments, make_article, make_treatment

pytest_plugins = ["tests.support.browser_fixtures"]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Chromium at {CHROMIUM}"),
    pytest.mark.skipif(not AXE.exists(), reason=f"needs axe-core at {AXE}: run `npm ci`"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def live(series):
    article = make_article(series, title="Example Live Title", body="Example live body text.")
    add_treatments(article, [make_treatment("example-first", name="Example First Treatment")])
    return article


def change_url(page):
    return f"/admin/articles/{page._meta.model_name}/{page.pk}/change/"


def make_link(page, article):
    """As an editor does: a draft of the live page, then a review link from it."""
    page.goto(change_url(article))
    with page.expect_navigation():
        page.get_by_role("button", name="Edit as a draft").click()
    page.fill("#id_body", "Example live body text, with an example new sentence.")
    with page.expect_navigation():
        page.click("input[name=_continue]")
    page.get_by_role("link", name="Create a review link").click()
    page.get_by_label("Reviewer name").fill("Example Clinician")
    page.get_by_label("Valid for (days)").fill("7")
    with page.expect_navigation():
        page.get_by_role("button", name="Create the link").click()
    return page.locator("#review-address").input_value()


def test_a_reviewer_comments_and_the_team_sees_it(browsers, live):
    editor = browsers.staff("example-editor", "Editors", first_name="Example Editor")
    address = make_link(editor.page, live)

    reviewer = axe_reader(browsers, PHONE)
    page = reviewer.page
    # The address names the site's own domain (SITE_DOMAIN); here, the live server's.
    page.goto("/" + address.split("://", 1)[1].split("/", 1)[1])
    expect(page.locator(".review-banner")).to_contain_text("Draft for review: not published")
    expect(page.locator(".article-body")).to_contain_text("an example new sentence")
    expect(page.locator(".review-changes ins").first).to_contain_text("example new sentence")
    assert axe_violations(page) == []
    page.get_by_label("The passage (optional)").fill("an example new sentence")
    page.get_by_label("Your comment").fill("Example comment: please add a source here.")
    page.get_by_label("Needs changes").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send").click()
    expect(page.locator(".review-sent")).to_contain_text("your comment is saved")
    expect(page.locator(".review-comments")).to_contain_text("please add a source here")
    assert reviewer.errors == []
    assert not any(cookie["name"] == "sessionid" for cookie in reviewer.context.cookies())

    editor.page.get_by_role("link", name="Back to the page").click()
    box = editor.page.locator(".outside-review")
    expect(box).to_contain_text("1 of 1 reviewer replied; 1 needs changes")
    expect(box).to_contain_text("please add a source here")

    publisher = browsers.staff("example-publisher", "Publishers", first_name="Example Publisher")
    publisher.page.goto("/admin/articles/article/review-queue/")
    expect(publisher.page.locator("#content")).to_contain_text("1 needs changes")
    draft_url = editor.page.url
    publisher.page.goto(draft_url.replace("/change/", "/signoff/"))
    expect(publisher.page.locator(".outside-review")).to_contain_text("please add a source")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_review_page_and_the_ended_page_pass_axe(browsers, live, viewport):
    from articles import drafts

    draft = drafts.start_draft(live)
    _, token = ReviewLink.create(draft, reviewer_name="Example Reviewer")
    reviewer = axe_reader(browsers, viewport)
    page = reviewer.page
    assert page.goto(f"/review/{token}/").status == 200
    assert axe_violations(page) == []
    ReviewLink.objects.update(expires_at=timezone.now())
    response = page.goto(f"/review/{token}/")
    assert response.status == 410
    expect(page.locator("h1")).to_have_text("This review link has ended")
    assert axe_violations(page) == []
