"""The privacy page says what the software does, with the figures it uses; and the retention
command deletes what the page says is kept only for a while."""

import subprocess
import sys
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import PageFeedback, ReviewLink, Status
from tests.support.factories import make_treatment

pytestmark = pytest.mark.django_db


def privacy_text(client):
    response = client.get("/privacy/")
    assert response.status_code == 200
    assert not response.cookies  # as it says
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


def test_the_figures_come_from_the_settings_the_code_uses(client, settings):
    settings.FEEDBACK_RETENTION_DAYS = 30
    settings.FEEDBACK_RATE_PERIOD = 2 * 60 * 60
    settings.SESSION_COOKIE_AGE = 3 * 24 * 60 * 60
    settings.AXES_FAILURE_LIMIT = 7
    settings.AXES_COOLOFF_TIME = 2

    text = privacy_text(client)

    assert "Comments are deleted 30 days after they are sent" in text
    assert "for 2\xa0hours" in text
    assert "lasts 3\xa0days or until you sign out" in text
    assert "After 7 failed attempts" in text
    assert "paused for 2\xa0hours" in text
    assert "A link lasts at most 60 days" in text


def test_the_defaults_as_readers_see_them(client):
    text = privacy_text(client)
    assert "Comments are deleted 365 days after they are sent" in text
    assert "only in its short-term cache, for 1\xa0hour" in text
    assert "lasts 2\xa0weeks or until you sign out" in text


def test_the_retention_period_is_read_from_the_environment():
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings;"
         "print(settings.FEEDBACK_RETENTION_DAYS)"],
        cwd=settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "1", "FEEDBACK_RETENTION_DAYS": "90",
             "DJANGO_SETTINGS_MODULE": "trdsite.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert result.stdout.strip() == "90", result.stderr


def test_every_page_links_to_it(client, article):
    for url in ("/", article.get_absolute_url(), "/no-such-page/"):
        soup = BeautifulSoup(client.get(url).content, "html.parser")
        assert soup.select_one('.site-footer a[href="/privacy/"]'), url


def test_readers_get_no_cookie_even_when_they_send_feedback(client, article):
    for url in (article.get_absolute_url(), "/privacy/", "/no-such-page/"):
        assert not client.get(url).cookies, url
    response = client.post(
        reverse("articles:feedback"),
        {"kind": "article", "page": article.pk, "helpful": "yes", "comment": "Example."},
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 303
    assert not response.cookies
    assert PageFeedback.objects.get().comment == "Example."


def test_a_reviewer_gets_one_cookie_for_the_review_page_alone(client, db):
    page = make_treatment("example-treatment", status=Status.DRAFT)
    _, token = ReviewLink.create(page, reviewer_name="Example Reviewer")
    url = reverse("articles:review", args=[token])

    cookies = client.get(url).cookies

    assert len(cookies) == 1
    (cookie,) = cookies.values()
    # For that address only, and gone when the browser closes (no expiry).
    assert (cookie["path"], cookie["max-age"], cookie["expires"]) == (url, "", "")


# The retention command


def forget():
    out = StringIO()
    call_command("forget_personal_data", stdout=out)
    return out.getvalue()


@pytest.fixture
def page(db):
    return make_treatment("example-treatment")


def test_feedback_comments_go_after_the_retention_period(page, settings):
    settings.FEEDBACK_RETENTION_DAYS = 30
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        old = PageFeedback.objects.create(treatment=page, helpful=False, comment="Example old.")
    with time_machine.travel(start + timedelta(days=29), tick=False):
        recent = PageFeedback.objects.create(treatment=page, helpful=True, comment="Example new.")
        assert "Deleted 0 feedback comments" in forget()

    with time_machine.travel(start + timedelta(days=30, seconds=1), tick=False):
        assert forget().startswith("Deleted 1 feedback comment older than 30 days")
        assert forget().startswith("Deleted 0 feedback comments")  # again: nothing more

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.comment, old.helpful) == ("", False)  # the answer stays
    assert recent.comment == "Example new."


def test_reviewers_emails_go_when_their_link_ends(page):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        expiring, _ = ReviewLink.create(
            page, days=14, reviewer_name="Example Reviewer", email="expiring@example.org"
        )
        withdrawn, _ = ReviewLink.create(
            page, days=14, reviewer_name="Example Reviewer", email="withdrawn@example.org"
        )
        # Ended some other way than revoke(), which blanks the email itself.
        ReviewLink.objects.filter(pk=withdrawn.pk).update(revoked_at=start)
        longer, _ = ReviewLink.create(
            page, days=30, reviewer_name="Example Reviewer", email="open@example.org"
        )

    with time_machine.travel(start + timedelta(days=14, seconds=1), tick=False):
        assert "and 2 email addresses of reviewers whose link has ended" in forget()
        assert "and 0 email addresses" in forget()

    emails = dict(ReviewLink.objects.values_list("pk", "email"))
    assert emails == {expiring.pk: "", withdrawn.pk: "", longer.pk: "open@example.org"}
    # The reviewer's name stays with the page's history.
    assert set(ReviewLink.objects.values_list("reviewer_name", flat=True)) == {"Example Reviewer"}


def test_forgetting_leaves_readers_pages_cached(client, page, django_assert_num_queries):
    PageFeedback.objects.create(
        treatment=page,
        helpful=True,
        comment="Example.",
        created=timezone.now() - timedelta(days=400),
    )
    client.get(page.get_absolute_url())

    assert "Deleted 1 feedback comment" in forget()

    with django_assert_num_queries(0):
        assert client.get(page.get_absolute_url()).status_code == 200
