import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from articles.models import Status
from tests.support.admin_forms import form_data, form_errors
from tests.support.factories import client_for, make_article, make_staff, make_treatment

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_editor(db):
    return client_for(make_staff("example-editor-b", "Editors", first_name="Example Editor B"))


@pytest.mark.parametrize("kind", ["article", "treatment"])
def test_a_stale_save_is_refused_and_keeps_the_text(editor_client, second_editor, series, kind):
    if kind == "article":
        obj = make_article(series, status=Status.DRAFT, body="Original text.")
        field = "body"
    else:
        obj = make_treatment("example-treatment", status=Status.DRAFT, summary="Original text.")
        field = "summary"
    url = reverse(f"admin:articles_{kind}_change", args=[obj.pk])
    a_form = form_data(editor_client.get(url))
    b_form = form_data(second_editor.get(url))  # B opens the form too

    a_form[field] = "A's careful wording."
    assert editor_client.post(url, a_form).status_code == 302

    b_form[field] = "B's different wording."
    response = second_editor.post(url, b_form)

    assert response.status_code == 200
    message = " ".join(form_errors(response))
    assert f"Example Editor changed this {kind} on" in message
    assert "after you opened it" in message
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("textarea", attrs={"name": field}).text.strip() == "B's different wording."
    [block] = soup.select(".merge-conflicts .merge-block")
    assert "A's careful wording." in block.select_one(".merge-theirs").get_text()
    assert "B's different wording." in block.select_one(".merge-yours").get_text()
    obj.refresh_from_db()
    assert getattr(obj, field) == "A's careful wording."

    # Saving again without choosing keeps asking: A's version is never dropped unseen.
    response = second_editor.post(url, form_data(response))
    assert response.status_code == 200
    obj.refresh_from_db()
    assert getattr(obj, field) == "A's careful wording."

    # Having seen A's version, B keeps theirs on purpose.
    data = form_data(response)
    data[block.select_one("input[type=radio]")["name"]] = "mine"
    response = second_editor.post(url, data)
    assert response.status_code == 302, form_errors(response)
    obj.refresh_from_db()
    assert getattr(obj, field) == "B's different wording."


def test_saving_twice_in_a_row_is_not_a_conflict(editor_client, series):
    article = make_article(series, status=Status.DRAFT)
    url = reverse("admin:articles_article_change", args=[article.pk])
    for title in ("Example one", "Example two"):
        data = form_data(editor_client.get(url))
        data["title"] = title
        assert editor_client.post(url, data).status_code == 302, title


def test_save_and_continue_then_save_again_works(editor_client, series):
    article = make_article(series, status=Status.DRAFT)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(editor_client.get(url))
    data.update(title="Example one", _continue="1")
    response = editor_client.post(url, data)
    assert response.status_code == 302
    data = form_data(editor_client.get(response["Location"]))
    data["title"] = "Example two"
    assert editor_client.post(url, data).status_code == 302
