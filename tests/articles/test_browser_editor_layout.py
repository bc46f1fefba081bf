"""The editor's layout in a real browser: editor and preview side by side on a wide screen, the
preview following the caret; nothing wider than a phone's screen on the pages editors use; and
axe-core finds no serious or critical violation on them at either size."""

import pytest
import reversion
from playwright.sync_api import expect

from articles.models import Person, Status
from tests.support.axe import AXE, axe_violations
from tests.support.browser import CHROMIUM, PASSWORD, TIMEOUT_MS, Visitor
from tests.support.factories import add_treatments, make_article, make_staff, make_treatment

pytest_plugins = ["tests.support.browser_fixtures"]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Chromium at {CHROMIUM}"),
    pytest.mark.skipif(not AXE.exists(), reason=f"needs axe-core at {AXE}: run `npm ci`"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
LONG_TITLE = (
    "Example article with a long title that goes on for quite a while, as some titles do, "
    "to see it wrap"
)
LONG_LINE = "Example sentence in a long paragraph without a line break. " * 12
UNBROKEN = "example-" + "x" * 90
TABLE = (
    "| Example column one | Example column two | Example column three | Example column four |\n"
    "|---|---|---|---|\n"
    f"| {UNBROKEN} | Example cell | Example cell | Example cell |"
)
SECTIONS = "\n\n".join(
    f"## Example section {n}\n\n" + f"Example sentence {n} of this section. " * 30
    for n in range(2, 13)
)
BODY = f"## Example first section\n\n{LONG_LINE}\n\n{TABLE}\n\n{SECTIONS}"


def versioned(page, **changes):
    for name, value in changes.items():
        setattr(page, name, value)
    with reversion.create_revision():
        page.save()


@pytest.fixture
def pages(series):
    """A realistic draft article (long title and lines, a table, a treatment listed, several
    versions) and a treatment with versions."""
    treatment = make_treatment(
        "example-treatment",
        name=f"Example treatment {UNBROKEN}",
        summary=LONG_LINE,
        status=Status.DRAFT,
    )
    versioned(treatment, body=LONG_LINE)
    versioned(treatment, body=f"{LONG_LINE}\n\n{TABLE}")
    article = make_article(
        series, 2, title=LONG_TITLE, summary=LONG_LINE[:290], body=BODY, status=Status.DRAFT
    )
    add_treatments(article, [treatment])
    Person.objects.create(name="Example Reviewer", credentials="example credentials")
    for n in range(3):
        versioned(article, body=f"{BODY}\n\nExample added paragraph {n}. {UNBROKEN}")
    return article, treatment


# Violations in Django's own admin widgets, which these pages use as Django makes them: the
# autocomplete (select2) box has no accessible name; the date and time inputs of a split
# date-time field, and the position and delete boxes of a tabular inline row, have only the
# column's or the field's label, not one of their own.
DJANGO_OWN = [
    ("aria-input-field-name", "select2-"),
    ("label", "#id_publish_at_0"),
    ("label", "#id_publish_at_1"),
    ("label", "-position'"),
    ("label", "-DELETE'"),
]


def serious(line):
    """Whether an axe violation line is serious or critical and not in Django's own widgets."""
    if " (serious) at " not in line and " (critical) at " not in line:
        return False
    rule, target = line.split(" ", 2)[1], line.split(" at ", 1)[1].split("]")[0]
    return not any(rule == known and part in target for known, part in DJANGO_OWN)


def signed_in(browsers, viewport, bypass_csp=False):
    """A publisher with a screen of `viewport` size; axe-core needs `bypass_csp` (it is
    injected as an inline script)."""
    if not hasattr(browsers, "publisher"):
        browsers.publisher = make_staff("example-publisher", "Publishers")
    context = browsers.browser.new_context(
        base_url=browsers.base_url, viewport=viewport, bypass_csp=bypass_csp
    )
    context.set_default_timeout(TIMEOUT_MS)
    browsers.contexts.append(context)
    visitor = Visitor(context, context.new_page())
    visitor.page.goto("/admin/login/")
    visitor.page.fill("#id_username", "example-publisher")
    visitor.page.fill("#id_password", PASSWORD)
    visitor.page.click("input[type=submit]")
    expect(visitor.page.locator("#user-tools")).to_be_visible()
    return visitor


def addresses(article, treatment):
    def admin(model, pk, view):
        return f"/admin/articles/{model}/{pk}/{view}/"

    return {
        "article change form": admin("article", article.pk, "change"),
        "treatment change form": admin("treatment", treatment.pk, "change"),
        "review queue": "/admin/articles/article/review-queue/",
        "history": admin("article", article.pk, "history"),
        "compare": admin("article", article.pk, "history"),
    }


def open_page(page, name, url):
    page.goto(url)
    if name == "compare":
        # The two latest versions, as the history page offers them.
        with page.expect_navigation():
            page.click("#change-history input[type=submit]")
        expect(page.locator(".version-changes")).to_be_visible()
    if "change form" in name:
        expect(page.locator(".markdownx-preview").first).not_to_be_empty()


def test_editor_and_preview_side_by_side_and_the_preview_follows_the_caret(browsers, pages):
    article, _ = pages
    editor = signed_in(browsers, WIDE)
    page = editor.page
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    textarea = page.locator("#id_body")
    preview = page.locator(".field-body .markdownx-preview")
    expect(preview.locator("h2").first).to_have_text("Example first section")
    textarea.scroll_into_view_if_needed()

    text_box, preview_box = textarea.bounding_box(), preview.bounding_box()
    assert text_box["x"] + text_box["width"] <= preview_box["x"]
    for box in (text_box, preview_box):
        assert box["width"] > 400
        assert box["y"] >= 0 and box["y"] + box["height"] <= WIDE["height"]
    # Fixed panes that scroll on their own: the text is far longer than the box.
    assert textarea.evaluate("el => el.scrollHeight > el.clientHeight + 500")
    assert preview.evaluate("el => el.scrollHeight > el.clientHeight + 500")

    assert preview.evaluate("el => el.scrollTop") == 0
    position = BODY.index("## Example section 9") + 3
    textarea.evaluate(f"el => {{ el.focus(); el.setSelectionRange({position}, {position}); }}")
    textarea.press("ArrowRight")

    heading = preview.locator("h2", has_text="Example section 9")
    page.wait_for_function(
        "([pane, heading]) => { const p = pane.getBoundingClientRect(), "
        "h = heading.getBoundingClientRect(); return h.top >= p.top && h.bottom <= p.bottom; }",
        arg=[preview.element_handle(), heading.element_handle()],
    )
    assert preview.evaluate("el => el.scrollTop") > 1000
    # Back at the start, the preview shows the start.
    textarea.press("Control+Home")
    page.wait_for_function("el => el.scrollTop === 0", arg=preview.element_handle())
    assert editor.errors == []


def test_the_summary_is_a_box_of_several_lines_that_keeps_one_paragraph(browsers, pages):
    article, _ = pages
    page = signed_in(browsers, WIDE).page
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    summary = page.locator("textarea#id_summary")
    title = page.locator("#id_title")

    expect(summary).to_have_value(LONG_LINE[:290])
    # The whole summary shows; so does the whole title.
    assert summary.evaluate("el => el.scrollHeight <= el.clientHeight + 2")
    assert title.evaluate("el => el.scrollWidth <= el.clientWidth")


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["wide", "phone"])
def test_no_page_is_wider_than_the_screen_and_axe_finds_nothing_serious(browsers, pages, viewport):
    page = signed_in(browsers, viewport, bypass_csp=True).page
    problems = []
    for name, url in addresses(*pages).items():
        open_page(page, name, url)
        scroll_width, inner_width = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        if scroll_width > inner_width:
            problems.append(f"{name}: {scroll_width}px wide on a {inner_width}px screen")
        problems += [f"{name}: {line}" for line in axe_violations(page) if serious(line)]
    assert problems == [], "\n".join(problems)
