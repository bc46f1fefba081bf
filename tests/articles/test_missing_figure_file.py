"""A figure whose image file is no longer in storage (lost in a move between buckets, a restore
without its media, a file removed by hand) breaks nothing: its page saves, is published and
signed off, readers get the page with the figure's description, exports and backups run, and
editors are told plainly which figure's file is missing so that they can upload it again."""

from io import StringIO

import pytest
from django.contrib.messages import get_messages
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client

from articles.models import Article, Figure, Status
from tests.support.admin_forms import form_data, form_errors
from tests.support.factories import make_article, make_figure
from tests.support.signoff import edit, sign_off, start_draft, url

pytestmark = pytest.mark.django_db

BODY = "## Example heading\n\nExample paragraph.\n\n[[figure 1]]\n"
MISSING = "Figure 1’s image file is missing"


def lose_file(article):
    figure = article.figures.get()
    default_storage.delete(figure.image.name)
    assert not default_storage.exists(figure.image.name)
    return figure.image.name


@pytest.fixture
def lost_draft(series):
    """A page never published, whose figure's file is gone."""
    article = make_article(series, body=BODY, status=Status.REVIEW)
    make_figure(article, alt_text="Example chart of recovery")
    lose_file(article)
    return article


@pytest.fixture
def lost_live(series):
    article = make_article(series, body=BODY)
    make_figure(article, alt_text="Example chart of recovery")
    lose_file(article)
    return article


def messages_after(client, response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def save_unchanged(client, page, **changes):
    data = {**form_data(client.get(url("change", page))), **changes}
    return client.post(url("change", page), data)


def test_the_change_form_says_which_figure_has_lost_its_file(publisher_client, lost_draft):
    response = publisher_client.get(url("change", lost_draft))
    assert response.status_code == 200
    assert MISSING in response.content.decode()


def test_a_page_saves_and_the_editor_is_told_the_file_is_missing(editor_client, lost_draft):
    name = lost_draft.figures.get().image.name
    response = save_unchanged(editor_client, lost_draft, title="Example changed title")
    assert response.status_code == 302, form_errors(response)
    assert any(MISSING in m for m in messages_after(editor_client, response))
    lost_draft.refresh_from_db()
    assert lost_draft.title == "Example changed title"
    # The figure is kept as it was: uploading the image again is the editor's call.
    assert list(lost_draft.figures.values_list("number", "image")) == [(1, name)]


def test_the_sign_off_page_says_so_too(publisher_client, lost_draft):
    response = publisher_client.get(url("signoff", lost_draft))
    assert response.status_code == 200
    assert MISSING in response.content.decode()


def test_a_page_is_published_by_its_status(publisher_client, lost_draft):
    response = save_unchanged(publisher_client, lost_draft, status=Status.PUBLISHED)
    assert response.status_code == 302, form_errors(response)
    assert Article.objects.get(pk=lost_draft.pk).status == Status.PUBLISHED


def test_a_draft_of_a_live_page_is_made_edited_and_signed_off(publisher_client, lost_live):
    draft = start_draft(publisher_client, lost_live)
    assert draft.figures.count() == 1
    edit(publisher_client, draft, title="Example new title", status=Status.REVIEW)
    assert publisher_client.get(url("signoff", draft)).status_code == 200
    response = sign_off(publisher_client, draft)
    assert response.status_code == 302, form_errors(response)
    lost_live.refresh_from_db()
    assert lost_live.title == "Example new title"


def test_readers_get_the_page_with_the_figure_s_description(lost_live):
    response = Client().get(lost_live.get_absolute_url())
    assert response.status_code == 200
    assert 'alt="Example chart of recovery"' in response.content.decode()


def test_a_new_figure_row_without_a_file_is_still_refused(editor_client, lost_draft):
    # Only a figure saved before may have lost its file: a new one needs its image.
    data = form_data(editor_client.get(url("change", lost_draft)))
    data.update(
        {
            "figures-TOTAL_FORMS": "2",
            "figures-1-number": "2",
            "figures-1-alt_text": "Example second chart",
        }
    )
    response = editor_client.post(url("change", lost_draft), data)
    assert response.status_code == 200
    assert "This field is required." in form_errors(response)
    assert Figure.objects.filter(article=lost_draft).count() == 1


def test_export_and_backup_run_and_name_the_missing_file(tmp_path, lost_live):
    name = lost_live.figures.get().image.name
    errors = StringIO()
    call_command("export_markdown", str(tmp_path / "export"), stdout=StringIO(), stderr=errors)
    assert f"Image {name} not copied" in errors.getvalue()
    call_command("backup", str(tmp_path / "backup.tar.gz"), stdout=StringIO())
    assert (tmp_path / "backup.tar.gz").exists()
