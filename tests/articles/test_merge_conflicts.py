"""Two editors save the same page: changes to different places both survive, the same place
changed differently is left to the later editor, side by side, and saved as chosen
(articles/admin/save_merge.py). Posted as a browser without JavaScript would."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.urls import reverse

from articles.models import Article, Series, Status, Treatment
from tests.support.admin_forms import form_data, form_errors, save_via_admin
from tests.support.factories import (
    client_for,
    make_article,
    make_staff,
    make_treatment,
)

pytestmark = pytest.mark.django_db

BODY = "Example first paragraph.\n\nExample second paragraph.\n\nExample third paragraph."


@pytest.fixture
def second_editor(db):
    return client_for(make_staff("example-editor-b", "Editors", first_name="Example Editor B"))


def url_of(obj):
    return reverse(f"admin:articles_{obj._meta.model_name}_change", args=[obj.pk])


def opened(client, obj):
    return form_data(client.get(url_of(obj)))


def saved(client, obj, data):
    response = client.post(url_of(obj), data)
    assert response.status_code == 302, form_errors(response)
    obj.refresh_from_db()
    return response


def page(kind, series, editor_client):
    """A page of `kind` saved once in the admin, as every page is (its history has a version),
    and the name of its Markdown field."""
    if kind == "article":
        obj, field = make_article(series, status=Status.DRAFT, body=BODY), "body"
    elif kind == "treatment":
        obj, field = make_treatment(status=Status.DRAFT, body=BODY), "body"
    else:
        obj, field = series, "description"
        Series.objects.filter(pk=series.pk).update(description=BODY)
        obj.refresh_from_db()
    save_via_admin(editor_client, obj)
    obj.refresh_from_db()
    return obj, field


def blocks(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return soup.select(".merge-conflicts .merge-block")


@pytest.mark.parametrize("kind", ["article", "treatment", "series"])
def test_changes_to_different_paragraphs_both_survive(editor_client, second_editor, series, kind):
    obj, field = page(kind, series, editor_client)
    a_form, b_form = opened(editor_client, obj), opened(second_editor, obj)
    a_form[field] = BODY.replace("first", "first (A)")
    saved(editor_client, obj, a_form)

    b_form[field] = BODY.replace("third", "third (B)")
    response = saved(second_editor, obj, b_form)

    assert getattr(obj, field) == BODY.replace("first", "first (A)").replace("third", "third (B)")
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(
        m.startswith(f"Example Editor changed {'Description' if kind == 'series' else 'Body'} on")
        and "both are saved" in m
        for m in said
    ), said
    html = obj.description_html if kind == "series" else obj.body_html
    assert "first (A)" in html and "third (B)" in html  # rendered again from the merged text
    # The history names what the editor changed, not the form's workings.
    entry = LogEntry.objects.filter(object_id=str(obj.pk)).first()
    label = "Description" if kind == "series" else "Body"
    assert entry.get_change_message() == f"Changed {label}."


def conflict(editor_client, second_editor, series, **b_changes):
    """A changes the second paragraph (and the first), then B changes the second differently:
    B's save comes back asking."""
    article, _ = page("article", series, editor_client)
    a_form, b_form = opened(editor_client, article), opened(second_editor, article)
    a_form["body"] = BODY.replace("first", "first (A)").replace("second", "second (A)")
    saved(editor_client, article, a_form)
    b_form["body"] = BODY.replace("second", "second (B)")
    b_form.update(b_changes)
    response = second_editor.post(url_of(article), b_form)
    assert response.status_code == 200
    return article, response


def test_the_same_paragraph_changed_differently_is_asked_with_both_texts(
    editor_client, second_editor, series
):
    article, response = conflict(editor_client, second_editor, series)

    message = " ".join(form_errors(response))
    assert "Example Editor changed Body on" in message and "after you opened it" in message
    assert (
        "Their changes to other paragraphs are merged into yours below; one paragraph of Body "
        "was changed by both of you: choose which to keep." in message
    )
    [block] = blocks(response)
    assert "Example second (A) paragraph." in block.select_one(".merge-theirs").get_text()
    assert "Example second (B) paragraph." in block.select_one(".merge-yours").get_text()
    assert [m.get_text() for m in block.select(".merge-theirs mark")] == ["A"]
    assert [m.get_text() for m in block.select(".merge-yours mark")] == ["B"]
    # The form holds their other change and my side of the conflict; nothing of mine is saved.
    soup = BeautifulSoup(response.content, "html.parser")
    box = soup.find("textarea", attrs={"name": "body"}).text.strip()
    assert box == BODY.replace("first", "first (A)").replace("second", "second (B)")
    article.refresh_from_db()
    assert "second (A)" in article.body and "(B)" not in article.body


@pytest.mark.parametrize(
    ("choice", "second"),
    [
        ("mine", "Example second (B) paragraph."),
        ("theirs", "Example second (A) paragraph."),
        ("edit", "Example second (A and B) paragraph."),
    ],
)
def test_each_choice_saves_what_it_says(editor_client, second_editor, series, choice, second):
    article, response = conflict(editor_client, second_editor, series)
    data = form_data(response)
    [block] = blocks(response)
    name = block.select_one("input[type=radio]")["name"]
    data[name] = choice
    if choice == "edit":
        both = data[f"{name}-text"]
        assert "second (A)" in both and "second (B)" in both  # both texts, to combine
        data[f"{name}-text"] = second

    saved(second_editor, article, data)

    assert article.body == f"Example first (A) paragraph.\n\n{second}\n\nExample third paragraph."


def test_saving_again_without_a_choice_asks_again_and_saves_nothing(
    editor_client, second_editor, series
):
    article, response = conflict(editor_client, second_editor, series)
    before = article.updated

    response = second_editor.post(url_of(article), form_data(response))

    assert response.status_code == 200
    assert "Make a choice for each place highlighted below" in " ".join(form_errors(response))
    assert len(blocks(response)) == 1
    article.refresh_from_db()
    assert article.updated == before


def test_a_field_only_i_changed_is_never_offered_as_a_conflict(
    editor_client, second_editor, series
):
    article, response = conflict(editor_client, second_editor, series, title="Example B title")

    assert [b.select_one("legend").get_text(strip=True) for b in blocks(response)] == ["Body"]
    message = " ".join(form_errors(response))
    assert "Title" not in message
    data = form_data(response)
    assert data["title"] == "Example B title"
    data[blocks(response)[0].select_one("input[type=radio]")["name"]] = "mine"
    saved(second_editor, article, data)
    assert article.title == "Example B title"


def test_a_field_only_they_changed_takes_theirs(editor_client, second_editor, series):
    article, _ = page("article", series, editor_client)
    a_form, b_form = opened(editor_client, article), opened(second_editor, article)
    a_form.update(title="Example A title", status=Status.REVIEW)
    saved(editor_client, article, a_form)
    b_form["summary"] = "Example B summary."

    saved(second_editor, article, b_form)

    assert (article.title, article.status, article.summary) == (
        "Example A title",
        Status.REVIEW,
        "Example B summary.",
    )


def test_theirs_changed_again_meanwhile_asks_again(editor_client, second_editor, series):
    article, response = conflict(editor_client, second_editor, series)
    b_form = form_data(response)
    b_form[blocks(response)[0].select_one("input[type=radio]")["name"]] = "mine"
    a_form = opened(editor_client, article)
    a_form["body"] = a_form["body"].replace("third", "third (A)")
    saved(editor_client, article, a_form)

    response = second_editor.post(url_of(article), b_form)

    assert response.status_code == 200  # asked again, my choice still made
    [block] = blocks(response)
    assert block.select_one("input[value=mine]").has_attr("checked")
    saved(second_editor, article, form_data(response))
    assert article.body == (
        "Example first (A) paragraph.\n\nExample second (B) paragraph.\n\n"
        "Example third (A) paragraph."
    )


def test_without_the_opened_version_both_texts_are_shown(editor_client, second_editor, series):
    # Made outside the admin: its history has no version of what the editors opened.
    article = make_article(series, status=Status.DRAFT, body=BODY)
    a_form, b_form = opened(editor_client, article), opened(second_editor, article)
    a_form["body"] = BODY.replace("first", "first (A)")
    saved(editor_client, article, a_form)
    b_form["body"] = BODY.replace("third", "third (B)")

    response = second_editor.post(url_of(article), b_form)

    assert response.status_code == 200
    assert "The version you opened is not in the history" in " ".join(form_errors(response))
    assert len(blocks(response)) == 2  # every difference, each to choose
    data = form_data(response)
    first, third = (b.select_one("input[type=radio]")["name"] for b in blocks(response))
    data.update({first: "theirs", third: "mine"})
    saved(second_editor, article, data)
    assert article.body == BODY.replace("first", "first (A)").replace("third", "third (B)")


def test_html_rendered_again_without_a_version_does_not_stop_the_merge(
    editor_client, second_editor, series
):
    article, _ = page("article", series, editor_client)
    a_form, b_form = opened(editor_client, article), opened(second_editor, article)
    a_form["body"] = BODY.replace("first", "first (A)")
    saved(editor_client, article, a_form)
    # A glossary change renders the stored HTML again: no version, no new edit token.
    Article.objects.filter(pk=article.pk).update(body_html="<p>Example stale HTML.</p>")
    b_form["body"] = BODY.replace("third", "third (B)")

    saved(second_editor, article, b_form)

    assert article.body == BODY.replace("first", "first (A)").replace("third", "third (B)")
    assert "stale" not in article.body_html and "third (B)" in article.body_html


def test_a_treatment_in_two_editors_saves_stays_a_treatment(editor_client, second_editor):
    treatment = make_treatment(status=Status.DRAFT, body=BODY)
    save_via_admin(editor_client, treatment)
    treatment.refresh_from_db()
    a_form, b_form = opened(editor_client, treatment), opened(second_editor, treatment)
    a_form["summary"] = "Example summary by A."
    saved(editor_client, treatment, a_form)
    b_form["name"] = "Example name by B"

    saved(second_editor, treatment, b_form)

    assert Treatment.objects.filter(pk=treatment.pk).values_list("summary", "name").get() == (
        "Example summary by A.",
        "Example name by B",
    )


def test_publishing_after_a_merge_still_needs_a_second_look(
    editor_client, publisher_client, series
):
    article, _ = page("article", series, editor_client)
    article.status = Status.REVIEW
    article.save()
    save_via_admin(editor_client, article)
    article.refresh_from_db()
    p_form, a_form = opened(publisher_client, article), opened(editor_client, article)
    a_form["body"] = BODY.replace("first", "first (A)")
    saved(editor_client, article, a_form)
    p_form["status"] = Status.PUBLISHED

    response = publisher_client.post(url_of(article), p_form)

    # Merged, but what is published must be what the publisher saw: they look again first.
    assert response.status_code == 200
    assert "changed after you opened it. Look at it again" in " ".join(form_errors(response))
    article.refresh_from_db()
    assert article.status == Status.REVIEW
    saved(publisher_client, article, form_data(response))
    assert article.status == Status.PUBLISHED and "first (A)" in article.body


# Tampered forms: answered with the form and a message, never a 500 or a long stall.


@pytest.mark.parametrize(
    "base",
    ["2026-13-45T00:00:00+00:00", "2026-12-06T15:00:44+99:00", "0001-01-01T00:00:00+14:00"],
)
def test_an_impossible_opened_version_counts_as_none(editor_client, second_editor, series, base):
    article, response = conflict(editor_client, second_editor, series)
    data = {**form_data(response), "merge_base": base}
    response = second_editor.post(url_of(article), data)
    assert response.status_code == 200
    assert form_errors(response)


def test_more_list_rows_than_django_allows_are_refused_not_merged(
    editor_client, second_editor, series
):
    article, response = conflict(editor_client, second_editor, series)
    data = {**form_data(response), "source_links-TOTAL_FORMS": "100000"}
    response = second_editor.post(url_of(article), data)
    assert response.status_code == 200
    assert "Please submit at most 1000 forms." in form_errors(response)
    article.refresh_from_db()
    assert "(B)" not in article.body


def test_editing_a_conflict_in_a_list_keeps_its_items_a_list(editor_client, second_editor, series):
    listing = "Example list:\n\n- Example one\n- Example two\n- Example three\n\nExample end."
    article = make_article(series, status=Status.DRAFT, body=listing)
    save_via_admin(editor_client, article)
    a_form, b_form = opened(editor_client, article), opened(second_editor, article)
    a_form["body"] = listing.replace("two", "two (A)")
    saved(editor_client, article, a_form)
    b_form["body"] = listing.replace("two", "two (B)")

    response = second_editor.post(url_of(article), b_form)

    [block] = blocks(response)
    name = block.select_one("input[type=radio]")["name"]
    data = form_data(response)
    assert data[f"{name}-text"].replace("\r\n", "\n") == "- Example two (A)\n- Example two (B)\n"
    data[name] = "edit"
    saved(second_editor, article, data)
    assert article.body == listing.replace("- Example two", "- Example two (A)\n- Example two (B)")
    assert article.body_html.count("<li>") == 4 and "<p>Example two" not in article.body_html


def test_editing_a_conflict_in_paragraphs_keeps_them_apart(editor_client, second_editor, series):
    article, response = conflict(editor_client, second_editor, series)
    [block] = blocks(response)
    name = block.select_one("input[type=radio]")["name"]
    assert form_data(response)[f"{name}-text"].replace("\r\n", "\n") == (
        "Example second (A) paragraph.\n\nExample second (B) paragraph.\n"
    )
