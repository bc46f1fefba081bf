"""The editorial workflow in a real browser against a live server: signing in, the admin's
JavaScript (live Markdown preview, autocomplete, the preview tab), publishing and edit
conflicts. Live pages, drafts and sign-off: test_browser_signoff.py."""

import pytest
from playwright.sync_api import expect

from articles.models import Article, Person, Status
from tests.support.browser import CHROMIUM, choose_autocomplete, save
from tests.support.factories import make_article

# The Chromium fixtures (`browser`, `browsers`), shared by the browser test modules.
pytest_plugins = ["tests.support.browser_fixtures"]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Chromium at {CHROMIUM}"),
    # live_server flushes the database after each test; serialized_rollback puts back what
    # the migrations created (the Editors and Publishers groups) before the next one.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NOT_FOUND = "Failed to load resource: the server responded with a status of 404 (Not Found)"


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def test_editor_writes_previews_and_submits_an_article(browsers, series):
    author = Person.objects.create(name="Example Author")
    editor = browsers.staff("alice", "Editors", first_name="Alice")
    page = editor.page
    policy = page.goto("/admin/articles/article/add/").headers["content-security-policy"]
    # The editor, its live preview and autocomplete all work under the admin's policy: any
    # violation would be a console error, and editor.errors must stay empty.
    directives = {
        name: value for name, _, value in (p.strip().partition(" ") for p in policy.split(";"))
    }
    assert directives["script-src"] == "'self'" and "unsafe-eval" not in policy
    choose_autocomplete(page, "series", series.title)
    page.fill("#id_number", "7")
    page.locator("#id_title").press_sequentially("Example Browser Article")
    expect(page.locator("#id_slug")).to_have_value("example-browser-article")
    page.fill("#id_summary", "An example summary.")
    page.locator("#id_body").press_sequentially("## Example heading\n\nSome *example* text.")
    live_preview = page.locator("div.markdownx-preview")
    expect(live_preview.locator("h2")).to_have_text("Example heading")
    expect(live_preview.locator("em")).to_have_text("example")
    choose_autocomplete(page, "author", "Example Author")
    page.select_option("#id_status", Status.DRAFT)
    save(page)

    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    article = Article.objects.get(slug="example-browser-article")
    assert (article.series, article.number, article.author) == (series, 7, author)
    assert article.status == Status.DRAFT
    assert '<h2 id="example-heading">Example heading</h2>' in article.body_html

    reader = browsers.reader()
    assert reader.page.goto(article.get_absolute_url()).status == 404
    expect(reader.page.locator("h1")).to_have_text("Page not found")

    with page.context.expect_page() as opened:
        page.click("input[name=_preview]")
    tab = opened.value
    expect(tab.locator("h1")).to_have_text("Example Browser Article")
    banners = tab.locator(".draft-banner")
    expect(banners.first).to_contain_text("Preview — not saved")
    expect(banners.last).to_contain_text("Draft — not public")
    expect(tab.locator(".article-body em")).to_have_text("example")
    tab.close()

    page.select_option("#id_status", Status.REVIEW)
    save(page)
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    article.refresh_from_db()
    assert article.status == Status.REVIEW and not article.is_public
    assert editor.errors == []
    # Chromium reports a page that answers 404 in the console: that one is expected.
    assert reader.errors == [(reader.page.url, NOT_FOUND)]


def test_publisher_publishes_an_article(browsers, series):
    article = make_article(series, title="Example Ready Article", status=Status.REVIEW)
    publisher = browsers.staff("pat", "Publishers", first_name="Pat")
    publisher.page.goto(change_url(article))
    publisher.page.select_option("#id_status", Status.PUBLISHED)
    save(publisher.page)

    expect(publisher.page.locator(".messagelist .success")).to_contain_text("changed")
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.is_public
    reader = browsers.reader()
    assert reader.page.goto(article.get_absolute_url()).status == 200
    expect(reader.page.locator("h1")).to_have_text("Example Ready Article")
    expect(reader.page.locator(".draft-banner")).to_have_count(0)
    assert publisher.errors == []
    assert reader.errors == []


def test_second_save_of_the_same_article_asks_and_keeps_the_text(browsers, series):
    article = make_article(series, status=Status.DRAFT, body="The first text.")
    alice = browsers.staff("alice", "Editors", first_name="Alice")
    bob = browsers.staff("bob", "Editors", first_name="Bob")
    alice.page.goto(change_url(article))
    bob.page.goto(change_url(article))

    alice.page.fill("#id_body", "Alice's text.")
    save(alice.page)
    expect(alice.page.locator(".messagelist .success")).to_be_visible()
    bob.page.fill("#id_body", "Bob's text.")
    save(bob.page)

    expect(bob.page.locator(".errornote")).to_be_visible()
    expect(bob.page.locator(".errorlist").first).to_contain_text("Alice changed this article on")
    expect(bob.page.locator(".merge-theirs .merge-text")).to_have_text("Alice's text.")
    expect(bob.page.locator(".merge-yours .merge-text")).to_have_text("Bob's text.")
    expect(bob.page.locator("#id_body")).to_have_value("Bob's text.")
    article.refresh_from_db()
    assert article.body == "Alice's text."

    # Having seen Alice's version, Bob keeps his (test_browser_merge.py: the other choices).
    bob.page.get_by_label("Keep mine").check()
    save(bob.page)
    expect(bob.page.locator(".messagelist .success")).to_be_visible()
    article.refresh_from_db()
    assert article.body == "Bob's text."
    assert alice.errors == [] and bob.errors == []


def test_editor_finds_the_series_by_typing_its_name(browsers, series):
    editor = browsers.staff("alice", "Editors", first_name="Alice")
    editor.page.goto("/admin/articles/article/add/")
    choose_autocomplete(editor.page, "series", "Example Series")


def test_readers_pages_refuse_injected_script(browsers, seeded):
    """The policy is enforced, not just sent: markup that slipped into a page could not run
    script, and the browser says so."""
    reader = browsers.reader()
    page = reader.page
    page.goto("/articles/what-is-treatment-resistant-depression/")
    page.evaluate(
        """document.body.insertAdjacentHTML('beforeend',
            '<img src="/static/favicon.png" onload="window.injected = 1">' +
            '<a id="example-link" href="javascript:window.injected = 2">x</a>')"""
    )
    page.click("#example-link")
    page.wait_for_timeout(200)
    assert page.evaluate("window.injected") is None
    assert reader.errors, "Chromium reports each refused script in the console"
    assert all("Content Security Policy" in message for _, message in reader.errors)
