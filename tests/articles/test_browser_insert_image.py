"""Images in the Markdown editor, in Chromium at desktop size and on a touch phone: the Insert
image button opens a file picker, the dialog asks for the alt text (keyboard operable, Escape
and Cancel change nothing), and the image lands as `![alt](address)` on a line of its own at
the cursor, shown in the preview; a dropped file goes the same way; a refused upload shows the
server's reason and leaves the text as it was; axe finds no violation with the dialog open."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from articles.models import Article, Status
from articles.uploads import NOT_AN_IMAGE
from tests.support.axe import AXE, axe_violations
from tests.support.browser import CHROMIUM, PASSWORD, TIMEOUT_MS, Visitor, save
from tests.support.factories import make_article, make_staff, png_bytes
from tests.support.media import serve_media, stored_uploads

pytest_plugins = ["tests.support.browser_fixtures"]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Chromium at {CHROMIUM}"),
    pytest.mark.skipif(not AXE.exists(), reason=f"needs axe-core at {AXE}: run `npm ci`"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
SCREENS = {"desktop": (DESKTOP, False), "phone": (PHONE, True)}
ALT_LABEL = "Describe the image for someone who can't see it"
BEFORE = "Example first paragraph ends here."
AFTER = "\nExample second line.\n\n## Example heading\n"
UPLOADED = re.escape(f"{settings.MEDIA_URL}{settings.MARKDOWNX_MEDIA_PATH}") + r"[0-9a-f]{32}\.png"


def png_file(name="example-chart.png"):
    return {"name": name, "mimeType": "image/png", "buffer": png_bytes(size=(60, 40))}


def signed_in_editor(browsers, screen, bypass_csp=False):
    """An editor signed in, with a screen of `screen` size ("desktop", or "phone" with touch).
    bypass_csp only for axe-core, which is injected as an inline script."""
    viewport, touch = SCREENS[screen]
    username = f"example-editor-{len(browsers.contexts)}"
    make_staff(username, "Editors", first_name="Example Editor")
    context = browsers.browser.new_context(
        base_url=browsers.base_url,
        viewport=viewport,
        has_touch=touch,
        is_mobile=touch,
        bypass_csp=bypass_csp,
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.route(f"{browsers.base_url}{settings.MEDIA_URL}**", serve_media)
    browsers.contexts.append(context)
    visitor = Visitor(context, context.new_page())
    page = visitor.page
    # A listener from the start turns Playwright's file-chooser interception on for good:
    # turned on by expect_file_chooser alone, it can come after the click, and Chromium's own
    # (headless, invisible) chooser opens instead.
    page.on("filechooser", lambda chooser: None)
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text("Example Editor")
    return visitor


def open_draft(visitor, series, body=BEFORE + AFTER):
    article = make_article(series, status=Status.DRAFT, body=body)
    visitor.page.goto(f"/admin/articles/article/{article.pk}/change/")
    # markdownx renders the preview once the page is ready.
    expect(visitor.page.locator(".field-body .markdownx-preview")).not_to_be_empty()
    return article


def put_cursor(page, position):
    page.locator("#id_body").evaluate("(el, at) => el.setSelectionRange(at, at)", position)


def press(page, locator, touch):
    if touch:
        locator.tap()
    else:
        locator.click()


def choose_file(page, button, file, touch=False):
    with page.expect_file_chooser() as chooser:
        press(page, button, touch)
    assert chooser.value.element.get_attribute("accept") == "image/*"
    chooser.value.set_files(file)


def insert_button(page):
    return page.locator(".field-body .insert-image").get_by_role("button", name="Insert image")


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_the_button_puts_a_described_image_on_its_own_line_at_the_cursor(browsers, series, screen):
    touch = screen == "phone"
    editor = signed_in_editor(browsers, screen)
    page = editor.page
    article = open_draft(editor, series)
    put_cursor(page, len(BEFORE))

    choose_file(page, insert_button(page), png_file(), touch)
    dialog = page.get_by_role("dialog", name="Describe the image")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("example-chart.png")
    dialog.get_by_label(ALT_LABEL).fill("Example chart alt text")
    press(page, dialog.get_by_role("button", name="Insert image"), touch)

    expect(dialog).to_be_hidden()
    expect(page.locator(".field-body .insert-image-status")).to_have_text("Image inserted.")
    body = page.locator("#id_body")
    value = body.input_value()
    assert re.fullmatch(
        re.escape(BEFORE + "\n\n![Example chart alt text](") + UPLOADED + re.escape(")\n" + AFTER),
        value,
    ), value
    address = re.search(UPLOADED, value)[0]
    assert address.rsplit("/", 1)[1] in stored_uploads()
    # The cursor waits after the image's line, in the editor, to carry on writing.
    expect(body).to_be_focused()
    caret = body.evaluate("el => [el.selectionStart, el.selectionEnd]")
    assert caret == [value.index(")\n\n") + 3] * 2

    image = page.locator(".field-body .markdownx-preview img[alt='Example chart alt text']")
    expect(image).to_be_visible()
    assert image.get_attribute("src") == address
    assert image.evaluate("img => img.naturalWidth") == 60  # it loads
    expect(page.locator(".field-body .markdownx-preview p.image-block img")).to_have_count(1)

    save(page)
    expect(page.locator(".messagelist .success")).to_be_visible()
    stored = Article.objects.get(pk=article.pk)
    assert stored.body.replace("\r\n", "\n") == value.strip()
    assert f'<p class="image-block"><img alt="Example chart alt text" src="{address}">' in (
        stored.body_html
    )
    assert editor.errors == []


def test_the_dialog_works_by_keyboard_and_escape_or_cancel_change_nothing(browsers, series):
    editor = signed_in_editor(browsers, "desktop")
    page = editor.page
    open_draft(editor, series)
    body = page.locator("#id_body")
    original = body.input_value()
    uploads = stored_uploads()
    put_cursor(page, 0)
    button = insert_button(page)
    dialog = page.get_by_role("dialog", name="Describe the image")
    alt = dialog.get_by_label(ALT_LABEL)

    # Escape: nothing uploaded, nothing typed, focus back on the button.
    button.focus()
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Enter")
    chooser.value.set_files(png_file())
    expect(alt).to_be_focused()
    page.keyboard.type("Example alt text never used")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(button).to_be_focused()

    # Cancel: the same.
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Enter")
    chooser.value.set_files(png_file())
    expect(alt).to_be_focused()
    expect(alt).to_have_value("")  # nothing left over from last time
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert body.input_value() == original
    assert stored_uploads() == uploads

    # No description and not decorative: refused in the dialog, which says why.
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Enter")
    chooser.value.set_files(png_file())
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".errornote")).to_contain_text("Describe the image, or tick")
    expect(alt).to_have_attribute("aria-invalid", "true")
    expect(alt).to_be_focused()

    # Decorative, all by keyboard: Tab to the box, Space, Tab to Insert image, Enter.
    page.keyboard.press("Tab")
    expect(dialog.get_by_label("This image is decorative")).to_be_focused()
    page.keyboard.press("Space")
    expect(alt).to_be_disabled()
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Insert image")).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()

    expect(body).not_to_have_value(original)
    value = body.input_value()
    # At the very start: no blank line before it, one after.
    assert re.fullmatch(r"!\[decorative\]\(" + UPLOADED + r"\)\n\n" + re.escape(original), value)
    expect(page.locator(".field-body .markdownx-preview img[alt='']")).to_have_count(1)
    assert len(stored_uploads()) == len(uploads) + 1
    assert editor.errors == []


def test_a_refused_upload_shows_the_servers_reason_and_keeps_the_text(browsers, series):
    editor = signed_in_editor(browsers, "desktop")
    page = editor.page
    open_draft(editor, series)
    body = page.locator("#id_body")
    original = body.input_value()
    uploads = stored_uploads()
    put_cursor(page, len(BEFORE))
    text_file = {
        "name": "example-notes.png",
        "mimeType": "image/png",
        "buffer": b"Example text, not an image.\n",
    }

    choose_file(page, insert_button(page), text_file)
    dialog = page.get_by_role("dialog", name="Describe the image")
    dialog.get_by_label(ALT_LABEL).fill("Example alt text")
    dialog.get_by_role("button", name="Insert image").click()

    error = page.locator(".field-body .markdownx-upload-error")
    expect(error).to_have_text(NOT_AN_IMAGE)
    expect(error).to_have_attribute("role", "alert")
    assert body.input_value() == original
    assert stored_uploads() == uploads
    # The next image that works clears the note.
    choose_file(page, insert_button(page), png_file())
    dialog.get_by_label(ALT_LABEL).fill("Example chart alt text")
    dialog.get_by_role("button", name="Insert image").click()
    expect(error).to_have_count(0)
    expect(body).to_have_value(re.compile(r"\n\n!\[Example chart alt text\]\("))
    # The server answers 400 to the refused upload: the browser logs that, nothing else.
    assert [message for _, message in editor.errors if "400" not in message] == []


@pytest.mark.parametrize("event", ["dropped", "pasted"])
def test_a_dropped_or_pasted_image_asks_for_alt_text_and_lands_on_its_own_line(
    browsers, series, event
):
    editor = signed_in_editor(browsers, "desktop")
    page = editor.page
    open_draft(editor, series)
    body = page.locator("#id_body")
    uploads = stored_uploads()
    put_cursor(page, len(BEFORE))

    body.evaluate(
        """(el, [bytes, event]) => {
            // The file as the browser hands it to the page when dropped or pasted.
            const transfer = new DataTransfer();
            const file = new File([new Uint8Array(bytes)], "example-dropped.png",
                                  {type: "image/png"});
            transfer.items.add(file);
            const options = {bubbles: true, cancelable: true};
            el.dispatchEvent(event === "dropped"
                ? new DragEvent("drop", {...options, dataTransfer: transfer})
                : new ClipboardEvent("paste", {...options, clipboardData: transfer}));
        }""",
        [list(png_bytes(size=(60, 40))), event],
    )
    dialog = page.get_by_role("dialog", name="Describe the image")
    expect(dialog).to_contain_text("example-dropped.png")
    dialog.get_by_label(ALT_LABEL).fill("Example dropped alt text")
    dialog.get_by_role("button", name="Insert image").click()

    expect(body).to_have_value(re.compile(r"!\[Example dropped alt text\]"))
    value = body.input_value()
    assert re.fullmatch(
        re.escape(BEFORE + "\n\n![Example dropped alt text](")
        + UPLOADED
        + re.escape(")\n" + AFTER),
        value,
    ), value
    # markdownx's own handler did not run: one upload, no `![](...)` of its own.
    assert "![](" not in value
    assert len(stored_uploads()) == len(uploads) + 1
    expect(body).to_be_focused()
    assert editor.errors == []


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_axe_finds_no_violation_with_the_dialog_open(browsers, series, screen):
    editor = signed_in_editor(browsers, screen, bypass_csp=True)
    page = editor.page
    open_draft(editor, series)

    choose_file(page, insert_button(page), png_file(), touch=screen == "phone")
    dialog = page.get_by_role("dialog", name="Describe the image")
    expect(dialog).to_be_visible()
    problems = axe_violations(page)
    page.keyboard.press("Enter")  # the refusal in the dialog, shown
    expect(dialog.locator(".errornote")).to_be_visible()
    problems += axe_violations(page)

    serious = [line for line in problems if "(serious)" in line or "(critical)" in line]
    assert serious == [], "\n".join(serious)
