"""Upgrading to live pages with drafts changes nothing a reader sees: existing pages become
live pages with no draft, their rows and every public page byte for byte as before."""

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from articles.models import Article, Treatment
from articles.sitemaps import SITEMAPS

BEFORE_DRAFTS = ("articles", "0008_source_rename")
# The columns every page had before the migration.
COLUMNS = {
    "articles_article": "id, series_id, number, title, slug, summary, body, body_html, status, "
    "publish_at, author_id, reviewer_id, last_reviewed, next_review_due, updated",
    "articles_treatment": "id, name, slug, category, summary, body, body_html, ordering, status, "
    "publish_at, author_id, reviewer_id, last_reviewed, next_review_due, updated",
}


def rows():
    with connection.cursor() as cursor:
        found = {}
        for table, columns in COLUMNS.items():
            cursor.execute(f"SELECT {columns} FROM {table} ORDER BY id")  # noqa: S608
            found[table] = cursor.fetchall()
        return found


def public_pages():
    paths = [
        reverse("articles:home"),
        reverse("articles:treatment_list"),
        reverse("articles:feed_rss"),
        reverse("articles:feed_atom"),
        reverse("sitemap"),
        *(reverse("sitemap_section", kwargs={"section": name}) for name in SITEMAPS),
        reverse("articles:search") + "?q=treatment",
    ]
    for model in (Article, Treatment):
        paths += [page.get_absolute_url() for page in model.objects.published()]
    paths += [article.series.get_absolute_url() for article in Article.objects.published()]
    pages = {}
    for path in sorted(set(paths)):
        for alias in ("default", "pages"):
            caches[alias].clear()
        response = Client().get(path)
        pages[path] = (response.status_code, response.content)
    return pages


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_upgrading_changes_no_row_and_no_public_page():
    call_command("seed", verbosity=0)
    before_rows, before_pages = rows(), public_pages()
    assert all(status == 200 for status, _ in before_pages.values())

    MigrationExecutor(connection).migrate([BEFORE_DRAFTS])
    assert rows() == before_rows
    call_command("migrate", verbosity=0)

    assert rows() == before_rows
    assert not Article.objects.filter(live_page__isnull=False).exists()
    assert not Treatment.objects.filter(live_page__isnull=False).exists()
    assert public_pages() == before_pages
