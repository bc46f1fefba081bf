"""Driving the site in a real browser (Playwright with Debian's Chromium) for test_browser.py."""

from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from tests.support.factories import make_staff

CHROMIUM = Path("/usr/bin/chromium")
# No internet here: keep Chromium from phoning home (updates, sync, sign-in).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP accounts.google.com ~NOTFOUND, MAP update.googleapis.com ~NOTFOUND",
]
# Every wait here is for the local live server: seconds, not Playwright's default 30; enough
# for one page of the live server on a loaded two-core machine (CI runs everything in one
# process while other work goes on).
TIMEOUT_MS = 15_000
# expect() waits as long as actions do (its own default is 5 s).
expect.set_options(timeout=TIMEOUT_MS)
PASSWORD = "example-password"  # what tests.support.factories.make_staff gives everyone


@dataclass
class Visitor:
    """Someone's own browser (cookies and tabs), with every console error and uncaught
    exception from any of its tabs, as (page address, message)."""

    context: BrowserContext
    page: Page
    errors: list = field(default_factory=list)

    def __post_init__(self):
        self.context.on("console", self._console)
        self.context.on("weberror", self._uncaught)

    def _console(self, message):
        if message.type == "error":
            self.errors.append((address(message.page), message.text))

    def _uncaught(self, web_error):
        self.errors.append((address(web_error.page), str(web_error.error)))


def address(page):
    return page.url if page else ""


class Browsers:
    """A browser context per visitor of the live server. Closes them all at the end of the
    test, so that no request of theirs is still running when its database is flushed."""

    def __init__(self, browser, base_url):
        self.browser = browser
        self.base_url = base_url
        self.contexts = []

    def reader(self):
        """Someone not signed in."""
        context = self.browser.new_context(base_url=self.base_url)
        context.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        return Visitor(context, context.new_page())

    def staff(self, username, group, first_name=""):
        """A new staff user of `group`, signed in through the admin's login form."""
        make_staff(username, group, first_name=first_name)
        visitor = self.reader()
        page = visitor.page
        page.goto("/admin/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        expect(page.locator("#user-tools")).to_contain_text(first_name or username)
        return visitor

    def close(self):
        for context in self.contexts:
            context.close()


def choose_autocomplete(page, name, text):
    """Pick `text` in an autocomplete (select2) field as an editor does: open it, type, click
    the match the server offers."""
    with page.expect_response(lambda response: "/admin/autocomplete/" in response.url) as answer:
        page.click(f"#id_{name} + .select2 .select2-selection")
    assert answer.value.ok, f"{answer.value.url} answered {answer.value.status}"
    page.fill(".select2-container--open .select2-search__field", text)
    page.locator(".select2-results__option", has_text=text).click()
    expect(page.locator(f"#select2-id_{name}-container")).to_contain_text(text)


def choose_in_added_row(page, name, text):
    """Pick `text` in the search a list row just added opens by itself (inline_order.js)."""
    search = page.locator(".select2-container--open .select2-search__field")
    expect(search).to_be_focused()
    search.fill(text)
    page.locator(".select2-results__option", has_text=text).click()
    expect(page.locator(f"#select2-id_{name}-container")).to_contain_text(text)


def save(page, button="_continue"):
    """Press a save button and wait for the page the server answers with."""
    with page.expect_navigation():
        page.click(f"input[name={button}]")
