"""The compare page of a page's history: only the fields editors write, under the form's labels,
with the page's lists; a plain breadcrumb; no disclaimer; and which version is live or the
current draft."""

import pytest
import reversion
from bs4 import BeautifulSoup
from django.urls import reverse
from reversion.models import Version

from articles import drafts
from articles.models import Person, Status
from tests.support.admin_forms import save_via_admin
from tests.support.factories import add_treatments, make_article, make_treatment

pytestmark = pytest.mark.django_db

LONG_LINE = "Example sentence that runs on. " * 40


def compare(client, page, older, newer):
    url = reverse(f"admin:articles_{page._meta.model_name}_compare", args=[page.pk])
    response = client.get(url, {"version_id1": older.pk, "version_id2": newer.pk})
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def labels(soup):
    return [dt.get_text(strip=True) for dt in soup.select(".version-changes dt")]


def versions_of(page):
    """Oldest first."""
    return list(Version.objects.get_for_object(page).order_by("pk"))


def saved(page, **changes):
    for name, value in changes.items():
        setattr(page, name, value)
    with reversion.create_revision():
        page.save()


@pytest.fixture
def draft(series):
    return make_article(series, status=Status.DRAFT, body="## Example heading\n\nFirst text.")


def test_only_the_fields_editors_write_are_compared_under_the_forms_labels(editor_client, draft):
    reviewer = Person.objects.create(name="Example Reviewer", credentials="example credentials")
    save_via_admin(editor_client, draft, title="Example first title")
    save_via_admin(
        editor_client,
        draft,
        title="Example second title",
        body=f"## Example heading\r\n\r\nFirst text, edited.\r\n\r\n{LONG_LINE}",
        reviewer=reviewer.pk,
        mark_terms="",
    )
    older, newer = versions_of(draft)

    soup = compare(editor_client, draft, older, newer)

    # body_html, plain_text, word_count, toc, updated and the search data changed too.
    assert labels(soup) == ["Title", "Body", "Mark glossary terms", "Medical reviewer"]
    changes = dict(zip(labels(soup), soup.select(".version-changes dd"), strict=True))
    assert changes["Medical reviewer"].ins.get_text() == "Example Reviewer, example credentials"
    assert "None" not in changes["Medical reviewer"].get_text()
    assert "edited" in changes["Body"].ins.get_text()
    assert "\r" not in changes["Body"].get_text()
    assert changes["Mark glossary terms"].get_text(" ", strip=True) == "- Yes + No"


def test_a_text_saved_again_with_browser_line_breaks_is_unchanged(editor_client, draft):
    saved(draft, body="Example line one.\nExample line two.")
    saved(draft, body="Example line one.\r\nExample line two.")
    older, newer = versions_of(draft)

    soup = compare(editor_client, draft, older, newer)

    assert labels(soup) == []
    assert "The two versions say the same." in soup.select_one("#content-main").get_text()


def test_the_pages_lists_are_compared_by_name(editor_client, draft):
    saved(draft)
    add_treatments(draft, [make_treatment("example-listed", name="Example Listed Treatment")])
    saved(draft)
    older, newer = versions_of(draft)

    soup = compare(editor_client, draft, older, newer)

    assert labels(soup) == ["Treatments listed"]
    assert soup.select_one(".version-changes dd ins").get_text() == "0. Example Listed Treatment"


def test_breadcrumb_names_the_page_and_no_disclaimer_is_shown(editor_client, draft):
    saved(draft, title="Example first")
    saved(draft, title="Example second")
    older, newer = versions_of(draft)

    soup = compare(editor_client, draft, older, newer)

    crumbs = soup.select_one(".breadcrumbs")
    assert crumbs.get_text(" ", strip=True) == (
        "Home › Articles › #1 Example second › History › Compare"
    )
    links = [a["href"] for a in crumbs.select("a")]
    assert links == [
        reverse("admin:index"),
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_change", args=[draft.pk]),
        reverse("admin:articles_article_history", args=[draft.pk]),
    ]
    text = soup.get_text(" ")
    assert "not all marked information" not in text
    assert "not under reversion control" not in text
    assert "add: None" not in text


def test_the_live_version_is_labelled(editor_client, live):
    saved(live, title="Example live, first")
    saved(live, title="Example live, second")
    older, newer = versions_of(live)

    soup = compare(editor_client, live, older, newer)

    [label] = soup.select(".compared-versions .version-label")
    assert label.get_text() == "Live version"
    assert label.find_parent("li").strong.get_text() == "Newer:"


def test_the_current_draft_is_labelled_and_older_versions_are_not(editor_client, live):
    draft = drafts.start_draft(live)
    for title in ("Example draft one", "Example draft two", "Example draft three"):
        saved(draft, title=title)
    first, second, third = versions_of(draft)

    latest = compare(editor_client, draft, first, third)
    earlier = compare(editor_client, draft, first, second)

    assert [s.get_text() for s in latest.select(".version-label")] == ["Current draft"]
    assert earlier.select(".version-label") == []
