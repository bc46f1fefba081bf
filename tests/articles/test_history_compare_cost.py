"""The compare page of a page's history answers in bounded time whatever two versions say.
Both versions are an editor's to write: a 48 KB body of two alternating lines, saved twice with
the first line changed, held a gunicorn worker past its 30 s timeout (killed, 500), because
`changes.changed_passages` runs difflib's SequenceMatcher with autojunk off, quadratic in the
repeated lines. The sign-off page and review links use the same function on a draft."""

import time
from difflib import SequenceMatcher

import pytest
import reversion
from django.urls import reverse
from reversion.models import Version

from articles.changes import changed_passages, line_opcodes
from articles.models import Status
from tests.support.factories import make_article

pytestmark = pytest.mark.django_db

# CPU seconds, as the Markdown bounds count them; the page below took ten times this.
SECONDS = 2.5
# 24 KB: a quarter of the Markdown length limit.
REPEATED = "\n".join(["a", "b"] * 6000)


def saved(page, **changes):
    for name, value in changes.items():
        setattr(page, name, value)
    with reversion.create_revision():
        page.save()


def test_comparing_two_versions_of_many_repeated_lines_is_quick(editor_client, series):
    page = make_article(series, status=Status.DRAFT, body="Example.")
    saved(page, body=REPEATED)
    saved(page, body="c\n" + REPEATED[2:])
    older, newer = Version.objects.get_for_object(page).order_by("pk")[:2]
    url = reverse("admin:articles_article_compare", args=[page.pk])

    started = time.process_time()
    response = editor_client.get(url, {"version_id1": older.pk, "version_id2": newer.pk})
    elapsed = time.process_time() - started

    assert response.status_code == 200
    assert elapsed < SECONDS, f"took {elapsed:.1f} s of CPU"


def test_lines_both_texts_start_and_end_with_are_kept_when_matching_gives_up():
    # Changed at both ends, so what lies between is too much to match line by line.
    after = "c\n" + REPEATED[2:-2] + "\nd"

    started = time.process_time()
    shown = str(changed_passages("first\n" + REPEATED + "\nlast", "first\n" + after + "\nlast"))
    elapsed = time.process_time() - started

    assert elapsed < SECONDS, f"took {elapsed:.1f} s of CPU"
    assert shown.startswith('<div class="passages"><div>first</div>')
    assert shown.endswith("<div>last</div></div>")
    # The passage between is shown as replaced whole, its changes marked word by word.
    assert "<del>a</del><ins>c</ins>" in shown and "<del>b</del><ins>d</ins>" in shown
    assert shown.count("<del>") == 2


def test_a_change_among_repeated_lines_is_shown_on_its_own():
    shown = str(changed_passages(REPEATED, "c\n" + REPEATED[2:]))

    # The first line replaced, two lines of context, then the rest skipped.
    assert shown.count("<del>") == 1 and "<del>a</del><ins>c</ins>" in shown
    assert shown.endswith('<div>b\na</div><div class="skipped">…</div></div>')


def test_the_longest_ordinary_page_is_matched_exactly_as_before():
    # 96 KB, the Markdown length limit: paragraphs between blank lines, edited near both ends.
    paragraphs = [
        f"Paragraph {n}, a sentence of about the length people write." for n in range(1500)
    ]
    old = [line for paragraph in paragraphs for line in (paragraph, "")]
    new = [*old[:10], "An edited paragraph.", *old[11:2900], "Another one.", *old[2901:]]

    exact = SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    assert line_opcodes(old, new) == exact
