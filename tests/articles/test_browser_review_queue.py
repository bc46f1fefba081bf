"""The clinical review queue in a real browser, a page of rows at a time: axe-core finds nothing
serious at desktop and phone sizes, the page is no wider than the screen, and the pages of the
queue are reached with the keyboard, keeping the filter."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from articles.admin.review_queue import QUEUE_PAGE_SIZE
from articles.models import Article
from tests.support.axe import AXE, DESKTOP, PHONE, axe_violations
from tests.support.browser import CHROMIUM, PASSWORD, TIMEOUT_MS, Visitor
from tests.support.factories import make_articles, make_staff

pytest_plugins = ["tests.support.browser_fixtures"]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Chromium at {CHROMIUM}"),
    pytest.mark.skipif(not AXE.exists(), reason=f"needs axe-core at {AXE}: run `npm ci`"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

QUEUE = "/admin/articles/article/review-queue/"


@pytest.fixture
def queued(series):
    articles = make_articles(series, QUEUE_PAGE_SIZE + 10, title="Example queued {n}")
    for n, article in enumerate(articles):
        article.last_reviewed = date.today() - timedelta(days=1000)
        article.next_review_due = date.today() - timedelta(days=5) + timedelta(days=n)
    Article.objects.bulk_update(articles, ["last_reviewed", "next_review_due"])
    return articles


def editor_at(browsers, viewport):
    """An editor with a screen of `viewport` size; axe-core is injected as an inline script,
    which the admin's policy refuses: bypass_csp."""
    make_staff("example-editor", "Editors")
    context = browsers.browser.new_context(
        base_url=browsers.base_url, viewport=viewport, bypass_csp=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    browsers.contexts.append(context)
    visitor = Visitor(context, context.new_page())
    visitor.page.goto("/admin/login/")
    visitor.page.fill("#id_username", "example-editor")
    visitor.page.fill("#id_password", PASSWORD)
    visitor.page.click("input[type=submit]")
    expect(visitor.page.locator("#user-tools")).to_be_visible()
    return visitor


def serious(line):
    return " (serious) at " in line or " (critical) at " in line


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_queue_pages_are_accessible_and_reached_by_keyboard(browsers, queued, viewport):
    page = editor_at(browsers, viewport).page
    page.goto(QUEUE + "?kind=article")
    rows = page.locator(".review-queue tbody tr")
    expect(rows).to_have_count(QUEUE_PAGE_SIZE)
    pages = page.get_by_role("navigation", name="Pages of the queue")
    expect(pages).to_contain_text(f"Page 1 of 2 ({QUEUE_PAGE_SIZE + 10} rows)")
    problems = [line for line in axe_violations(page) if serious(line)]
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{width[0]}px wide on a {width[1]}px screen"

    pages.get_by_role("link", name="Next").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(rows).to_have_count(10)
    assert "kind=article" in page.url and "page=2" in page.url
    expect(pages).to_contain_text("Page 2 of 2")
    expect(pages.get_by_role("link", name="Next")).to_have_count(0)
    problems += [line for line in axe_violations(page) if serious(line)]
    assert problems == [], "\n".join(problems)
