"""The search index keeps in step with the pages: edits, publishing and unpublishing, a draft
going live, deletion, and rows loaded raw by a restore (rebuilt as after `loaddata`). On SQLite
the FTS5 index holds one entry per page; on PostgreSQL each page's stored vector."""

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection
from django.urls import reverse

from articles import drafts
from articles.models import Article, ArticleTreatment, Series, Status, Treatment
from operations.restoring import clear_caches, rebuild_derived
from tests.support.factories import make_article, make_treatment

pytestmark = pytest.mark.django_db

on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 index")
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm")


def search(client, query):
    response = client.get(reverse("articles:search"), {"q": query})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return [li.a.get_text(" ", strip=True) for li in soup.select(".search-results li")]


def fts_rowids():
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid FROM articles_search ORDER BY rowid")
        return [row[0] for row in cursor.fetchall()]


def test_an_edit_is_searched_as_saved(client, series):
    article = make_article(series, title="Example", body="People who were sleeping badly.")
    assert search(client, "sleeps") == ["#1 Example"]
    article.body = "Now about appetite."
    article.save()
    assert search(client, "sleep") == []
    assert search(client, "appetite") == ["#1 Example"]


def test_publishing_and_unpublishing(client, series, publisher):
    article = make_article(series, title="Example", body="Zorbalamine.", status=Status.DRAFT)
    assert search(client, "zorbalamine") == []
    drafts.publish(article, publisher)
    assert search(client, "zorbalamine") == ["#1 Example"]
    article.status = Status.UNPUBLISHED
    article.save()
    assert search(client, "zorbalamine") == []


def test_a_draft_is_searched_once_it_goes_live(client, live, publisher):
    draft = drafts.start_draft(live)
    draft.body = "Now about zorbalamine."
    draft.save()
    ArticleTreatment.objects.create(
        article=draft, treatment=make_treatment("example-new", name="Example Qelvatin")
    )
    assert search(client, "zorbalamine") == []
    assert search(client, "qelvatin") == ["Example Qelvatin"]

    drafts.publish(draft, publisher)

    assert search(client, "zorbalamine") == ["#1 Example live title"]
    assert search(client, "qelvatin") == ["Example Qelvatin", "#1 Example live title"]
    assert search(client, "live body") == []


@on_sqlite
def test_drafts_and_deleted_pages_leave_no_entry(live, publisher):
    treatment = Treatment.objects.get()
    assert fts_rowids() == [live.pk * 2, treatment.pk * 2 + 1]
    draft = drafts.start_draft(live)
    assert fts_rowids() == [live.pk * 2, treatment.pk * 2 + 1, draft.pk * 2]
    drafts.publish(draft, publisher)
    assert fts_rowids() == [live.pk * 2, treatment.pk * 2 + 1]
    live.delete()
    assert fts_rowids() == [treatment.pk * 2 + 1]


def test_a_deleted_page_is_not_found(client, series):
    article = make_article(series, title="Example", body="Zorbalamine.")
    assert search(client, "zorbalamine") == ["#1 Example"]
    article.delete()
    assert search(client, "zorbalamine") == []


def test_rows_loaded_raw_are_searched_once_rebuilt_as_a_restore_does(client, db):
    # loaddata saves rows raw, past every signal: the index knows nothing of them.
    call_command("loaddata", "curing_depression", verbosity=0)
    assert Article.objects.exists() and Series.objects.exists()
    assert search(client, "ketamine") == []

    rebuild_derived(DEFAULT_DB_ALIAS)
    clear_caches()  # as a restore does next

    found = search(client, "ketamine")
    assert found == ["Ketamine", "#1 What is Treatment Resistant Depression (TRD)?"]
    response = client.get(reverse("articles:search"), {"q": "ketmine"})
    assert b">ketamine</a>" in response.content  # the words are back too


def test_the_seed_is_searched(client, seeded):
    assert search(client, "stigma") == ["#1 What is Treatment Resistant Depression (TRD)?"]


@on_sqlite
def test_the_seed_has_one_entry_per_page(seeded):
    pages = [page.pk * 2 for page in Article.objects.all()]
    pages += [page.pk * 2 + 1 for page in Treatment.objects.all()]
    assert fts_rowids() == sorted(pages)


@on_postgres
def test_misspellings_use_a_trigram_index(seeded):
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == ("pg_trgm",)
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'articles_search_word_trgm'"
        )
        assert "gin_trgm_ops" in cursor.fetchone()[0]


@on_postgres
def test_python_similarity_is_pg_trgms(db):
    from articles.search.query import similarity

    pairs = [
        ("psychotheraphy", "psychotherapy"),
        ("ketmine", "ketamine"),
        ("side", "despite"),
        ("depresion", "depression"),
        ("ünïcödé", "unicode"),
        ("aaaa", "aaa"),
    ]
    with connection.cursor() as cursor:
        for first, second in pairs:
            cursor.execute("SELECT similarity(%s, %s)", [first, second])
            assert cursor.fetchone()[0] == pytest.approx(similarity(first, second), abs=1e-6)


def test_pages_imported_from_markdown_are_found_by_their_treatments(client, seeded, tmp_path):
    from tests.support.markdown_exports import export, run_import, wipe_content

    export(tmp_path)
    wipe_content()
    run_import(tmp_path)
    clear_caches()
    found = search(client, "ketamine")
    assert found == ["Ketamine", "#1 What is Treatment Resistant Depression (TRD)?"]
