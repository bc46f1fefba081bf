"""“Link to a page” beside the Markdown editor, in a real browser under the admin's strict
CSP: find another page without leaving the form, pick it with the keyboard, and the link goes
in at the cursor (on the selected words, or with the page's title); at a wide screen and on a
phone, with axe-core on the form while the search is open."""

import pytest
from playwright.sync_api import expect

from articles.models import Status
from tests.articles.test_browser_citing import VIEWPORTS, change_url, editor_at, shot
from tests.support.axe import axe_violations
from tests.support.browser import CHROMIUM, save
from tests.support.factories import make_article, make_treatment

pytest_plugins = ["tests.support.browser_fixtures"]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Chromium at {CHROMIUM}"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("size", VIEWPORTS)
def test_an_editor_links_selected_words_to_another_page_by_keyboard(browsers, series, size):
    first = make_article(series, number=1, title="Example [First] Page")
    second = make_article(series, number=2, status=Status.DRAFT, body="See the first page. ")
    ketamine = make_treatment("example-ketamine", name="Example Ketamine")
    editor = editor_at(browsers, VIEWPORTS[size])
    page = editor.page
    page.goto(change_url(second))
    body = page.locator("#id_body")
    search = page.get_by_role("combobox", name="Link to a page in Body")
    expect(search).to_be_visible()

    # "the first page" selected by keyboard; the selection stays while the search has focus.
    body.focus()
    page.keyboard.press("Control+Home")
    for _ in range(len("See ")):
        page.keyboard.press("ArrowRight")
    for _ in range(len("the first page")):
        page.keyboard.press("Shift+ArrowRight")
    search.focus()
    search.press_sequentially("#1")
    options = page.locator(".link-picker [role=option]")
    expect(options).to_have_text(["Article #1 Example [First] Page"])
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    shot(page, f"link-search-{size}", page.locator(".link-picker"))
    search.press("Enter")  # the one match

    expect(body).to_have_value(f"See [the first page](article:{first.pk}). ")
    expect(body).to_be_focused()
    # The preview names the page a link goes to (its links lead nowhere).
    expect(page.locator(".markdownx-preview a", has_text="the first page")).to_have_attribute(
        "title", f"Link to article {first.pk}"
    )

    # Nothing selected: the page's title is the link's words, its brackets kept as text.
    page.keyboard.press("End")
    search.focus()
    search.press_sequentially("ketamine")
    expect(options).to_have_count(1)
    search.press("ArrowDown")
    expect(search).to_have_attribute("aria-activedescendant", options.first.get_attribute("id"))
    search.press("Enter")
    expect(body).to_have_value(
        f"See [the first page](article:{first.pk}). [Example Ketamine](treatment:{ketamine.pk})"
    )
    page.keyboard.type(" and [")
    search.focus()
    search.fill("Example [First]")
    expect(options).to_have_count(1)
    search.press("Enter")
    expect(body).to_have_value(
        f"See [the first page](article:{first.pk}). "
        f"[Example Ketamine](treatment:{ketamine.pk}) and "
        f"[[Example \\[First\\] Page](article:{first.pk})"
    )
    save(page)
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert editor.errors == []


@pytest.mark.parametrize("size", VIEWPORTS)
def test_the_form_with_the_link_search_open_meets_wcag_22_aa(browsers, series, size):
    make_article(series, number=1, title="Example First Page")
    make_article(series, number=3, title="Example Third Page")
    second = make_article(series, number=2, status=Status.DRAFT, body="Example text.")
    page = editor_at(browsers, VIEWPORTS[size], bypass_csp=True).page
    page.goto(change_url(second))
    search = page.get_by_role("combobox", name="Link to a page in Body")
    search.press_sequentially("Example")
    expect(page.locator(".link-picker [role=option]")).to_have_count(3)
    search.press("ArrowDown")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    shot(page, f"link-form-{size}", page.locator("#content"))

    problems = [
        line
        for line in axe_violations(page)
        if ("(serious)" in line or "(critical)" in line)
        # Django's own autocomplete (select2), as in test_browser_citing.py.
        and "select2-id_author-container" not in line
        and "select2-id_reviewer-container" not in line
    ]
    assert problems == [], "\n".join(problems)
