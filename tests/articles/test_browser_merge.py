"""Two editors saving the same article, in a real browser: the form that asks which to keep
works with its JavaScript under the admin's policy, fits a desktop and a phone screen, and
passes axe (articles/admin/save_merge.py; the same flows without a browser:
test_merge_conflicts.py)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from articles.models import Status
from tests.support.admin_forms import form_data, save_via_admin
from tests.support.axe import AXE, PHONE, WCAG_22_AA
from tests.support.browser import CHROMIUM, PASSWORD, TIMEOUT_MS, Visitor, save
from tests.support.factories import client_for, make_article, make_staff

pytest_plugins = ["tests.support.browser_fixtures"]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Chromium at {CHROMIUM}"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDE = {"width": 1366, "height": 900}
BODY = "Example first paragraph.\n\nExample second paragraph.\n\nExample third paragraph."
SHOTS = Path("/tmp/w15a-shots")  # noqa: S108 - screenshots to look at while working


def editor_at(browsers, viewport, bypass_csp=False):
    """Bob, an editor, signed in with a screen of `viewport` size. bypass_csp only where axe
    (an inline script) is injected."""
    make_staff("bob", "Editors", first_name="Bob")
    context = browsers.browser.new_context(
        base_url=browsers.base_url, viewport=viewport, bypass_csp=bypass_csp
    )
    context.set_default_timeout(TIMEOUT_MS)
    browsers.contexts.append(context)
    bob = Visitor(context, context.new_page())
    bob.page.goto("/admin/login/")
    bob.page.fill("#id_username", "bob")
    bob.page.fill("#id_password", PASSWORD)
    bob.page.click("input[type=submit]")
    expect(bob.page.locator("#user-tools")).to_contain_text("Bob")
    return bob


def crossed_saves(browsers, series, viewport, bypass_csp=False):
    """Bob opens the article; Alice saves a change to its first and second paragraphs; Bob
    changes the second paragraph too and saves: he is asked."""
    alice = client_for(make_staff("alice", "Editors", first_name="Alice"))
    article = make_article(series, status=Status.DRAFT, body=BODY)
    save_via_admin(alice, article)  # its history now has the version both open
    bob = editor_at(browsers, viewport, bypass_csp)
    bob.page.goto(f"/admin/articles/article/{article.pk}/change/")

    url = f"/admin/articles/article/{article.pk}/change/"
    data = form_data(alice.get(url))
    data["body"] = BODY.replace("first", "first (Alice)").replace("second", "second (Alice)")
    assert alice.post(url, data).status_code == 302

    bob.page.fill("#id_body", BODY.replace("second", "second (Bob)"))
    save(bob.page)
    expect(bob.page.locator(".errornote")).to_be_visible()
    return article, bob


def test_bob_chooses_to_combine_both_and_saves(browsers, series):
    article, bob = crossed_saves(browsers, series, WIDE)
    page = bob.page

    expect(page.locator(".errorlist").first).to_contain_text(
        "one paragraph of Body was changed by both of you: choose which to keep."
    )
    block = page.locator(".merge-block")
    expect(block).to_have_count(1)
    expect(block.locator(".merge-theirs")).to_contain_text("Example second (Alice) paragraph.")
    expect(block.locator(".merge-yours")).to_contain_text("Example second (Bob) paragraph.")
    expect(block.locator(".merge-theirs mark")).to_have_text("Alice")
    # The combined text shows only once "Edit" is chosen (merge_conflicts.js).
    edit_box = block.get_by_label("Combined text", exact=False)
    expect(edit_box).to_be_hidden()
    page.get_by_label("Edit: combine both").check()
    expect(edit_box).to_be_visible()
    expect(edit_box).to_be_focused()
    edit_box.fill("Example second (Alice and Bob) paragraph.")
    save(page)

    expect(page.locator(".messagelist .success")).to_be_visible()
    article.refresh_from_db()
    assert article.body.replace("\r\n", "\n") == (  # a browser sends Windows line ends
        "Example first (Alice) paragraph.\n\nExample second (Alice and Bob) paragraph.\n\n"
        "Example third paragraph."
    )
    assert bob.errors == []


def test_keeping_mine_by_keyboard_marks_the_kept_side(browsers, series):
    article, bob = crossed_saves(browsers, series, WIDE)
    page = bob.page
    mine = page.get_by_label("Keep mine")
    mine.focus()
    page.keyboard.press("Space")
    expect(mine).to_be_checked()
    expect(page.locator(".merge-yours")).to_have_class("merge-side merge-yours is-chosen")
    save(page)
    expect(page.locator(".messagelist .success")).to_be_visible()
    article.refresh_from_db()
    assert "second (Bob)" in article.body and "first (Alice)" in article.body
    assert bob.errors == []


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["desktop", "phone"])
def test_the_conflict_form_fits_the_screen_and_passes_axe(browsers, series, viewport):
    _, bob = crossed_saves(browsers, series, viewport, bypass_csp=True)
    page = bob.page
    page.get_by_label("Edit: combine both").check()  # everything it can show, shown

    SHOTS.mkdir(exist_ok=True)
    page.locator(".merge-conflicts").screenshot(path=SHOTS / f"conflict-{viewport['width']}.png")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    serious = [
        line for line in section_violations(page) if "(serious)" in line or "(critical)" in line
    ]
    assert serious == []


def section_violations(page):
    """axe-core's WCAG 2.2 A and AA violations in the conflict section (the rest of the form
    is the admin's own, checked elsewhere)."""
    page.add_script_tag(path=AXE)
    results = page.evaluate(
        "tags => axe.run(document.querySelector('.merge-conflicts'),"
        " {runOnly: {type: 'tag', values: tags}})",
        WCAG_22_AA,
    )
    return [
        f"axe {violation['id']} ({violation['impact']}) at {node['target']}: {violation['help']}"
        for violation in results["violations"]
        for node in violation["nodes"]
    ]
