"""Two editors save the same article: the rows of its lists (treatments listed, figures)
merged row by row (articles/admin/row_merge.py). Posted as a browser without JavaScript would."""

import pytest

from articles.models import ArticleTreatment, Status
from tests.articles.test_merge_conflicts import BODY, blocks, opened, saved, url_of
from tests.support.admin_forms import form_data, form_errors, save_via_admin
from tests.support.factories import (
    add_treatments,
    client_for,
    make_article,
    make_figure,
    make_staff,
    make_treatment,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_editor(db):
    return client_for(make_staff("example-editor-b", "Editors", first_name="Example Editor B"))


def rows(article):
    return list(
        ArticleTreatment.objects.filter(article=article)
        .order_by("treatment__slug")
        .values_list("treatment__slug", "position")
    )


def add_row(data, prefix, **values):
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    for name, value in values.items():
        data[f"{prefix}-{index}-{name}"] = str(value)


@pytest.fixture
def listed(editor_client, series):
    article = make_article(series, status=Status.DRAFT, body=BODY)
    add_treatments(article, [make_treatment("example-kept"), make_treatment("example-gone")])
    save_via_admin(editor_client, article)
    article.refresh_from_db()
    return article


def test_rows_added_by_both_survive_and_a_row_removed_by_one_goes(
    editor_client, second_editor, listed
):
    a_form, b_form = opened(editor_client, listed), opened(second_editor, listed)
    add_row(a_form, "treatment_links", treatment=make_treatment("example-a").pk, position=5)
    a_form["treatment_links-1-DELETE"] = "on"  # A removes example-gone
    saved(editor_client, listed, a_form)
    add_row(b_form, "treatment_links", treatment=make_treatment("example-b").pk, position=6)
    b_form["body"] = BODY.replace("third", "third (B)")

    saved(second_editor, listed, b_form)

    assert rows(listed) == [("example-a", 5), ("example-b", 6), ("example-kept", 0)]
    assert "third (B)" in listed.body


def test_a_row_changed_by_one_side_takes_that_change(editor_client, second_editor, listed):
    a_form, b_form = opened(editor_client, listed), opened(second_editor, listed)
    a_form["treatment_links-0-position"] = "3"
    saved(editor_client, listed, a_form)
    b_form["treatment_links-1-position"] = "4"

    saved(second_editor, listed, b_form)

    assert rows(listed) == [("example-gone", 4), ("example-kept", 3)]


@pytest.mark.parametrize(("choice", "position"), [("mine", 8), ("theirs", 7)])
def test_the_same_row_changed_differently_is_asked(
    editor_client, second_editor, listed, choice, position
):
    a_form, b_form = opened(editor_client, listed), opened(second_editor, listed)
    a_form["treatment_links-0-position"] = "7"
    saved(editor_client, listed, a_form)
    b_form["treatment_links-0-position"] = "8"

    response = second_editor.post(url_of(listed), b_form)

    assert response.status_code == 200
    message = " ".join(form_errors(response))
    assert "One treatment in article was changed by both of you" in message
    [block] = blocks(response)
    assert "Position: 7" in block.select_one(".merge-theirs").get_text()
    assert "Position: 8" in block.select_one(".merge-yours").get_text()
    data = form_data(response)
    data[block.select_one("input[type=radio]")["name"]] = choice
    saved(second_editor, listed, data)
    assert rows(listed) == [("example-gone", 1), ("example-kept", position)]


def test_a_row_they_removed_that_i_changed_is_asked(editor_client, second_editor, listed):
    a_form, b_form = opened(editor_client, listed), opened(second_editor, listed)
    a_form["treatment_links-1-DELETE"] = "on"
    saved(editor_client, listed, a_form)
    b_form["treatment_links-1-position"] = "9"

    response = second_editor.post(url_of(listed), b_form)

    [block] = blocks(response)
    assert "(removed)" in block.select_one(".merge-theirs").get_text()
    data = form_data(response)
    data[block.select_one("input[type=radio]")["name"]] = "mine"
    saved(second_editor, listed, data)
    assert rows(listed) == [("example-gone", 9), ("example-kept", 0)]


def test_a_figure_they_added_and_changed_stays_with_its_picture(
    editor_client, second_editor, listed
):
    figure = make_figure(listed, alt_text="Example alt text by A")
    save_via_admin(editor_client, listed)  # A's save, with the figure in the list
    b_form = opened(second_editor, listed)
    a_form = opened(editor_client, listed)
    a_form["figures-0-caption"] = "Example caption by A"
    saved(editor_client, listed, a_form)
    b_form["body"] = BODY.replace("third", "third (B) [[figure 1]]")

    saved(second_editor, listed, b_form)

    figure.refresh_from_db()
    assert (figure.alt_text, figure.caption) == ("Example alt text by A", "Example caption by A")
    assert figure.image.name and "third (B)" in listed.body


def test_a_row_asked_again_keeps_the_choice_made_for_it(editor_client, second_editor, listed):
    a_form, b_form = opened(editor_client, listed), opened(second_editor, listed)
    a_form["treatment_links-0-position"] = "7"
    saved(editor_client, listed, a_form)
    b_form["treatment_links-0-position"] = "8"
    response = second_editor.post(url_of(listed), b_form)
    [block] = blocks(response)
    b_form = form_data(response)
    b_form[block.select_one("input[type=radio]")["name"]] = "mine"
    row = b_form[f"treatment_links-{block['id'].rpartition('-')[2]}-id"]
    # A changes the same row again before B saves the choice: B is asked again.
    a_form = opened(editor_client, listed)
    [index] = [i for i in range(2) if a_form[f"treatment_links-{i}-id"] == row]
    a_form[f"treatment_links-{index}-position"] = "6"
    saved(editor_client, listed, a_form)

    response = second_editor.post(url_of(listed), b_form)

    assert response.status_code == 200
    [block] = blocks(response)
    assert "Position: 6" in block.select_one(".merge-theirs").get_text()
    assert block.select_one("input[value=mine]").has_attr("checked")
    assert not block.select_one("input[value=theirs]").has_attr("checked")
    saved(second_editor, listed, form_data(response))
    assert rows(listed) == [("example-gone", 1), ("example-kept", 8)]
