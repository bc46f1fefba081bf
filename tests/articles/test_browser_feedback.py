"""Readers' feedback in a real browser against a live server with the seed content: a reader
without JavaScript sends it from a cached article and is thanked, and axe-core finds no WCAG 2.2
AA violation on the form, on the form sent back with something to change, or on the thank-you
page, at desktop and phone sizes."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from articles.models import PageFeedback
from tests.support.axe import AXE, DESKTOP, PHONE
from tests.support.axe import axe_violations as page_violations
from tests.support.browser import CHROMIUM, TIMEOUT_MS, Visitor

# The Chromium fixtures (`browser`, `browsers`), shared by the browser test modules.
pytest_plugins = ["tests.support.browser_fixtures"]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Chromium at {CHROMIUM}"),
    pytest.mark.skipif(not AXE.exists(), reason=f"needs axe-core at {AXE}: run `npm ci`"),
    # live_server flushes the database after each test; serialized_rollback puts back what
    # the migrations created before the next one, and each test seeds its own content.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ARTICLE = "/articles/what-is-treatment-resistant-depression/"
THANKS = "/feedback/thanks/"
# Chromium's console line for a document the server answers with 400: the form sent back.
BAD_REQUEST = "Failed to load resource: the server responded with a status of 400 (Bad Request)"


@pytest.fixture
def seeded_site(browsers):
    # After `browsers`, so the live server runs before the content it will serve exists.
    call_command("seed", verbosity=0)


def visitor(browsers, **options):
    """Someone not signed in, in a browser context with `options`."""
    context = browsers.browser.new_context(base_url=browsers.base_url, **options)
    context.set_default_timeout(TIMEOUT_MS)
    browsers.contexts.append(context)
    return Visitor(context, context.new_page())


def send_form(page, answer, comment):
    page.get_by_role("radio", name=answer).check()
    page.get_by_label("What was missing or wrong? (optional)").fill(comment)
    with page.expect_navigation():
        page.get_by_role("button", name="Send feedback").click()


def axe_violations(page):
    """axe-core's findings, with the helplines opened as a reader would."""
    summaries = page.locator("details:not([open]) > summary")
    for _ in range(summaries.count()):
        summaries.first.click()
    return page_violations(page)


def test_a_reader_without_javascript_sends_feedback_from_a_cached_page(browsers, seeded_site):
    reader = visitor(browsers, java_script_enabled=False)
    page = reader.page
    page.goto(ARTICLE)
    cached = page.goto(ARTICLE)  # the second visit is served from the page cache
    assert "public" in cached.headers["cache-control"]

    form = page.locator(".page-feedback")
    expect(form).to_contain_text("This form is not monitored for emergencies.")
    send_form(page, "No", "Example: nothing about side effects in older people.")

    assert page.url.endswith(THANKS)
    expect(page.locator("h1")).to_have_text("Thank you for your feedback")
    expect(page.locator("aside.urgent-help")).to_be_visible()
    feedback = PageFeedback.objects.get()
    assert feedback.article.get_absolute_url() == ARTICLE
    assert feedback.helpful is False
    assert feedback.comment == "Example: nothing about side effects in older people."
    # The hidden trap stayed empty (nothing would be kept otherwise), and no cookie was set.
    assert reader.context.cookies() == []
    # The crisis link leads to the urgent-help callout.
    page.get_by_role("link", name="see who to call, at the top of this page").click()
    expect(page.locator("#site-urgent-help-callout")).to_be_in_viewport()
    assert reader.errors == []


def test_a_comment_too_long_comes_back_in_the_browser(browsers, seeded_site):
    page = visitor(browsers, java_script_enabled=False).page
    page.goto(ARTICLE)
    text = "Example words. " * 70
    send_form(page, "Yes", text)
    expect(page.locator(".feedback-problems")).to_contain_text("Please shorten it")
    expect(page.get_by_label("What was missing or wrong? (optional)")).to_have_value(text)
    expect(page.get_by_role("radio", name="Yes")).to_be_checked()
    assert not PageFeedback.objects.exists()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_form_and_the_thank_you_page_meet_wcag_22_aa(browsers, seeded_site, viewport):
    # bypass_csp: axe-core is injected as an inline script, which the site's policy refuses.
    reader = visitor(browsers, viewport=viewport, bypass_csp=True)
    page = reader.page
    problems = {}
    assert page.goto(ARTICLE).status == 200
    page.locator(".page-feedback").scroll_into_view_if_needed()
    problems["the article with the form"] = axe_violations(page)

    page.goto(ARTICLE)
    send_form(page, "Yes", "x" * 1001)
    expect(page.locator(".feedback-problems")).to_be_visible()
    problems["the form sent back"] = axe_violations(page)

    page.goto(ARTICLE)
    send_form(page, "Yes", "Example: clear, thank you.")
    expect(page.locator("h1")).to_have_text("Thank you for your feedback")
    problems["the thank-you page"] = axe_violations(page)

    found = [f"{where}: {line}" for where, lines in problems.items() for line in lines]
    assert not found, f"{len(found)} problem(s) at {viewport}:\n  " + "\n  ".join(found)
    assert reader.errors == [(f"{browsers.base_url}/feedback/", BAD_REQUEST)]
