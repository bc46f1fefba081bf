"""An import never changes what readers see by itself: changed files of published pages become
drafts awaiting sign-off, unless the operator passes --publish."""

import pytest
from django.test import Client

from articles.models import Article, Status
from tests.support.markdown_exports import SEED_SLUG, edit, export, run_import

pytestmark = pytest.mark.django_db

SEED_FILE = f"articles/curing-depression/001-{SEED_SLUG}.md"


def public_html(article):
    return Client().get(article.get_absolute_url()).content.decode()


def test_a_changed_file_of_a_published_page_becomes_a_draft_for_sign_off(tmp_path, seeded):
    export(tmp_path)
    edit(tmp_path / SEED_FILE, lambda data: data.update(title="Example imported title"))
    before = public_html(seeded)

    run_import(tmp_path)

    draft = Article.objects.get(live_page=seeded)
    assert (draft.title, draft.status) == ("Example imported title", Status.REVIEW)
    seeded.refresh_from_db()
    assert seeded.title != "Example imported title"
    assert public_html(seeded) == before
    # Importing the same files again changes nothing more.
    run_import(tmp_path)
    assert Article.objects.filter(live_page=seeded).count() == 1


def test_unchanged_files_leave_no_draft_behind(tmp_path, seeded):
    export(tmp_path)
    run_import(tmp_path)
    assert not Article.objects.filter(live_page__isnull=False).exists()


def test_publish_signs_the_files_off(tmp_path, seeded):
    export(tmp_path)
    edit(tmp_path / SEED_FILE, lambda data: data.update(title="Example published title"))

    run_import(tmp_path, "--publish")

    assert not Article.objects.filter(live_page__isnull=False).exists()
    assert "Example published title" in public_html(seeded)
