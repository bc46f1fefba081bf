"""Citing and linking from inside the text, in a real browser under the admin's strict CSP:
typing [[ and a few letters lists the sources and pages that match under the cursor; ↓ ↑
choose, Enter or Tab puts the citation or link in, Escape leaves the text as typed; codes typed
in full never open it. At a wide screen and on a phone, with axe-core while the list is open."""

import pytest
from playwright.sync_api import expect

from articles.models import Source, Status
from tests.articles.test_browser_citing import VIEWPORTS, change_url, editor_at, shot
from tests.support.axe import axe_violations
from tests.support.browser import CHROMIUM, save
from tests.support.factories import make_article

pytest_plugins = ["tests.support.browser_fixtures"]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Chromium at {CHROMIUM}"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("size", VIEWPORTS)
def test_typing_double_brackets_suggests_sources_and_pages_at_the_cursor(browsers, series, size):
    first = make_article(series, number=1, title="Example First Page")
    second = make_article(series, number=2, status=Status.DRAFT, body="")
    alpha = Source.objects.create(title="Example Source Alpha", year=2020)
    Source.objects.create(title="Example Source Beta", year=2021)
    editor = editor_at(browsers, VIEWPORTS[size])
    page = editor.page
    page.goto(change_url(second))
    body = page.locator("#id_body")
    suggestions = page.get_by_role("listbox", name="Sources and pages to put in")
    options = suggestions.get_by_role("option")

    body.focus()
    body.press_sequentially("A claim.[[alph")
    expect(options).to_have_text([f"Cite: {alpha}"])
    # Under the cursor, on the screen, and what a screen reader is told is highlighted.
    box, area = suggestions.bounding_box(), body.bounding_box()
    assert area["y"] < box["y"] < area["y"] + area["height"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORTS[size]["width"]
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    expect(body).to_have_attribute("aria-activedescendant", options.first.get_attribute("id"))
    expect(body).to_be_focused()
    shot(page, f"suggestions-{size}")
    body.press("Enter")
    expect(body).to_have_value(f"A claim.[[cite {alpha.pk}]]")
    expect(suggestions).to_be_hidden()
    expect(page.locator(".markdownx-preview sup.cite a")).to_have_text(["[1]"])

    # Sources and pages together; ↓ then Tab takes the second, the page.
    body.press_sequentially(" See [[example")
    expect(options).to_have_count(4)  # Alpha, Beta, article #1, article #2 (this one)
    expect(options.nth(2)).to_have_text("Link: Article #1 Example First Page")
    body.press("ArrowDown")
    body.press("ArrowDown")
    expect(body).to_have_attribute("aria-activedescendant", options.nth(2).get_attribute("id"))
    body.press("Tab")
    expect(body).to_have_value(
        f"A claim.[[cite {alpha.pk}]] See [Example First Page](article:{first.pk})"
    )
    expect(body).to_be_focused()

    # Escape: the text stays as typed, and Enter is a line break again.
    body.press_sequentially(" [[alph")
    expect(options).to_have_count(1)
    body.press("Escape")
    expect(suggestions).to_be_hidden()
    body.press_sequentially("a")
    page.wait_for_timeout(600)  # longer than the search waits: it stays closed
    expect(suggestions).to_be_hidden()
    body.press("Enter")
    # Moving the caret away closes it too: Enter there is a line break.
    body.press_sequentially("[[alph")
    expect(options).to_have_count(1)
    body.press("ArrowLeft")
    expect(suggestions).to_be_hidden()
    body.press("End")
    body.press("Enter")
    # Codes typed in full look nothing up.
    body.press_sequentially(f"[[cite {alpha.pk}]] [[treatments]]")
    page.wait_for_timeout(600)
    expect(suggestions).to_be_hidden()
    expect(body).to_have_value(
        f"A claim.[[cite {alpha.pk}]] See [Example First Page](article:{first.pk}) [[alpha\n"
        f"[[alph\n[[cite {alpha.pk}]] [[treatments]]"
    )
    body.fill(f"A claim.[[cite {alpha.pk}]]")
    save(page)
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert editor.errors == []


@pytest.mark.parametrize("size", VIEWPORTS)
def test_the_form_with_suggestions_open_meets_wcag_22_aa(browsers, series, size):
    make_article(series, number=1, title="Example First Page")
    second = make_article(series, number=2, status=Status.DRAFT, body="")
    Source.objects.create(title="Example Source Alpha", year=2020)
    page = editor_at(browsers, VIEWPORTS[size], bypass_csp=True).page
    page.goto(change_url(second))
    body = page.locator("#id_body")
    body.focus()
    body.press_sequentially("Text [[example")
    expect(page.locator(".editor-suggestions [role=option]")).to_have_count(3)

    problems = [
        line
        for line in axe_violations(page)
        if ("(serious)" in line or "(critical)" in line)
        # Django's own autocomplete (select2), as in test_browser_citing.py.
        and "select2-id_author-container" not in line
        and "select2-id_reviewer-container" not in line
    ]
    assert problems == [], "\n".join(problems)
