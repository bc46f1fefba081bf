"""Citing and ordering in a real browser, under the admin's strict CSP: the "Cite a source"
search beside the editor (pick with the keyboard, inserted at the cursor, the preview shows the
page's number), and the ordered lists reordered by drag and by keyboard; axe-core on the form
with these controls, on a wide screen and on a phone."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from articles.models import ArticleReference, Source, Status
from tests.support.axe import axe_violations
from tests.support.browser import CHROMIUM, PASSWORD, TIMEOUT_MS, Visitor, save
from tests.support.factories import add_treatments, make_article, make_staff, make_treatment

pytest_plugins = ["tests.support.browser_fixtures"]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Chromium at {CHROMIUM}"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
VIEWPORTS = {"wide": WIDE, "phone": PHONE}
# Set SHOTS_DIR to keep screenshots of the controls for a look.
SHOTS = os.environ.get("SHOTS_DIR")


def editor_at(browsers, viewport, username="example-editor", bypass_csp=False):
    """An editor signed in, with a screen of `viewport` size. `bypass_csp` only for axe-core,
    which is injected as an inline script."""
    make_staff(username, "Editors")
    context = browsers.browser.new_context(
        base_url=browsers.base_url, viewport=viewport, bypass_csp=bypass_csp
    )
    context.set_default_timeout(TIMEOUT_MS)
    browsers.contexts.append(context)
    visitor = Visitor(context, context.new_page())
    page = visitor.page
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    return visitor


def shot(page, name, locator=None):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        (locator or page).screenshot(path=f"{SHOTS}/{name}.png")


def change_url(page_obj):
    return f"/admin/articles/{page_obj._meta.model_name}/{page_obj.pk}/change/"


@pytest.fixture
def sources(db):
    return [
        Source.objects.create(title=f"Example Source {name}", year=2020)
        for name in ("Alpha", "Beta", "Gamma")
    ]


@pytest.mark.parametrize("size", VIEWPORTS)
def test_an_editor_finds_a_source_and_cites_it_at_the_cursor(browsers, series, sources, size):
    alpha, beta, gamma = sources
    article = make_article(series, status=Status.DRAFT, body="First sentence. Second sentence.")
    ArticleReference.objects.create(article=article, reference=alpha, position=1)
    editor = editor_at(browsers, VIEWPORTS[size])
    page = editor.page
    page.goto(change_url(article))
    body = page.locator("#id_body")
    search = page.get_by_role("combobox", name="Cite a source in Body")
    expect(search).to_be_visible()

    # The cursor after "First sentence.", by keyboard.
    body.focus()
    page.keyboard.press("Control+Home")
    for _ in range(len("First sentence.")):
        page.keyboard.press("ArrowRight")
    search.focus()
    search.press_sequentially("Gamma")
    options = page.locator(".cite-picker [role=option]")
    expect(options).to_have_count(1)
    expect(search).to_have_attribute("aria-expanded", "true")
    shot(page, f"cite-search-{size}", page.locator(".cite-picker"))
    search.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(search).to_have_attribute("aria-activedescendant", options.first.get_attribute("id"))
    search.press("Enter")

    expect(body).to_have_value(f"First sentence.[[cite {gamma.pk}]] Second sentence.")
    expect(body).to_be_focused()
    expect(page.locator(".cite-picker-status")).to_have_text(f"Inserted [[cite {gamma.pk}]].")
    preview = page.locator(".markdownx-preview sup.cite a")
    expect(preview).to_have_text(["[1]"])
    shot(page, f"cite-inserted-{size}")

    # A number finds its source too; the new citation is [2] in the preview, as on the page.
    page.keyboard.press("End")
    search.focus()
    search.fill(str(alpha.pk))
    expect(options).to_have_count(1)
    search.press("ArrowDown")
    search.press("Enter")
    expect(preview).to_have_text(["[1]", "[2]"])

    save(page)
    expect(page.locator(".messagelist .success")).to_be_visible()
    # Gamma, cited but not listed, was added at the end.
    assert [row.reference_id for row in article.source_links.all()] == [alpha.pk, gamma.pk]
    assert editor.errors == []


def test_a_treatments_preview_numbers_on_from_its_summary_into_its_body(browsers, sources):
    alpha, beta, _ = sources
    treatment = make_treatment(
        "example-numbered",
        status=Status.DRAFT,
        summary=f"Summary.[[cite {beta.pk}]]",
        body=f"Body.[[cite {alpha.pk}]] Again.[[cite {beta.pk}]]",
    )
    editor = editor_at(browsers, WIDE)
    page = editor.page
    page.goto(change_url(treatment))

    cites = page.locator(".markdownx-preview sup.cite a")
    expect(cites).to_have_text(["[1]", "[2]", "[1]"])
    page.locator("#id_summary").fill("Summary without citations.")
    expect(cites).to_have_text(["[1]", "[2]"])
    assert editor.errors == []


def rows_of(page, prefix):
    return page.locator(f"#{prefix}-group tbody tr.has_original")


@pytest.mark.parametrize("size", VIEWPORTS)
def test_ordered_lists_reorder_by_keyboard(browsers, series, sources, size):
    article = make_article(series, status=Status.DRAFT)
    treatments = [make_treatment(f"example-{n}", name=f"Example Treatment {n}") for n in "ABC"]
    add_treatments(article, treatments)
    for position, source in enumerate(sources, 1):
        ArticleReference.objects.create(article=article, reference=source, position=position)
    editor = editor_at(browsers, VIEWPORTS[size])
    page = editor.page
    page.goto(change_url(article))

    last = rows_of(page, "source_links").nth(2)
    up = last.get_by_role("button", name="Move up: [")
    up.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#source_links-group [role=status]")).to_contain_text("position 2 of 3")
    page.keyboard.press("Space")  # the focus stays on the moved row's button
    expect(page.locator("#source_links-group [role=status]")).to_contain_text("position 1 of 3")
    expect(rows_of(page, "source_links").first).to_contain_text("Example Source Gamma")
    treatment_rows = rows_of(page, "treatment_links")
    treatment_rows.first.get_by_role("button", name="Move down").press("Enter")
    expect(treatment_rows.nth(1)).to_contain_text("Example Treatment A")
    shot(page, f"reorder-keyboard-{size}", page.locator("#source_links-group"))
    save(page)

    expect(page.locator(".messagelist .success")).to_be_visible()
    order = [row.reference.title for row in article.source_links.all()]
    assert order == ["Example Source Gamma", "Example Source Alpha", "Example Source Beta"]
    assert [row.treatment.name for row in article.treatment_links.all()] == [
        "Example Treatment B",
        "Example Treatment A",
        "Example Treatment C",
    ]
    assert editor.errors == []


@pytest.mark.parametrize("size", VIEWPORTS)
def test_choosing_in_the_last_row_opens_the_next_one_ready(browsers, series, size):
    """Treatments listed by keyboard alone: name, Enter, name, Enter, Escape."""
    article = make_article(series, status=Status.DRAFT)
    for n in "ABC":
        make_treatment(f"example-{n.lower()}", name=f"Example Treatment {n}")
    editor = editor_at(browsers, VIEWPORTS[size])
    page = editor.page
    page.goto(change_url(article))
    search = page.locator(".select2-container--open .select2-search__field")

    page.get_by_role("button", name="Add another treatment listed in this article").press("Enter")
    for name in ("Example Treatment C", "Example Treatment A"):
        expect(search).to_be_focused()
        search.press_sequentially(name.rpartition(" ")[2] + " ")
        expect(page.locator(".select2-results__option--highlighted")).to_have_text(name)
        search.press("Enter")
    # A third row is open, its search ready; the editor is done.
    rows = page.locator("#treatment_links-group tbody tr.form-row:not(.empty-form)")
    expect(rows).to_have_count(3)
    expect(search).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    shot(page, f"next-row-open-{size}", page.locator("#treatment_links-group"))
    search.press("Escape")
    expect(page.locator(".select2-container--open")).to_have_count(0)
    # The focus stays on the new row's box, outlined where the keyboard is.
    chosen = rows.nth(2).locator(".select2-selection")
    expect(chosen).to_be_focused()
    assert chosen.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    # Choosing again in a row that is not the last opens no other row.
    rows.first.locator(".select2-selection").press("Enter")
    search.press_sequentially("Treatment B")
    expect(page.locator(".select2-results__option--highlighted")).to_have_text(
        "Example Treatment B"
    )
    search.press("Enter")
    expect(rows).to_have_count(3)
    save(page)

    expect(page.locator(".messagelist .success")).to_be_visible()
    # The row left empty was not saved, and asked for nothing.
    assert [row.treatment.name for row in article.treatment_links.all()] == [
        "Example Treatment B",
        "Example Treatment A",
    ]
    assert editor.errors == []


def test_ordered_lists_reorder_by_drag(browsers, series, sources):
    article = make_article(series, status=Status.DRAFT)
    for position, source in enumerate(sources, 1):
        ArticleReference.objects.create(article=article, reference=source, position=position)
    editor = editor_at(browsers, WIDE)
    page = editor.page
    page.goto(change_url(article))

    rows = rows_of(page, "source_links")
    # The row's top line is its drag handle (django-admin-sortable2).
    rows.nth(2).locator("td.original p").drag_to(
        rows.nth(0).locator("td.original p"), target_position={"x": 20, "y": 2}
    )
    expect(rows.first).to_contain_text("Example Source Gamma")
    save(page)

    order = [row.reference.title for row in article.source_links.all()]
    assert order == ["Example Source Gamma", "Example Source Alpha", "Example Source Beta"]
    assert editor.errors == []


@pytest.mark.parametrize("size", VIEWPORTS)
def test_the_change_form_with_these_controls_meets_wcag_22_aa(browsers, series, sources, size):
    article = make_article(series, status=Status.DRAFT, body="Example text.")
    add_treatments(article, [make_treatment("example-a"), make_treatment("example-b")])
    for position, source in enumerate(sources, 1):
        ArticleReference.objects.create(article=article, reference=source, position=position)
    page = editor_at(browsers, VIEWPORTS[size], bypass_csp=True).page
    page.goto(change_url(article))
    search = page.get_by_role("combobox", name="Cite a source in Body")
    search.press_sequentially("Example")
    expect(page.locator(".cite-picker [role=option]")).to_have_count(3)
    search.press("ArrowDown")
    shot(page, f"change-form-{size}", page.locator("#content"))

    problems = [
        line
        for line in axe_violations(page)
        if ("(serious)" in line or "(critical)" in line)
        # Django's own autocomplete (select2) names an empty author or reviewer by its empty
        # value: not these controls', and noted for a fix of its own.
        and "select2-id_author-container" not in line
        and "select2-id_reviewer-container" not in line
    ]
    assert problems == [], "\n".join(problems)
