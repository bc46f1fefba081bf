"""Safe messaging in a real browser: an editor sees the flags beside the editor while typing, and
a publisher must tick that they read them before publishing."""

import pytest
from playwright.sync_api import expect

from articles.models import Article, Status
from tests.support.browser import CHROMIUM, save
from tests.support.factories import make_article

pytest_plugins = ["tests.support.browser_fixtures"]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Chromium at {CHROMIUM}"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LANGUAGE = "Don't use language that presents suicide as a crime or an achievement"
READ = "I have read the safe-messaging notes"


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def test_an_editor_sees_the_flag_while_typing_and_a_publisher_must_tick(browsers, series):
    article = make_article(
        series,
        status=Status.DRAFT,
        body="Example body. If you need it, see [where to get help now](/help/).",
    )
    editor = browsers.staff("alice", "Editors", first_name="Alice")
    page = editor.page
    page.goto(change_url(article))
    body = page.locator("#id_body")
    body.press("Control+End")  # the end of the text, not of its first visual line
    body.press_sequentially("\n\nExample: people who commit suicide")

    # Between the editor and its preview, not inside the preview of the page.
    notes = page.locator(".field-body .safe-messaging-live")
    expect(notes).to_contain_text(LANGUAGE)
    expect(notes.locator("mark")).to_have_text("commit suicide")
    expect(page.locator(".markdownx-preview .safe-messaging-preview")).to_have_count(0)
    expect(page.locator(".markdownx-preview")).to_contain_text("people who commit suicide")
    described_by = page.locator("#id_body").get_attribute("aria-describedby")
    assert described_by.endswith("id_body-safe-messaging")

    # Reworded: the note goes away.
    for _ in "commit suicide":
        body.press("Backspace")
    body.press_sequentially("died by suicide")
    expect(notes).to_be_empty()
    body.press_sequentially(". He committed suicide.")
    expect(notes).to_contain_text("committed suicide")
    page.select_option("#id_status", Status.REVIEW)
    save(page)
    expect(page.locator(".field-safe_messaging")).to_contain_text("committed suicide")
    assert editor.errors == []

    publisher = browsers.staff("pat", "Publishers", first_name="Pat")
    page = publisher.page
    page.goto(change_url(article))
    page.select_option("#id_status", Status.PUBLISHED)
    save(page)
    expect(page.locator(".errornote").first).to_be_visible()
    expect(page.locator("#content-main")).to_contain_text("This page has safe-messaging notes")
    assert Article.objects.get(pk=article.pk).status == Status.REVIEW
    expect(page.locator("#id_status")).to_have_value(Status.PUBLISHED)  # kept as chosen

    page.get_by_label(READ).check()
    save(page)
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert Article.objects.get(pk=article.pk).status == Status.PUBLISHED
    assert publisher.errors == []
