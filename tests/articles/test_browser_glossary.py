"""Glossary marks in a real browser against a live server with the seed content: the keyboard
reaches a term's mark and opens its definition in place (no JavaScript: the page runs none),
the accessibility tree names the mark and the disclosure and ties them together, the mark leads
to the term's entry on /glossary/, the site's Content-Security-Policy stays whole (no console
error), and axe-core finds no WCAG 2.2 AA violation on the glossary or on pages with marks, at
desktop and phone sizes."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.support.axe import AXE, DESKTOP, PHONE, axe_reader, axe_violations
from tests.support.browser import CHROMIUM

# The Chromium fixtures (`browser`, `browsers`), shared by the browser test modules.
pytest_plugins = ["tests.support.browser_fixtures"]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Chromium at {CHROMIUM}"),
    pytest.mark.skipif(not AXE.exists(), reason=f"needs axe-core at {AXE}: run `npm ci`"),
    # live_server flushes the database after each test; serialized_rollback puts back what
    # the migrations created before the next one.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ARTICLE = "/articles/what-is-treatment-resistant-depression/"
TERM = "Treatment Resistant Depression"
SUMMARY = f"What “{TERM}” means"
DEFINITION_START = "Treatment Resistant Depression (TRD) is a term used to describe"


@pytest.fixture
def seeded_site(browsers):
    # After `browsers`, so the live server runs before the content it will serve exists.
    call_command("seed", verbosity=0)


def focused(page):
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return {tag: e.tagName.toLowerCase(), cls: e.className, text: e.textContent}; }"
    )


def tab_to(page, tag, cls="", limit=40):
    """Press Tab until the focus is on a `tag` element of class `cls`; what has focus then."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if now["tag"] == tag and now["cls"] == cls:
            return now
    raise AssertionError(f"{limit} presses of Tab never reached <{tag} class={cls!r}>")


def accessibility_nodes(visitor):
    """Chromium's accessibility tree of the page, as the nodes assistive technology gets."""
    session = visitor.context.new_cdp_session(visitor.page)
    return session.send("Accessibility.getFullAXTree")["nodes"]


def node(nodes, role, name):
    found = [
        n
        for n in nodes
        if n.get("role", {}).get("value") == role and n.get("name", {}).get("value") == name
    ]
    assert len(found) == 1, f"{len(found)} {role} nodes named {name!r}"
    return found[0]


def ancestors(nodes, node):
    by_id = {n["nodeId"]: n for n in nodes}
    found = []
    while node.get("parentId") in by_id:
        node = by_id[node["parentId"]]
        found.append(node["nodeId"])
    return found


def prop(node, name):
    for item in node.get("properties", []):
        if item["name"] == name:
            return item["value"]
    return None


def test_the_keyboard_reaches_a_mark_and_opens_its_definition_in_place(browsers, seeded_site):
    reader = browsers.reader()  # the site's own Content-Security-Policy
    page = reader.page
    page.goto(ARTICLE)
    definition = page.locator("details.term-definition .term-definition-text")
    expect(definition).to_be_hidden()

    assert tab_to(page, "a", "term")["text"] == TERM
    assert tab_to(page, "summary", limit=1)["text"] == SUMMARY
    page.keyboard.press("Enter")

    expect(definition).to_be_visible()
    expect(definition).to_contain_text(DEFINITION_START)
    assert page.url.endswith(ARTICLE)  # read without leaving the page
    page.keyboard.press("Enter")
    expect(definition).to_be_hidden()
    assert reader.errors == []


def test_the_accessibility_tree_names_the_mark_and_its_definition(browsers, seeded_site):
    reader = browsers.reader()
    page = reader.page
    page.goto(ARTICLE)

    snapshot = page.locator(".article-body").aria_snapshot()
    assert f'- link "{TERM}":\n    - /url: /glossary/#trd' in snapshot
    assert f"- group: {SUMMARY}" in snapshot
    nodes = accessibility_nodes(reader)
    mark = node(nodes, "link", TERM)
    disclosure = node(nodes, "DisclosureTriangle", SUMMARY)
    assert prop(disclosure, "expanded")["value"] is False
    # The mark points assistive technology at its details: the group holding the disclosure.
    details = prop(mark, "details")
    assert details, mark
    by_dom_node = {n["backendDOMNodeId"]: n for n in nodes if "backendDOMNodeId" in n}
    (related,) = [by_dom_node[r["backendDOMNodeId"]] for r in details["relatedNodes"]]
    assert related["role"]["value"] == "group"
    assert related["nodeId"] in ancestors(nodes, disclosure)

    page.get_by_role("group").filter(has_text=SUMMARY).locator("summary").click()
    assert DEFINITION_START in page.locator(".article-body").aria_snapshot()
    nodes = accessibility_nodes(reader)
    assert prop(node(nodes, "DisclosureTriangle", SUMMARY), "expanded")["value"] is True


def test_a_mark_leads_to_its_entry_on_the_glossary(browsers, seeded_site):
    reader = browsers.reader()
    page = reader.page
    page.goto(ARTICLE)
    tab_to(page, "a", "term")
    page.keyboard.press("Enter")

    page.wait_for_url("**/glossary/#trd")
    entry = page.locator("dt#trd")
    expect(entry).to_be_in_viewport()
    expect(entry).to_have_text("TRD")
    snapshot = page.locator("main").aria_snapshot()
    assert "- term: TRD" in snapshot
    assert "- definition:" in snapshot
    assert reader.errors == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("path", ["/glossary/", ARTICLE, "/treatments/ketamine/"])
def test_axe_finds_no_violation_on_the_glossary_or_pages_with_marks(
    browsers, seeded_site, path, viewport
):
    reader = axe_reader(browsers, viewport)
    page = reader.page
    assert page.goto(path).status == 200
    if path != "/glossary/":
        assert page.locator("a.term").count() == 1
    # Closed and open, as a reader may leave them.
    problems = axe_violations(page)
    summaries = page.locator("details:not([open]) > summary")
    for _ in range(summaries.count()):
        summaries.first.click()
    page.evaluate("window.scrollTo(0, 0)")
    problems += axe_violations(page)
    assert not problems, "\n".join(problems)
