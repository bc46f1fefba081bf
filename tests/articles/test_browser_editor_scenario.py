"""The "article #2" scenario of the editor's desk, end to end in Chromium, counting what the
people do: an editor writes article #2 (heading, list, a link to #1 and two citations, each
picked from what [[ suggests in the text, three treatments in order, an image with alt text) and
submits it; a publisher signs it
off; two editors then change different paragraphs of its draft at once and both changes are
kept; the history compares versions. Every click (key press, file pick or navigation) and every
typed field is one step, counted apart; the steps and the wall time are printed (`pytest -s`)
for the issue's closing note."""

import re
import time
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from articles.models import Article, Source
from tests.support.browser import CHROMIUM, PASSWORD, TIMEOUT_MS, Visitor
from tests.support.factories import make_staff, png_bytes
from tests.support.media import serve_media

pytest_plugins = ["tests.support.browser_fixtures"]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Chromium at {CHROMIUM}"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DESKTOP = {"width": 1366, "height": 900}
TREATMENTS = ["Ketamine", "Medication", "Psychotherapy"]  # seeded, in the order listed
INTRO = (
    "## Example heading\n\nExample list:\n\n- Example first item\n- Example second item\n\n"
    "Example sentence linking to "
)
LINKED = ". Example claim one."
MIDDLE = " Example claim two."
END = "\n\n[[treatments]]\n\nExample last paragraph.\n"
# What the flow takes today, sign-ins included: a step more fails. Clicks (with key presses
# such as Enter, file picks and navigations) were ~60 in the issue, 30 before the editor's desk
# work; its goal is under 30. They are now 23: the link to #1 and the two citations are each
# [[ and a few letters typed in the text, then Enter (the link was 2 navigations to copy its
# code from #1's form; each citation a click into the cite search and Enter: -3), the next
# treatment row opens by itself (-2), the admin's home links straight to the page awaiting
# sign-off (-1) and each sign-off decision is one button (-1). What is left is mostly what a
# person must do: sign in twice, and the conflict and history steps (7).
MOST_CLICKS = 23
MOST_TYPED = 16


@dataclass
class Steps:
    """What people did, one step per click, key press, file pick or navigation, or typed
    field (typed=True)."""

    log: list = field(default_factory=list)

    def __call__(self, what, action, *args, typed=False, **kwargs):
        self.log.append((what, typed))
        return action(*args, **kwargs)

    @property
    def clicks(self):
        return sum(1 for _, typed in self.log if not typed)

    @property
    def typed(self):
        return sum(1 for _, typed in self.log if typed)


def sign_in(browsers, steps, username, group, first_name):
    make_staff(username, group, first_name=first_name)
    context = browsers.browser.new_context(base_url=browsers.base_url, viewport=DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    # The live server runs with DEBUG off and leaves /media/ to the web server.
    context.route(f"{browsers.base_url}{settings.MEDIA_URL}**", serve_media)
    browsers.contexts.append(context)
    visitor = Visitor(context, context.new_page())
    page = visitor.page
    page.on("filechooser", lambda chooser: None)  # see test_browser_insert_image.py
    page.goto("/admin/")
    steps(f"{username}: username", page.fill, "#id_username", username, typed=True)
    steps(f"{username}: password", page.fill, "#id_password", PASSWORD, typed=True)
    with page.expect_navigation():
        steps(f"{username}: sign in", page.click, "input[type=submit]")
    return visitor


def pick(steps, page, name, text):
    """A new list row's search (select2), open with the cursor in it as the row is added (by
    the Add link, or by choosing in the row before): type, then Enter takes the one match."""
    search = page.locator(".select2-container--open .select2-search__field")
    expect(search).to_be_focused()
    steps(f"type {text}", search.fill, text, typed=True)
    expect(page.locator(".select2-results__option", has_text=text)).to_have_count(1)
    expect(page.locator(".select2-results__option--highlighted")).to_contain_text(text)
    steps(f"choose {text}", search.press, "Enter")
    expect(page.locator(f"#select2-id_{name}-container")).to_contain_text(text)


def type_and_choose(steps, page, what, text, expected):
    """Type on in the text, ending with [[ and a few letters of a source's or page's title;
    then Enter takes the first of the suggestions listed under the cursor (editor_pickers.js)."""
    steps(f"type {what}", page.keyboard.type, text, typed=True)
    options = page.get_by_role("listbox", name="Sources and pages to put in").get_by_role("option")
    expect(options.first).to_have_text(expected)
    steps(f"choose {expected!r}", page.keyboard.press, "Enter")


def save(steps, page, what="save"):
    with page.expect_navigation():
        steps(what, page.click, "input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()


def write_article_two(steps, page, first, beta, alpha):
    """The editor, from the admin's home page, to article #2 submitted for review."""
    steps("add an article", page.click, "#content-main .model-article a.addlink")
    # The only series, and the number after its last article, are filled in already.
    expect(page.locator("#select2-id_series-container")).to_contain_text("Curing Depression")
    expect(page.locator("#id_number")).to_have_value("2")
    steps("title", page.fill, "#id_title", "Example article two", typed=True)
    steps("summary", page.fill, "#id_summary", "Example summary of article two.", typed=True)

    body = page.locator("#id_body")
    body.focus()
    # The link to #1, found by its number without leaving the text; its title is the link's
    # words. Each citation, by the first letters of its source's title.
    type_and_choose(steps, page, "the start", INTRO + "[[#1", f"Link: Article {first}")
    expect(body).to_have_value(re.compile(rf"linking to \[{re.escape(first.title)}\]"))
    type_and_choose(steps, page, "on", LINKED + "[[Example Source Beta", f"Cite: {beta}")
    type_and_choose(steps, page, "on", MIDDLE + "[[Example Source Alpha", f"Cite: {alpha}")
    steps("type the rest", page.keyboard.type, END, typed=True)
    expect(body).to_have_value(re.compile(r"claim one\.\[\[cite \d+\]\] Example claim two\.\["))

    # The image goes where the caret is: at the end of "Example claim one.".
    body.evaluate("(el, at) => el.setSelectionRange(at, at)", body.input_value().index(MIDDLE))
    with page.expect_file_chooser() as chooser:
        steps("Insert image", page.locator(".field-body .insert-image button").click)
    image = {"name": "example.png", "mimeType": "image/png", "buffer": png_bytes(size=(60, 40))}
    steps("choose the file", chooser.value.set_files, image)
    dialog = page.get_by_role("dialog", name="Describe the image")
    alt = dialog.get_by_role("textbox")
    steps("alt text", alt.fill, "Example image alt text", typed=True)
    steps("insert it", dialog.get_by_role("button", name="Insert image").click)
    expect(page.locator(".field-body .insert-image-status")).to_have_text("Image inserted.")

    # One Add; each choice then opens the next row, its search ready (inline_order.js). The row
    # left open after the last is empty, and not saved.
    add = page.get_by_text("Add another treatment listed in this article")
    steps("add a treatment row", add.click)
    for n, name in enumerate(TREATMENTS):
        pick(steps, page, f"treatment_links-{n}-treatment", name)
    expect(page.locator("#treatment_links-group tbody tr.form-row:not(.empty-form)")).to_have_count(
        len(TREATMENTS) + 1
    )

    with page.expect_navigation():
        steps("save and submit for review", page.click, "input[name=_submit_for_review]")
    expect(page.locator(".messagelist .success")).to_be_visible()


def publish(steps, page):
    """The publisher, from the admin's home page, signs article #2 off."""
    awaiting = page.locator(".awaiting-pages").get_by_role(
        "link", name=re.compile("Example article two")
    )
    with page.expect_navigation():
        steps("open it from the home page", awaiting.click)
    expect(page.locator(".signoff-changes")).to_contain_text("Example heading")
    with page.expect_navigation():
        steps("publish now", page.get_by_role("button", name="Publish now").click)
    expect(page.locator(".messagelist .success")).to_contain_text("is live")


def edit_paragraph(steps, page, old, new):
    body = page.locator("#id_body")
    steps(f"change {old!r}", body.fill, body.input_value().replace(old, new), typed=True)


def test_article_two_from_first_word_to_history_counting_steps(browsers):
    call_command("seed", verbosity=0)
    first = Article.objects.get(number=1)
    # Sources others entered earlier: an editor cites what the Sources list holds.
    alpha = Source.objects.create(title="Example Source Alpha", year=2020)
    beta = Source.objects.create(title="Example Source Beta", year=2021)
    steps = Steps()
    started = time.monotonic()

    alice = sign_in(browsers, steps, "alice", "Editors", "Alice")
    write_article_two(steps, alice.page, first, beta, alpha)
    pat = sign_in(browsers, steps, "pat", "Publishers", "Pat")
    publish(steps, pat.page)
    article = Article.objects.get(number=2, live_page=None)

    # Both open the live page at once; Alice starts its draft, Pat opens the same draft.
    steps("alice: open the page", alice.page.reload)
    with alice.page.expect_navigation():
        steps("edit as a draft", alice.page.get_by_role("button", name="Edit as a draft").click)
    steps("pat: open the page", pat.page.goto, f"/admin/articles/article/{article.pk}/change/")
    expect(pat.page.locator(".live-and-draft")).to_contain_text("Editing a draft")
    edit_paragraph(steps, alice.page, "Example last paragraph.", "Example last paragraph, Alice.")
    save(steps, alice.page, "alice: save")
    edit_paragraph(steps, pat.page, "Example list:", "Example list, Pat:")
    save(steps, pat.page, "pat: save")
    draft = Article.objects.get(live_page=article)
    assert "Example last paragraph, Alice." in draft.body
    assert "Example list, Pat:" in draft.body

    history = pat.page
    with history.expect_navigation():
        steps("history", history.get_by_role("link", name="History").click)
    with history.expect_navigation():
        steps("compare", history.click, "#change-history input[type=submit]")
    expect(history.locator(".version-changes")).to_be_visible()

    seconds = time.monotonic() - started
    print(
        f"\nArticle #2 scenario: {len(steps.log)} steps ({steps.clicks} clicks, key presses and "
        f"navigations; {steps.typed} typed fields) in {seconds:.0f} s"
    )
    for n, (what, typed) in enumerate(steps.log, 1):
        print(f"  {n:2}. {'typed' if typed else 'click'}  {what}")

    reader = browsers.reader()
    reader.page.goto(article.get_absolute_url())
    text = reader.page.locator(".article-body")
    expect(text.locator("h2", has_text="Example heading")).to_be_visible()
    expect(text.locator("ul li")).to_have_text(["Example first item", "Example second item"])
    expect(text.locator("a", has_text=first.title)).to_have_attribute(
        "href", first.get_absolute_url()
    )
    expect(text.locator("sup.cite a")).to_have_text(["[1]", "[2]"])
    sources = reader.page.locator(".sources li")
    expect(sources.nth(0)).to_contain_text(beta.title)
    expect(sources.nth(1)).to_contain_text(alpha.title)
    expect(reader.page.locator(".treatment-section h3")).to_have_text(TREATMENTS)
    image = text.get_by_role("img", name="Example image alt text")
    expect(image).to_be_visible()
    assert image.evaluate("el => el.naturalWidth") == 60
    assert alice.errors == [] and pat.errors == [] and reader.errors == []
    assert steps.clicks < 30, f"{steps.clicks} clicks: the issue's goal is under 30"
    assert steps.clicks <= MOST_CLICKS, f"{steps.clicks} clicks"
    assert steps.typed <= MOST_TYPED, f"{steps.typed} typed fields"
