"""Urgent help in a real browser against a live server with the seed content: on a phone the
card leaves the article's title (and, at 390x844, the first line of its summary) in view, with
"Get help now" above them and every crisis number a 44x44 target; a reader without JavaScript
picks their country on /help/; axe-core finds no WCAG 2.2 AA violation there or on an article
with the card, at desktop and phone sizes."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.support.axe import AXE, DESKTOP, PHONE, axe_reader, axe_violations
from tests.support.browser import CHROMIUM, TIMEOUT_MS, Visitor

# The Chromium fixtures (`browser`, `browsers`), shared by the browser test modules.
pytest_plugins = ["tests.support.browser_fixtures"]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Chromium at {CHROMIUM}"),
    pytest.mark.skipif(not AXE.exists(), reason=f"needs axe-core at {AXE}: run `npm ci`"),
    # live_server flushes the database after each test; serialized_rollback puts back what
    # the migrations created (the helplines among them) before the next one.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ARTICLE = "/articles/what-is-treatment-resistant-depression/"
SMALL_PHONE = {"width": 320, "height": 568}
TAP_TARGET = 44  # CSS pixels, each way: WCAG 2.5.5's size, and Apple's and Google's advice
# Where things are on the page, in CSS pixels from the top of the document.
LAYOUT = """() => {
  const box = element => {
    const r = element.getBoundingClientRect();
    return {top: r.top + scrollY, bottom: r.bottom + scrollY, width: r.width, height: r.height};
  };
  const card = document.getElementById('site-urgent-help-callout');
  const summary = document.querySelector('main .lead');
  const firstLetter = document.createRange();
  firstLetter.setStart(summary.firstChild, 0);
  firstLetter.setEnd(summary.firstChild, 1);
  return {
    card: box(card),
    helpNow: box(card.querySelector('a.help-now')),
    numbers: [...card.querySelectorAll('a[href^="tel:"]')].map(a => ({
      text: a.textContent.trim().replace(/\\s+/g, ' '), ...box(a)})),
    seriesLabel: box(document.querySelector('main .kicker')),
    title: box(document.querySelector('main h1')),
    summaryFirstLine: box(firstLetter),
  };
}"""


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


@pytest.mark.parametrize(
    ("viewport", "summary_in_view"),
    [(PHONE, True), (SMALL_PHONE, False)],
    ids=["390x844", "320x568"],
)
def test_on_a_phone_the_card_leaves_the_title_in_view(
    browsers, seeded_site, viewport, summary_in_view
):
    reader = visitor(browsers, viewport=viewport)
    reader.page.goto(ARTICLE)
    layout = reader.page.evaluate(LAYOUT)
    height = viewport["height"]

    assert layout["title"]["bottom"] <= height, layout
    if summary_in_view:
        assert layout["summaryFirstLine"]["bottom"] <= height, layout
    assert layout["helpNow"]["bottom"] <= layout["title"]["top"], layout
    assert layout["helpNow"]["height"] >= TAP_TARGET, layout
    numbers = layout["numbers"]
    assert [n["text"] for n in numbers] == [
        "999 UK",
        "112 EU",
        "911 US, Canada",
        "116 123 UK, Ireland · Samaritans",
        "988 US, Canada · 988 Suicide & Crisis Lifeline / 9-8-8 Suicide Crisis Helpline",
    ]
    small = [n for n in numbers if n["width"] < TAP_TARGET or n["height"] < TAP_TARGET]
    assert not small, small
    # Every number is in view on arrival, none behind a click.
    assert all(n["bottom"] <= layout["title"]["top"] for n in numbers), layout
    # The page's own content starts clear of the card (main keeps its top padding).
    assert layout["seriesLabel"]["top"] - layout["card"]["bottom"] >= 16, layout
    assert reader.errors == []


def test_a_reader_without_javascript_picks_their_country(browsers, seeded_site):
    reader = visitor(browsers, viewport=PHONE, java_script_enabled=False)
    page = reader.page
    page.goto(ARTICLE)
    page.get_by_role("link", name="Get help now").click()
    expect(page.locator("h1")).to_have_text("Get help now")

    page.get_by_label("Show the services of your country").select_option(label="United Kingdom")
    page.get_by_role("button", name="Show").click()

    assert page.url.endswith("/help/?country=GB")
    headings = page.locator("main section h2")
    expect(headings).to_have_text(["United Kingdom", "International"])
    expect(page.locator("main .help-emergency a")).to_have_attribute("href", "tel:999")

    page.get_by_role("link", name="United States").click()
    assert page.url.endswith("/help/?country=US")
    expect(headings).to_have_text(["United States", "International"])

    page.get_by_label("Show the services of your country").select_option(label="France")
    page.get_by_role("button", name="Show").click()
    expect(headings).to_have_text(["France", "International"])  # a member state: the EU's 112
    expect(page.locator(".help-emergency a")).to_have_attribute("href", "tel:112")

    page.get_by_label("Show the services of your country").select_option(label="Norway")
    page.get_by_role("button", name="Show").click()
    expect(headings).to_have_text(["Norway", "International"])
    expect(page.locator(".help-none")).to_have_text(
        "We don't list services for this country yet: call your local emergency number."
    )
    # Nothing about the reader is kept, not even a cookie.
    assert reader.context.cookies() == []
    assert reader.errors == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE, SMALL_PHONE], ids=["desktop", "phone", "320"])
@pytest.mark.parametrize("path", ["/help/", "/help/?country=FR", ARTICLE])
def test_help_and_the_card_meet_wcag_22_aa(browsers, seeded_site, path, viewport):
    reader = axe_reader(browsers, viewport)
    assert reader.page.goto(path).status == 200
    problems = axe_violations(reader.page)
    assert not problems, "\n".join(problems)
    assert reader.errors == []
