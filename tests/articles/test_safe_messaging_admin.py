"""Safe messaging in the admin: the flags beside the plain-language figures and in the editor's
preview, and publishing a page with flags only once a publisher ticked that they read them
(sign-off page and change form), with their name in the history."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, Status
from articles.safe_messaging import HELP, LANGUAGE, METHODS
from tests.support.admin_forms import form_data, form_errors
from tests.support.factories import make_article, make_treatment
from tests.support.signoff import edit, public_text, sign_off, start_draft, url

pytestmark = pytest.mark.django_db

# Two flags: the phrase, and a mention with no route to help in the body.
FLAGGED_BODY = "Example: people who commit suicide are often unwell."
READ = "I have read the safe-messaging notes"
PREVIEW = reverse("markdownx_markdownify")


def comment_of(page):
    return Version.objects.get_for_object(page).first().revision.comment


def notes(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [item.get_text(" ", strip=True) for item in soup.select(".safe-messaging-notes li")]


def checkbox(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return soup.find("input", attrs={"name": "safe_messaging_read"})


def change(client, page, **changes):
    data = form_data(client.get(url("change", page)))
    data.update(changes)
    return client.post(url("change", page), data)


# The change form shows them


def test_the_change_form_lists_the_flags_beside_the_plain_language_figures(editor_client, series):
    article = make_article(series, status=Status.DRAFT, body=FLAGGED_BODY)
    response = editor_client.get(url("change", article))
    html = response.content.decode()

    assert html.index("Plain language") < html.index("Safe messaging") < html.index("Publishing")
    listed = notes(response)
    assert len(listed) == 2
    assert LANGUAGE in listed[0] and "commit suicide" in listed[0] and "Body" in listed[0]
    assert "died by suicide" in listed[0]
    assert HELP in listed[1]
    assert "<mark>commit suicide</mark>" in html
    assert "not verdicts" in html


def test_a_treatment_is_checked_in_its_name_summary_and_body(editor_client):
    treatment = make_treatment(
        "example-checked",
        status=Status.DRAFT,
        name="Example overdose treatment",
        summary="Example: see [where to get help now](/help/).",
        body="Example: after a failed suicide attempt.",
    )
    listed = notes(editor_client.get(url("change", treatment)))
    assert [note.split(".")[0] for note in listed] == [
        "Don't describe or detail methods or locations",
        LANGUAGE,
    ]
    assert "Name" in listed[0] and "Body" in listed[1]


def test_a_page_without_flags_says_so(editor_client, series):
    article = make_article(series, status=Status.DRAFT)
    html = editor_client.get(url("change", article)).content.decode()
    assert "No safe-messaging notes" in html
    assert notes(editor_client.get(url("change", article))) == []


def test_editors_get_no_box_to_tick(editor_client, series):
    article = make_article(series, status=Status.REVIEW, body=FLAGGED_BODY)
    assert checkbox(editor_client.get(url("change", article))) is None


# Publishing from the change form (a page never published)


def test_publishing_from_the_form_is_refused_without_the_tick_and_keeps_the_form(
    publisher_client, series
):
    article = make_article(series, status=Status.REVIEW, body=FLAGGED_BODY)
    response = change(
        publisher_client, article, status=Status.PUBLISHED, title="Example typed title"
    )

    assert response.status_code == 200
    errors = " ".join(form_errors(response))
    assert "This page has safe-messaging notes" in errors
    assert READ in errors
    assert "Nothing you entered has been lost" in errors
    assert "commit suicide" in errors  # the notes are listed with the refusal
    data = form_data(response)
    assert data["title"] == "Example typed title"
    assert data["status"] == Status.PUBLISHED
    article.refresh_from_db()
    assert (article.status, article.title) == (Status.REVIEW, "Example article 1")


def test_flags_in_the_text_being_published_count(publisher_client, series):
    # Stored without flags; the flagged words are typed in the form that publishes it.
    article = make_article(series, status=Status.REVIEW)
    response = change(publisher_client, article, status=Status.PUBLISHED, body=FLAGGED_BODY)
    assert response.status_code == 200
    assert "This page has safe-messaging notes" in " ".join(form_errors(response))
    # The list on the form shows the text as typed.
    assert any("commit suicide" in note for note in notes(response))
    article.refresh_from_db()
    assert article.status == Status.REVIEW


def test_publishing_from_the_form_with_the_tick_names_the_publisher(publisher_client, series):
    article = make_article(series, status=Status.REVIEW, body=FLAGGED_BODY)
    assert checkbox(publisher_client.get(url("change", article))) is not None

    response = change(
        publisher_client,
        article,
        status=Status.PUBLISHED,
        safe_messaging_read="on",
        revision_note="Example note",
    )

    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert comment_of(article) == (
        "Example note. Safe-messaging notes read by Example Publisher (2 flags)."
    )


def test_scheduling_from_the_form_needs_the_tick_too(publisher_client, series):
    article = make_article(series, status=Status.REVIEW, body=FLAGGED_BODY)
    later = timezone.localtime() + timedelta(days=2)
    when = {"publish_at_0": later.date().isoformat(), "publish_at_1": "09:30:00"}

    refused = change(publisher_client, article, status=Status.PUBLISHED, **when)
    assert refused.status_code == 200
    assert READ in " ".join(form_errors(refused))

    accepted = change(
        publisher_client, article, status=Status.PUBLISHED, safe_messaging_read="on", **when
    )
    assert accepted.status_code == 302, form_errors(accepted)
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and not article.is_public
    assert "Safe-messaging notes read by Example Publisher" in comment_of(article)


def test_adding_a_page_as_published_needs_the_tick(publisher_client, series):
    add = reverse("admin:articles_article_add")
    data = form_data(publisher_client.get(add))
    data.update(
        series=str(series.pk),
        number="7",
        title="Example new page",
        slug="example-new-page",
        summary="Example summary.",
        body=FLAGGED_BODY,
        status=Status.PUBLISHED,
    )
    refused = publisher_client.post(add, data)
    assert refused.status_code == 200
    assert READ in " ".join(form_errors(refused))
    assert not Article.objects.filter(slug="example-new-page").exists()

    data["safe_messaging_read"] = "on"
    assert publisher_client.post(add, data).status_code == 302
    assert Article.objects.get(slug="example-new-page").status == Status.PUBLISHED


def test_no_tick_is_needed_without_flags(publisher_client, series):
    article = make_article(series, status=Status.REVIEW)
    response = change(publisher_client, article, status=Status.PUBLISHED)
    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert "Safe-messaging" not in comment_of(article)


def test_saving_without_publishing_needs_no_tick(editor_client, series):
    article = make_article(series, status=Status.DRAFT)
    response = change(editor_client, article, body=FLAGGED_BODY, status=Status.REVIEW)
    assert response.status_code == 302, form_errors(response)


# The sign-off page


@pytest.fixture
def flagged_draft(editor_client, live):
    draft = start_draft(editor_client, live)
    edit(editor_client, draft, body=FLAGGED_BODY, status=Status.REVIEW)
    return draft


def test_the_signoff_page_lists_the_flags_and_asks_for_the_tick(publisher_client, flagged_draft):
    response = publisher_client.get(url("signoff", flagged_draft))
    assert len(notes(response)) == 2
    assert checkbox(response) is not None
    assert READ in response.content.decode()


def test_publishing_on_the_signoff_page_is_refused_without_the_tick(
    publisher_client, live, flagged_draft
):
    response = sign_off(publisher_client, flagged_draft)

    assert response.status_code == 200
    assert "read them, then tick this to publish now" in " ".join(form_errors(response))
    soup = BeautifulSoup(response.content, "html.parser")
    # Tick, then press Publish now again: its button is there, beside the box to tick.
    assert soup.select_one(".signoff-decision button[value=publish]").get_text() == "Publish now"
    assert "commit suicide" not in public_text(live)[1]
    assert Article.objects.filter(live_page=live).exists()


def test_publishing_on_the_signoff_page_with_the_tick(publisher_client, live, flagged_draft):
    response = sign_off(publisher_client, flagged_draft, safe_messaging_read="on")

    assert response.status_code == 302, form_errors(response)
    assert "commit suicide" in public_text(live)[1]
    comment = comment_of(live)
    assert comment.startswith("Published, signed off by Example Publisher")
    assert comment.endswith("Safe-messaging notes read by Example Publisher (2 flags).")


def test_scheduling_on_the_signoff_page_needs_the_tick(publisher_client, flagged_draft):
    later = timezone.localtime() + timedelta(hours=2)
    when = {"go_live_at_0": later.date().isoformat(), "go_live_at_1": later.strftime("%H:%M")}

    refused = sign_off(publisher_client, flagged_draft, "schedule", **when)
    assert refused.status_code == 200
    assert "tick this to schedule" in " ".join(form_errors(refused))
    flagged_draft.refresh_from_db()
    assert flagged_draft.go_live_at is None

    accepted = sign_off(
        publisher_client, flagged_draft, "schedule", safe_messaging_read="on", **when
    )
    assert accepted.status_code == 302, form_errors(accepted)
    flagged_draft.refresh_from_db()
    assert flagged_draft.go_live_at is not None
    assert "Safe-messaging notes read by Example Publisher" in comment_of(flagged_draft)


def test_sending_back_needs_no_tick(publisher_client, flagged_draft):
    response = sign_off(publisher_client, flagged_draft, "send_back", note="Example: reword.")
    assert response.status_code == 302, form_errors(response)
    flagged_draft.refresh_from_db()
    assert flagged_draft.status == Status.DRAFT


def test_a_never_published_page_signed_off_with_flags(publisher_client, series):
    article = make_article(series, status=Status.REVIEW, body=FLAGGED_BODY)
    assert sign_off(publisher_client, article).status_code == 200
    article.refresh_from_db()
    assert article.status == Status.REVIEW

    assert sign_off(publisher_client, article, safe_messaging_read="on").status_code == 302
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert "Safe-messaging notes read by Example Publisher (2 flags)." in comment_of(article)


def test_no_box_and_no_tick_without_flags(publisher_client, editor_client, live):
    draft = start_draft(editor_client, live)
    edit(editor_client, draft, body="Example calm body.", status=Status.REVIEW)
    response = publisher_client.get(url("signoff", draft))
    assert checkbox(response) is None
    assert "No safe-messaging notes" in response.content.decode()

    assert sign_off(publisher_client, draft).status_code == 302
    assert "Safe-messaging" not in comment_of(live)


# The editor's live preview


def test_the_preview_returns_the_flags_of_the_text(editor_client):
    response = editor_client.post(PREVIEW, {"content": "An overdose.\n\nHe commit suicide."})

    assert response.status_code == 200
    assert response["Safe-Messaging-Flags"] == "3"
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("p").get_text() == "An overdose."  # the preview itself comes first
    block = soup.select_one("aside.safe-messaging-preview")
    points = [item.get_text(" ", strip=True).split(".")[0] for item in block.select("li")]
    assert points == [METHODS, LANGUAGE, HELP]
    assert "This text" in block.get_text()


def test_the_preview_adds_nothing_without_flags(editor_client):
    response = editor_client.post(
        PREVIEW, {"content": "Suicidal thoughts are a symptom; [get help now](/help/)."}
    )
    assert response["Safe-Messaging-Flags"] == "0"
    assert b"safe-messaging" not in response.content


def test_the_preview_block_is_escaped_text_without_script_or_style(editor_client):
    content = 'He commit suicide <script>alert(1)</script> <b style="x">x</b> "quoted"'
    response = editor_client.post(PREVIEW, {"content": content})
    html = response.content.decode()
    block = html[html.index('<aside class="safe-messaging-preview"') :]
    assert "<script" not in html
    assert "style=" not in block and "<style" not in block and "onclick" not in block
    assert "&quot;quoted&quot;" in block or "“He <mark>" in block


# Figures are part of the page


def test_a_figures_alt_text_and_caption_are_checked_at_sign_off(
    publisher_client, editor_client, live
):
    from tests.support.factories import make_figure

    draft = start_draft(editor_client, live)
    make_figure(draft, 1, alt_text="Example alt text", caption="Example: he committed suicide.")
    response = publisher_client.get(url("signoff", draft))
    assert any("Figure 1 caption" in note for note in notes(response))
    assert sign_off(publisher_client, draft).status_code == 200  # refused without the tick
    assert Article.objects.filter(live_page=live).exists()


def test_figures_added_while_publishing_from_the_form_are_checked(publisher_client, series):
    page = make_article(series, 2, slug="example-figure-page", status=Status.DRAFT)
    data = form_data(publisher_client.get(url("change", page)))
    data.update(
        {
            "status": Status.PUBLISHED,
            "figures-TOTAL_FORMS": "1",
            "figures-0-number": "1",
            "figures-0-alt_text": "Example alt text about a noose",
            "figures-0-caption": "",
        }
    )
    response = publisher_client.post(url("change", page), data)
    assert response.status_code == 200
    assert "safe-messaging notes" in " ".join(form_errors(response))
    page.refresh_from_db()
    assert page.status == Status.DRAFT


def test_the_change_note_and_the_read_note_are_two_sentences(publisher_client, series):
    page = make_article(series, 2, slug="example-noted", body=FLAGGED_BODY, status=Status.DRAFT)
    response = change(
        publisher_client,
        page,
        status=Status.PUBLISHED,
        safe_messaging_read="on",
        revision_note="Example first",
    )
    assert response.status_code == 302, form_errors(response)
    assert comment_of(page).startswith("Example first. Safe-messaging notes read by")
