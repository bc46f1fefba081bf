"""Readers' feedback on a page: a form in the cached page, without token, cookie or script,
posted to an endpoint that guards itself (origin, size, rate per address, a honeypot) and keeps
nothing about the reader. Editors read it in the admin (flagged comments first), mark it
handled, export it, and see its counts on the page's form and in the review queue."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core import serializers
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import drafts
from articles.models import PageFeedback, Status
from articles.models.feedback import COMMENT_MAX_LENGTH
from articles.reader_feedback import MAX_BODY_BYTES, rate_key
from tests.support.factories import make_article, make_treatment

pytestmark = pytest.mark.django_db

SITE = "http://testserver"
FEEDBACK = "/feedback/"


@pytest.fixture
def treatment(db):
    return make_treatment("example-feedback-treatment")


def send(client, target, *, origin=SITE, headers=None, address="127.0.0.1", secure=False, **fields):
    """Post the page's feedback form as a browser at `address` does (Origin names the site)."""
    data = {
        "kind": target._meta.model_name,
        "page": target.pk,
        "helpful": "yes",
        "comment": "",
        "website": "",
        **fields,
    }
    headers = {**({"origin": origin} if origin else {}), **(headers or {})}
    return client.post(FEEDBACK, data, headers=headers, secure=secure, REMOTE_ADDR=address)


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def comment_box(soup):
    # Browsers drop the line break that follows <textarea>; html.parser keeps it.
    return soup.select_one("textarea[name=comment]").get_text().removeprefix("\n")


# The form on readers' pages


@pytest.mark.parametrize("kind", ["article", "treatment"])
def test_public_pages_end_with_the_form_and_the_crisis_wording(client, article, treatment, kind):
    page = {"article": article, "treatment": treatment}[kind]
    response = client.get(page.get_absolute_url())
    soup = soup_of(response)

    form = soup.select_one(".page-feedback form")
    assert form["method"] == "post" and form["action"] == reverse("articles:feedback")
    assert form.find("input", {"name": "kind"})["value"] == kind
    assert form.find("input", {"name": "page"})["value"] == str(page.pk)
    assert [radio["value"] for radio in form.select("input[name=helpful]")] == ["yes", "no"]
    assert soup.select_one(".page-feedback h2").get_text() == "Was this page helpful?"
    label = form.find("label", {"for": "site-feedback-comment"}).get_text()
    assert "What was missing or wrong?" in label
    assert "Please don't include personal details." in form.get_text()
    assert form.select_one(".feedback-hint a")["href"] == reverse("articles:privacy")
    crisis = form.select_one(".feedback-crisis")
    assert crisis.get_text().startswith("This form is not monitored for emergencies.")
    # The link goes to the urgent-help callout of the same page.
    target = crisis.a["href"]
    assert target.startswith("#") and soup.find(id=target[1:]).name == "aside"
    assert "urgent-help" in soup.find(id=target[1:])["class"]
    # The honeypot is hidden by the stylesheet: no inline style, which the CSP forbids.
    assert form.select_one(".feedback-extra input[name=website]")
    assert not soup.select("[style]")
    # The same page for everyone: no token, no cookie.
    assert "csrfmiddlewaretoken" not in response.text
    assert not response.cookies


def test_the_stylesheet_hides_the_honeypot():
    from django.contrib.staticfiles import finders

    with open(finders.find("css/site.css"), encoding="utf-8") as stylesheet:
        assert ".feedback-extra { display: none; }" in stylesheet.read()


def test_drafts_and_previews_show_no_form(editor_client, series, article):
    draft = make_article(series, 2, slug="example-draft", status=Status.DRAFT)
    response = editor_client.get(draft.get_absolute_url())  # staff open drafts at their address
    assert response.status_code == 200 and "page-feedback" not in response.text

    # The admin's preview of the live page itself.
    preview = reverse("admin:articles_article_change", args=[article.pk]) + "preview/"
    response = editor_client.get(preview)
    assert response.status_code == 200 and "page-feedback" not in response.text


def test_a_review_page_shows_no_form(client, article):
    response = client.get(article.get_absolute_url())
    context = response.context[0].flatten()
    assert "page-feedback" in render_to_string("articles/article_detail.html", context)
    context["review_link"] = object()
    assert "page-feedback" not in render_to_string("articles/article_detail.html", context)


def test_the_form_costs_readers_no_query_and_survives_the_page_cache(
    client, article, django_assert_num_queries
):
    url = article.get_absolute_url()
    first = client.get(url)
    with django_assert_num_queries(0):
        cached = client.get(url)
    assert cached.content == first.content and b"page-feedback" in cached.content

    # Feedback sent while the page is cached: stored, and the cache is not emptied.
    assert send(Client(), article, comment="Example comment").status_code == 303
    assert PageFeedback.objects.get().comment == "Example comment"
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.content == first.content


# Sending it


def test_a_reader_sends_feedback_and_is_thanked(client, article):
    response = send(client, article, helpful="no", comment="Example: the dose was missing.")

    assert response.status_code == 303
    assert response["Location"] == reverse("articles:feedback_thanks")
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    assert not response.cookies
    feedback = PageFeedback.objects.get()
    assert (feedback.article, feedback.treatment) == (article, None)
    assert feedback.helpful is False
    assert feedback.comment == "Example: the dose was missing."
    assert not feedback.flagged and not feedback.handled

    thanks = client.get(response["Location"])
    assert thanks.status_code == 200 and not thanks.cookies
    soup = soup_of(thanks)
    assert soup.h1.get_text() == "Thank you for your feedback"
    assert soup.select_one("aside.urgent-help")
    assert "not monitored for emergencies" in soup.get_text()
    assert not client.cookies


def test_feedback_on_a_treatment(client, treatment):
    assert send(client, treatment, helpful="yes").status_code == 303
    feedback = PageFeedback.objects.get()
    assert (feedback.article, feedback.treatment, feedback.helpful) == (None, treatment, True)


def test_nothing_about_the_reader_is_kept(client, article, settings):
    address, agent = "198.51.100.23", "Example-Agent/1.0 (example)"
    response = send(
        client,
        article,
        comment="Example comment",
        headers={"user-agent": agent},
        address=address,
    )
    assert response.status_code == 303
    assert not response.cookies

    stored = serializers.serialize("json", PageFeedback.objects.all())
    assert address not in stored and agent not in stored
    field_names = {field.name for field in PageFeedback._meta.get_fields()}
    assert field_names == {
        "id",
        "article",
        "treatment",
        "helpful",
        "comment",
        "flagged",
        "handled",
        "created",
    }


def test_the_rate_limit_record_holds_no_address_and_expires(client, article, settings):
    from django.core.cache import caches
    from django.test import RequestFactory

    cache = caches["throttle"]
    address = "198.51.100.24"
    request = RequestFactory().post(FEEDBACK, REMOTE_ADDR=address)
    key = rate_key(request)
    assert address not in key
    with time_machine.travel(timezone.now(), tick=False) as clock:
        send(client, article, address=address)
        count, ends = cache.get(key)
        assert count == 1 and address not in repr(cache.get(key))
        clock.shift(timedelta(seconds=settings.FEEDBACK_RATE_PERIOD + 1))
        assert cache.get(key) is None


@pytest.mark.parametrize(
    "comment, flagged",
    [
        ("I have been thinking about suicide since reading this.", True),
        ("Nothing on SELF-HARM in the side effects.", True),
        ("Some days I want to die.", True),
        ("Example: the section on lithium was clear.", False),
        ("Example: the doses were clearly explained.", False),  # whole words: "dose" is not on it
        ("Example: I overdosed last year.", True),
        ("Example: selfharm", True),
    ],
)
def test_comments_that_mention_self_harm_are_flagged(client, article, comment, flagged):
    assert send(client, article, comment=comment).status_code == 303
    assert PageFeedback.objects.get().flagged is flagged


# Refused, and why


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://elsewhere.example"},
        {"origin": "null"},
        {"origin": "http://testserver.elsewhere.example"},
        {"origin": "http://user@testserver"},
        {"referer": "https://elsewhere.example/articles/example-article-1/"},
        {"referer": "not a url"},
        {},  # neither: refused, as Django's CSRF check refuses it
    ],
    ids=["other-site", "null", "look-alike", "userinfo", "other-referer", "bad-referer", "none"],
)
def test_a_form_sent_from_elsewhere_is_refused(client, article, headers):
    response = send(client, article, origin=None, headers=headers)
    assert response.status_code == 403
    assert soup_of(response).h1.get_text() == "Feedback not sent"
    assert "did not come from a page of this site" in response.text
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    assert not PageFeedback.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"referer": "http://testserver/articles/example-article-1/"},  # an old browser: no Origin
        {"origin": "http://example-site.example"},  # the site's public domain
    ],
    ids=["referer", "site-domain"],
)
def test_a_form_from_this_site_is_accepted(client, article, headers, settings):
    settings.SITE_DOMAIN = "example-site.example"
    response = send(client, article, origin=None, headers=headers)
    assert response.status_code == 303
    assert PageFeedback.objects.count() == 1


def test_over_https_the_origin_must_be_https(client, article):
    response = send(client, article, origin="http://testserver", secure=True)
    assert response.status_code == 403
    assert send(client, article, origin="https://testserver", secure=True).status_code == 303


def test_unknown_and_non_public_pages_answer_404(client, series, article, treatment, future):
    draft = make_article(series, 2, slug="example-draft", status=Status.DRAFT)
    scheduled = make_article(series, 3, slug="example-scheduled", publish_at=future)
    draft_of_live = drafts.start_draft(article)
    cases = [
        {"page": draft.pk},
        {"page": scheduled.pk},
        {"page": draft_of_live.pk},
        {"page": 987654},
        {"page": "not-a-number"},
        {"page": str(2**70)},
        {"kind": "series", "page": series.pk},
        {"kind": "treatment", "page": 987654},
    ]
    for fields in cases:
        response = send(client, article, **fields)
        assert response.status_code == 404, fields
        assert "Page not found" in response.text
        assert not response.cookies and "no-store" in response["Cache-Control"]
    assert not PageFeedback.objects.exists()


def test_a_comment_too_long_comes_back_with_the_text_and_what_to_do(client, article):
    text = "Example words. " * 70  # 1,050 characters
    response = send(client, article, helpful="no", comment=text)

    assert response.status_code == 400
    soup = soup_of(response)
    assert comment_box(soup) == text
    assert soup.select_one("input[name=helpful][value=no]").has_attr("checked")
    error = soup.select_one("#site-feedback-comment-error").get_text()
    assert f"Your comment is {len(text.strip()):,} characters long." in error
    assert f"shorten it to {COMMENT_MAX_LENGTH:,} characters or fewer" in error
    assert soup.select_one("textarea")["aria-invalid"] == "true"
    assert "not monitored for emergencies" in soup.get_text()
    assert soup.select_one("aside.urgent-help")
    assert not response.cookies and "no-store" in response["Cache-Control"]
    assert not PageFeedback.objects.exists()


def test_the_limit_counts_characters_as_the_reader_sees_them(client, article):
    exactly = "é" * COMMENT_MAX_LENGTH
    assert send(client, article, comment=exactly).status_code == 303
    # Browsers send each line break as CR LF: one character, stored as one.
    lines = "Example\r\n" * 120  # 1,080 as sent, 960 as typed
    assert send(client, article, comment=lines).status_code == 303
    assert PageFeedback.objects.filter(comment=lines.replace("\r\n", "\n").strip()).exists()
    assert send(client, article, comment=exactly + "x").status_code == 400


def test_without_yes_or_no_the_form_asks_and_keeps_the_text(client, article):
    response = send(client, article, helpful="", comment="Example kept text")
    assert response.status_code == 400
    soup = soup_of(response)
    assert "Choose Yes or No." in soup.select_one("#site-feedback-helpful-error").get_text()
    assert comment_box(soup) == "Example kept text"
    assert not PageFeedback.objects.exists()


def test_a_body_too_large_is_refused_unread(client, article):
    response = send(client, article, comment="x" * (MAX_BODY_BYTES + 1))
    assert response.status_code == 413
    assert "too long to send" in response.text
    assert not PageFeedback.objects.exists()


def test_the_honeypot_thanks_robots_and_keeps_nothing(client, article):
    response = send(client, article, website="https://spam.example", comment="Example spam")
    assert response.status_code == 303
    assert response["Location"] == reverse("articles:feedback_thanks")
    assert not PageFeedback.objects.exists()


def test_only_post(client):
    response = client.get(FEEDBACK)
    assert response.status_code == 405
    assert not response.cookies


def test_each_address_may_send_only_so_many(client, article, settings):
    settings.FEEDBACK_RATE_LIMIT = 3
    one, other = "198.51.100.30", "203.0.113.31"
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(3):
            assert send(client, article, address=one).status_code == 303

        response = send(client, article, comment="Example kept", address=one)
        assert response.status_code == 429
        assert not response.cookies
        soup = soup_of(response)
        assert "try again later" in soup.select_one(".feedback-problems").get_text()
        assert comment_box(soup) == "Example kept"
        assert PageFeedback.objects.count() == 3

        # Someone else is not held back.
        assert send(client, article, address=other).status_code == 303

        # The allowance comes back once the period is over.
        clock.shift(timedelta(seconds=settings.FEEDBACK_RATE_PERIOD - 5))
        assert send(client, article, address=one).status_code == 429
        clock.shift(timedelta(seconds=10))
        assert send(client, article, address=one).status_code == 303
    assert PageFeedback.objects.count() == 5


def test_behind_a_proxy_the_limit_is_per_client_address(client, article, settings):
    """The same client address as the sign-in throttle: the header the proxy sets."""
    settings.FEEDBACK_RATE_LIMIT = 1
    settings.CLIENT_IP_HEADER = "X-Real-IP"

    def from_client(address):
        return send(client, article, headers={"x-real-ip": address}, address="10.0.0.1")

    assert from_client("198.51.100.40").status_code == 303
    assert from_client("198.51.100.40").status_code == 429
    assert from_client("198.51.100.41").status_code == 303


def test_the_sign_in_throttle_uses_the_same_client_address(settings):
    from axes.helpers import get_client_ip_address
    from django.test import RequestFactory

    from articles.readers import client_ip

    assert settings.AXES_CLIENT_IP_CALLABLE == "articles.readers.client_ip"
    settings.CLIENT_IP_HEADER = "X-Real-IP"
    request = RequestFactory().get("/", HTTP_X_REAL_IP="198.51.100.50", REMOTE_ADDR="10.0.0.1")
    assert client_ip(request) == get_client_ip_address(request) == "198.51.100.50"


# Editors


def feedback(page, helpful=True, comment="", days_ago=0, **fields):
    with time_machine.travel(timezone.now() - timedelta(days=days_ago)):
        return PageFeedback.objects.create(
            **{page._meta.model_name: page}, helpful=helpful, comment=comment, **fields
        )


CHANGELIST = "/admin/articles/pagefeedback/"


def test_editors_see_flagged_feedback_first_and_are_warned(editor_client, article, treatment):
    feedback(article, comment="Example older plain comment", days_ago=2)
    feedback(article, comment="Example: I want to die", days_ago=5)
    feedback(treatment, comment="Example newest comment")
    feedback(article, comment="Example handled: suicide", handled=True)

    response = editor_client.get(CHANGELIST)
    assert response.status_code == 200
    rows = [
        row.get_text(" ", strip=True) for row in soup_of(response).select("#result_list tbody tr")
    ]
    assert "I want to die" in rows[0] and "Read first:" in rows[0]
    assert "Example newest comment" in rows[1]
    assert "Example older plain comment" in rows[2]
    assert "Example handled" in rows[3] and "Read first" not in rows[3]
    warning = soup_of(response).select_one(".messagelist .warning").get_text()
    assert "1 comment from readers mentions self-harm" in warning

    flagged = editor_client.get(CHANGELIST + "?flagged__exact=1&handled__exact=0")
    assert "I want to die" in flagged.text and "Example newest" not in flagged.text
    treatments = editor_client.get(CHANGELIST + "?kind=treatment")
    assert "Example newest comment" in treatments.text and "want to die" not in treatments.text


def test_feedback_is_never_added_in_the_admin(editor_client, publisher_client):
    for client in (editor_client, publisher_client):
        assert client.get(CHANGELIST + "add/").status_code == 403
        assert not soup_of(client.get(CHANGELIST)).select(".object-tools .addlink")


def test_only_handled_can_be_changed(editor_client, article):
    item = feedback(article, comment="Example original comment")
    url = f"{CHANGELIST}{item.pk}/change/"
    page = editor_client.get(url)
    assert page.status_code == 200
    soup = soup_of(page)
    assert [field["name"] for field in soup.select("form input[type=checkbox]")] == ["handled"]
    assert not soup.select("form textarea")

    response = editor_client.post(
        url, {"handled": "on", "comment": "Example forged", "helpful": "", "flagged": "on"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.handled and item.comment == "Example original comment"
    assert item.helpful is True and not item.flagged


def test_mark_as_handled(editor_client, article):
    first, second, other = (feedback(article, comment=f"Example {n}") for n in range(3))
    response = editor_client.post(
        CHANGELIST,
        {"action": "mark_handled", "_selected_action": [first.pk, second.pk]},
    )
    assert response.status_code == 302
    assert set(PageFeedback.objects.filter(handled=True)) == {first, second}


def csv_rows(response):
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="reader-feedback-')
    text = response.content.decode()
    assert text.startswith("\ufeff")  # for Excel
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_export_selected_as_csv_is_safe_in_a_spreadsheet(editor_client, article, treatment):
    chosen = [
        feedback(article, helpful=False, comment='=HYPERLINK("http://x.example","Example")'),
        feedback(treatment, comment="-1+2 example"),
        feedback(article, comment="@example, +example"),
    ]
    feedback(article, comment="Example not selected")

    response = editor_client.post(
        CHANGELIST,
        {"action": "export_csv", "_selected_action": [item.pk for item in chosen]},
    )

    rows = csv_rows(response)
    assert rows[0] == [
        "Sent",
        "Page kind",
        "Page",
        "Page address",
        "Helpful",
        "Comment",
        "Flagged",
        "Handled",
    ]
    by_comment = {row[5]: row for row in rows[1:]}
    assert set(by_comment) == {
        '\'=HYPERLINK("http://x.example","Example")',
        "'-1+2 example",
        "'@example, +example",
    }
    row = by_comment['\'=HYPERLINK("http://x.example","Example")']
    assert row[1:5] == ["article", str(article), article.get_absolute_url(), "No"]
    assert by_comment["'-1+2 example"][1:3] == ["treatment", str(treatment)]


def test_export_the_filtered_list(editor_client, article):
    feedback(article, comment="Example about suicide")
    feedback(article, comment="Example plain")
    changelist = editor_client.get(CHANGELIST + "?flagged__exact=1")
    export = soup_of(changelist).find("a", string="Export these as CSV")["href"]
    assert "flagged__exact=1" in export

    rows = csv_rows(editor_client.get(export))
    assert [row[5] for row in rows[1:]] == ["Example about suicide"]
    assert rows[1][6] == "Yes"


def test_readers_cannot_reach_the_feedback(client, article):
    feedback(article, comment="Example private")
    response = client.get(CHANGELIST + "export/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_page_form_shows_the_last_90_days(editor_client, article):
    feedback(article, helpful=True, comment="Example recent praise", days_ago=1)
    feedback(article, helpful=False, comment="Example: suicide not covered", days_ago=3)
    feedback(article, helpful=False, days_ago=10)
    feedback(article, helpful=True, comment="Example too old", days_ago=100)

    response = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    box = soup_of(response).select_one(".reader-feedback")
    text = box.get_text(" ", strip=True)
    assert "Reader feedback (last 90 days)" in text
    assert "1 yes · 2 no" in text
    assert "Example recent praise" in text and "Example too old" not in text
    assert "1 comment on this page mentions self-harm or suicide" in text
    link = box.find("a", string="All feedback on this page")["href"]
    assert link == f"{CHANGELIST}?article__id__exact={article.pk}"
    assert "Example too old" in editor_client.get(link).text


def test_a_draft_shows_its_live_pages_feedback(editor_client, article):
    feedback(article, helpful=False, comment="Example on the live page")
    draft = drafts.start_draft(article)
    response = editor_client.get(reverse("admin:articles_article_change", args=[draft.pk]))
    text = soup_of(response).select_one(".reader-feedback").get_text(" ", strip=True)
    assert "on the live page" in text and "Example on the live page" in text
    assert "0 yes · 1 no" in text


def test_the_review_queue_counts_in_one_query(editor_client, series, treatment):
    queue = reverse("admin:articles_review_queue")

    def feedback_queries():
        with CaptureQueriesContext(connection) as queries:
            response = editor_client.get(queue)
        assert response.status_code == 200
        return response, [q for q in queries.captured_queries if "pagefeedback" in q["sql"]]

    first = make_article(series, 1)
    feedback(first, helpful=True)
    feedback(first, helpful=False)
    feedback(first, helpful=False, days_ago=120)
    _, few = feedback_queries()
    for number in range(2, 6):
        feedback(make_article(series, number), helpful=True)
    feedback(treatment, helpful=False)
    response, many = feedback_queries()
    assert len(few) == len(many) == 1

    rows = {row.a.get_text(): row for row in soup_of(response).select(".review-queue tbody tr")}
    cells = [cell.get_text(" ", strip=True) for cell in rows[str(first)].find_all("td")]
    assert "1 yes · 1 no" in cells
    assert (
        rows[str(first)]
        .find("a", string="1 yes · 1 no")["href"]
        .endswith(f"?article__id__exact={first.pk}")
    )
    treatment_cells = [c.get_text(" ", strip=True) for c in rows[str(treatment)].find_all("td")]
    assert "0 yes · 1 no" in treatment_cells


def test_editors_delete_feedback_that_holds_personal_details(editor_client, article):
    feedback = PageFeedback.objects.create(
        article=article, helpful=False, comment="Example: I am Example Person of 1 Example St."
    )
    delete = reverse("admin:articles_pagefeedback_delete", args=[feedback.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 302
    assert not PageFeedback.objects.exists()


def test_a_flood_from_many_addresses_never_touches_the_page_cache(
    client, article, settings, monkeypatch
):
    from django.core.cache import cache, caches

    from operations.page_cache import GENERATION_KEY, current_generation

    settings.FEEDBACK_RATE_LIMIT = 1
    generation = current_generation()
    for culled in (caches["default"], caches["throttle"]):  # both cull soon, as in a flood
        monkeypatch.setattr(culled, "_max_entries", 20)
        monkeypatch.setattr(culled, "_cull_frequency", 2)
    for n in range(60):
        send(client, article, address=f"203.0.113.{n}", website="example robot")
    assert cache.get(GENERATION_KEY)[0] == generation


def test_an_ipv6_connection_is_counted_by_its_64_network(client, article, settings):
    settings.FEEDBACK_RATE_LIMIT = 2
    assert send(client, article, address="2001:db8:1:2::1").status_code == 303
    assert send(client, article, address="2001:db8:1:2:ffff::9").status_code == 303
    assert send(client, article, address="2001:db8:1:2:abcd::7").status_code == 429
    assert send(client, article, address="2001:db8:1:3::1").status_code == 303


def test_hidden_characters_are_dropped_from_comments(client, article):
    send(client, article, comment="Example\u202e text\u200b here\x07")
    assert PageFeedback.objects.get().comment == "Example text here"
