"""Live pages, drafts and sign-off in a real browser: what editors and publishers click, and
what readers see meanwhile."""

from datetime import timedelta

import pytest
import reversion
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from articles import drafts
from articles.models import Article, Status
from tests.support.axe import PHONE, axe_reader, axe_violations
from tests.support.browser import CHROMIUM, PASSWORD, choose_in_added_row, save
from tests.support.factories import add_treatments, make_article, make_staff, make_treatment

pytest_plugins = ["tests.support.browser_fixtures"]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Chromium at {CHROMIUM}"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


WIDE = {"width": 1366, "height": 900}


def change_url(page):
    return f"/admin/articles/{page._meta.model_name}/{page.pk}/change/"


def reader_sees(browsers, article, text):
    reader = browsers.reader()
    reader.page.goto(article.get_absolute_url())
    found = text in reader.page.locator("main").inner_text()
    assert reader.errors == []
    return found


@pytest.fixture
def live(series):
    article = make_article(series, title="Example Live Title", body="Example live body text.")
    add_treatments(article, [make_treatment("example-first", name="Example First Treatment")])
    make_treatment("example-second", name="Example Second Treatment")
    return article


def edit_as_draft(page, article):
    page.goto(change_url(article))
    with page.expect_navigation():
        page.get_by_role("button", name="Edit as a draft").click()
    expect(page.locator(".live-and-draft")).to_contain_text("Editing a draft of a live page")


def sign_off(page, action, **fields):
    """On the sign-off page, fill in what the decision needs and press its button."""
    page.get_by_role("link", name="Compare with live and sign off").click()
    for label, value in fields.items():
        page.locator(label).fill(value)
    with page.expect_navigation():
        page.get_by_role("button", name=action, exact=True).click()


def test_editor_drafts_publisher_compares_and_publishes(browsers, live):
    editor = browsers.staff("alice", "Editors", first_name="Alice")
    page = editor.page
    edit_as_draft(page, live)
    page.fill("#id_body", "Example changed body text.")
    page.click("text=Add another treatment listed in this article")
    choose_in_added_row(page, "treatment_links-1-treatment", "Example Second Treatment")
    # No position to type: a new row goes at the end.
    page.select_option("#id_status", Status.REVIEW)
    save(page)
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert reader_sees(browsers, live, "Example live body text.")
    assert not reader_sees(browsers, live, "Example Second Treatment")

    publisher = browsers.staff("pat", "Publishers", first_name="Pat")
    publisher.page.goto("/admin/articles/article/review-queue/?status=review")
    publisher.page.get_by_role("link", name=str(live)).click()
    changes = publisher.page.locator(".signoff-changes")
    expect(changes.locator("ins").first).to_be_visible()
    expect(changes).to_contain_text("Example Second Treatment")
    with publisher.page.expect_navigation():
        publisher.page.get_by_role("button", name="Publish now").click()

    expect(publisher.page.locator(".messagelist .success")).to_contain_text("is live")
    assert reader_sees(browsers, live, "Example changed body text.")
    assert reader_sees(browsers, live, "Example Second Treatment")
    assert editor.errors == [] and publisher.errors == []


def test_a_scheduled_update_goes_live_at_its_time(browsers, live):
    publisher = browsers.staff("pat", "Publishers", first_name="Pat")
    page = publisher.page
    edit_as_draft(page, live)
    page.fill("#id_title", "Example Scheduled Title")
    save(page)
    when = timezone.localtime() + timedelta(days=2)
    sign_off(
        page,
        "Schedule",
        **{"#id_go_live_at_0": when.date().isoformat(), "#id_go_live_at_1": "09:30"},
    )
    expect(page.locator(".messagelist .success")).to_contain_text("Scheduled")
    assert not reader_sees(browsers, live, "Example Scheduled Title")

    with time_machine.travel(when.replace(hour=9, minute=31)):
        assert reader_sees(browsers, live, "Example Scheduled Title")
    assert not Article.objects.filter(live_page=live).exists()


def test_send_back_shows_the_note_to_the_editor(browsers, live):
    editor = browsers.staff("alice", "Editors", first_name="Alice")
    edit_as_draft(editor.page, live)
    editor.page.select_option("#id_status", Status.REVIEW)
    save(editor.page)
    draft = Article.objects.get(live_page=live)

    publisher = browsers.staff("pat", "Publishers", first_name="Pat")
    publisher.page.goto(change_url(draft))
    sign_off(publisher.page, "Send back", **{"#id_note": "Example: please cite the trial."})

    editor.page.goto(change_url(live))  # opens on the draft
    expect(editor.page.locator(".changes-requested")).to_contain_text(
        "Example: please cite the trial."
    )
    editor.page.goto("/admin/articles/article/review-queue/?status=changes-requested")
    expect(editor.page.locator(".review-queue tbody")).to_contain_text("Changes requested")


def test_history_loads_an_older_version_into_the_draft(browsers, live):
    with reversion.create_revision():
        reversion.set_comment("Example first version")
        live.save()
    with reversion.create_revision():
        live.title = "Example Newer Title"
        live.save()
    publisher = browsers.staff("pat", "Publishers", first_name="Pat")
    page = publisher.page
    page.goto(f"/admin/articles/article/{live.pk}/history/")
    expect(page.locator("#change-history")).to_contain_text("Live version")
    page.locator("#change-history tr", has_text="Example first version").locator("a").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Load this version").click()

    expect(page.locator("#id_title")).to_have_value("Example Live Title")
    expect(page.locator(".messagelist .success")).to_contain_text("Readers see no change")
    assert reader_sees(browsers, live, "Example Newer Title")
    sign_off(page, "Publish now")
    assert reader_sees(browsers, live, "Example Live Title")


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["wide", "phone"])
def test_each_decision_is_one_button_and_enter_in_a_box_decides_nothing(browsers, live, viewport):
    with reversion.create_revision():
        draft = drafts.start_draft(live)
        draft.title = "Example Changed Title"
        draft.status = Status.REVIEW
        draft.save()
    publisher = browsers.staff("pat", "Publishers", first_name="Pat")
    page = publisher.page
    page.set_viewport_size(viewport)
    page.goto(f"/admin/articles/article/{draft.pk}/signoff/")
    buttons = page.locator(".signoff-decision button:visible")
    expect(buttons).to_have_text(["Publish now", "Schedule", "Send back"])
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    for button in buttons.all():
        box = button.bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24  # WCAG 2.2 target size

    # Enter in the time box, with a time typed: the page comes back, nothing is decided.
    page.get_by_label("Go live at (time)").fill("09:30")
    with page.expect_navigation():
        page.get_by_label("Go live at (time)").press("Enter")
    assert page.url.endswith("/signoff/")
    expect(page.locator(".errornote")).to_contain_text("Nothing was decided")
    draft.refresh_from_db()
    assert draft.go_live_at is None and draft.status == Status.REVIEW

    # Send back with no note: refused next to the note, the time typed kept.
    with page.expect_navigation():
        page.get_by_role("button", name="Send back").press("Enter")
    expect(page.locator(".signoff-decision")).to_contain_text("Say what needs changing.")
    expect(page.get_by_label("Go live at (time)")).to_have_value("09:30")
    # Publishing now, with that half-typed time still there: done.
    with page.expect_navigation():
        page.get_by_role("button", name="Publish now").press("Enter")
    expect(page.locator(".messagelist .success")).to_contain_text("is live")
    assert reader_sees(browsers, live, "Example Changed Title")
    assert publisher.errors == []


def test_the_signoff_page_meets_wcag_22_aa_on_a_phone(browsers, live):
    with reversion.create_revision():
        draft = drafts.start_draft(live)
        draft.status = Status.REVIEW
        draft.save()
    make_staff("pat", "Publishers", first_name="Pat")
    visitor = axe_reader(browsers, PHONE)
    page = visitor.page
    page.goto("/admin/login/")
    page.fill("#id_username", "pat")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    page.goto(f"/admin/articles/article/{draft.pk}/signoff/")
    problems = [
        line for line in axe_violations(page) if "(serious)" in line or "(critical)" in line
    ]
    assert problems == [], "\n".join(problems)


def test_leaving_unsaved_edits_asks_first_and_saved_ones_do_not(browsers, series):
    draft = make_article(series, status=Status.DRAFT)
    editor = browsers.staff("alice", "Editors", first_name="Alice")
    page = editor.page
    page.goto(change_url(draft))
    page.locator("#id_title").press_sequentially(" edited")
    prompts = []

    def answer(dialog):
        prompts.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert prompts == ["beforeunload"]
    assert not page.is_closed()

    page.remove_listener("dialog", answer)
    save(page)
    page.on("dialog", answer)
    with page.expect_event("close"):  # nothing asked this time: it just closes
        page.close(run_before_unload=True)
    assert prompts == ["beforeunload"]
