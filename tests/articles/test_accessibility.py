"""WCAG 2.2 AA on the public pages, in a real browser against a live server with the seed
content: axe-core finds no violations at desktop and phone sizes and in dark mode, no page logs
a console error, the skip link is the first stop of the keyboard and takes it to the main
content, and nothing scrolls sideways at 320 CSS pixels (WCAG 1.4.10, reflow)."""

from datetime import date
from pathlib import Path
from urllib.parse import urldefrag

import pytest
from django.conf import settings
from django.core.management import call_command

from articles.models import Article, EditorialPolicy, Person
from tests.support.browser import CHROMIUM, TIMEOUT_MS, Visitor

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"

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

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
AXE_RUN = "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"

PAGES = {
    "home": "/",
    "article": "/articles/what-is-treatment-resistant-depression/",
    "treatments": "/treatments/",
    "treatment": "/treatments/ketamine/",
    "search": "/search/?q=depression",
    "person": "/people/example-author/",
    "editorial-policy": "/editorial-policy/",
    "privacy": "/privacy/",
    "help": "/help/",
    "glossary": "/glossary/",
    "not-found": "/no-such-page/",
}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
NARROWEST = {"width": 320, "height": 640}  # WCAG 1.4.10: 320 CSS pixels wide, no sideways scroll
# Chromium's console line for a document the server answers with 404: expected there only.
NOT_FOUND = "Failed to load resource: the server responded with a status of 404 (Not Found)"


@pytest.fixture
def seeded_site(browsers):
    # After `browsers`, so the live server runs before the content it will serve exists.
    call_command("seed", verbosity=0)
    # What the seed lacks: people credited on the article (their pages, the linked byline) and
    # a published editorial policy (its page, and the links to it).
    article = Article.objects.get(slug="what-is-treatment-resistant-depression")
    article.author = Person.objects.create(
        name="Example Author",
        role="Example series editor",
        bio="Example bio, with [a link](https://example.org/) and *emphasis*.",
        conflicts_of_interest="Example declaration.",
    )
    article.reviewer = Person.objects.create(
        name="Dr Example Reviewer", credentials="example psychiatrist"
    )
    article.last_reviewed = date(2026, 1, 2)
    article.save()
    EditorialPolicy.objects.create(
        text="## Example heading\n\nExample policy text.\n\n- Example point", published=True
    )


def serve_media(route):
    """Answer /media/ as the production web server does; Django serves it only with DEBUG on,
    and these tests run with DEBUG off (the friendly 404 page)."""
    media_root = Path(settings.MEDIA_ROOT).resolve()
    name = route.request.url.split(settings.MEDIA_URL, 1)[1].split("?")[0]
    file = (media_root / name).resolve()
    if file.is_relative_to(media_root) and file.is_file():
        route.fulfill(path=file)
    else:
        route.fulfill(status=404)


def reader(browsers, viewport, color_scheme="light"):
    """Someone not signed in, with a screen of `viewport` size and `color_scheme`."""
    # bypass_csp: axe-core is injected as an inline script, which the site's policy refuses
    # (as it should); the other browser tests keep the policy on.
    context = browsers.browser.new_context(
        base_url=browsers.base_url, viewport=viewport, color_scheme=color_scheme, bypass_csp=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.route(f"{browsers.base_url}{settings.MEDIA_URL}**", serve_media)
    browsers.contexts.append(context)
    return Visitor(context, context.new_page())


def open_page(visitor, name):
    """Load page `name` afresh. Problems: an unexpected status, or a search with no results."""
    response = visitor.page.goto(PAGES[name])
    expected = 404 if name == "not-found" else 200
    if response.status != expected:
        return [f"{PAGES[name]} answered {response.status}, not {expected}"]
    if name == "search" and not visitor.page.locator(".search-results li").count():
        return [f"{PAGES[name]} found nothing, so its list of results went unchecked"]
    return []


def load_lazy_images(page):
    """Bring every lazy image into view so that it loads (and any error it causes is logged)
    before the page is checked, then go back to the top."""
    images = page.locator("img")
    for index in range(images.count()):
        images.nth(index).scroll_into_view_if_needed()
    page.wait_for_function("() => [...document.images].every(image => image.complete)")
    page.evaluate("window.scrollTo(0, 0)")


def open_disclosures(page):
    """Open every <details> (the helplines) as a reader would, so that what they hide is
    checked too."""
    summaries = page.locator("details:not([open]) > summary")
    for _ in range(summaries.count()):
        summaries.first.click()


def axe_violations(page):
    """axe-core's WCAG 2.2 A and AA violations on the page, one readable line per element."""
    page.add_script_tag(path=AXE)
    results = page.evaluate(AXE_RUN, WCAG_22_AA)
    return [
        f"axe {violation['id']} ({violation['impact']}) at {node['target']}: {violation['help']}"
        f" ({violation['helpUrl']})\n    " + node["failureSummary"].replace("\n", "\n    ")
        for violation in results["violations"]
        for node in violation["nodes"]
    ]


def skip_link_problems(page):
    """From a fresh load: the first Tab reaches a visible skip link, and Enter on it moves focus
    to the main content."""
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => { const e = document.activeElement;"
        " return {skipLink: e.matches('a.skip-link'), text: e.textContent.trim()}; }"
    )
    if not focused["skipLink"] or focused["text"] != "Skip to main content":
        return [f"the first Tab focused {focused['text']!r}, not the skip link"]
    problems = []
    box = page.locator("a.skip-link").bounding_box()
    viewport = page.viewport_size
    inside = box and (
        box["width"] > 0
        and box["height"] > 0
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= viewport["width"]
        and box["y"] + box["height"] <= viewport["height"]
    )
    if not inside:
        problems.append(f"the focused skip link is not visible in the viewport: {box}")
    page.keyboard.press("Enter")
    focused_id = page.evaluate("document.activeElement.id")
    if focused_id != "main":
        problems.append(f"Enter on the skip link focused #{focused_id!r}, not main#main")
    return problems


def console_problems(visitor, name):
    # The page's own address, without the #main that the skip link may have added.
    expected = [(urldefrag(visitor.page.url).url, NOT_FOUND)] if name == "not-found" else []
    if visitor.errors == expected:
        return []
    return [f"console error or uncaught exception: {error}" for error in visitor.errors]


def check_page(visitor, name, keyboard=True):
    """Everything wrong with page `name` for this visitor, as readable lines."""
    page = visitor.page
    problems = open_page(visitor, name)
    if keyboard:
        problems += skip_link_problems(page)
    load_lazy_images(page)
    open_disclosures(page)
    problems += axe_violations(page)
    problems += console_problems(visitor, name)
    return problems


def report(problems, where):
    return f"{len(problems)} accessibility problem(s) on {where}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("name", PAGES)
def test_page_meets_wcag_22_aa(browsers, seeded_site, name, viewport):
    problems = check_page(reader(browsers, viewport), name)
    assert not problems, report(problems, f"{PAGES[name]} at {viewport}")


@pytest.mark.parametrize("name", PAGES)
def test_page_meets_wcag_22_aa_in_dark_mode(browsers, seeded_site, name):
    problems = check_page(reader(browsers, PHONE, color_scheme="dark"), name, keyboard=False)
    assert not problems, report(problems, f"{PAGES[name]} at {PHONE}, dark mode")


def test_no_page_scrolls_sideways_at_320_pixels(browsers, seeded_site):
    visitor = reader(browsers, NARROWEST)
    problems = []
    for name, path in PAGES.items():
        problems += open_page(visitor, name)
        load_lazy_images(visitor.page)
        open_disclosures(visitor.page)
        widths = visitor.page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if widths[0] > widths[1]:
            problems.append(f"{path} is {widths[0]} pixels wide in a {widths[1]}-pixel window")
    assert not problems, report(problems, "a 320-pixel-wide screen")
