"""The compare page of a page's history answers in bounded time whatever two versions say.
Both versions are an editor's to write: a 48 KB body of two alternating lines, saved twice with
the first line changed, held a gunicorn worker past its 30 s timeout (killed, 500), because
`changes.changed_passages` runs difflib's SequenceMatcher with autojunk off, quadratic in the
repeated lines. The sign-off page and review links use the same function on a draft."""

import time

import pytest
import reversion
from django.urls import reverse
from reversion.models import Version

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
