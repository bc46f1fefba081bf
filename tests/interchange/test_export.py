from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.core.management.color import no_style
from django.db import connection
from reversion.models import Version

from articles.models import (
    Article,
    Person,
    Source,
    Status,
    Treatment,
)
from interchange import file_format as files
from interchange.front_matter import split
from interchange.writing import dump
from tests.support.markdown_exports import (
    DRAFT,
    EVERY_MODEL,
    SEED_SLUG,
    edit,
    export,
    public_pages,
    run_import,
    wipe_content,
)

pytestmark = pytest.mark.django_db


def test_every_page_is_written_whatever_its_status_with_its_editorial_fields(tmp_path, content):
    written = export(tmp_path)

    assert set(written) >= {
        "series/curing-depression.md",
        f"articles/curing-depression/001-{SEED_SLUG}.md",
        "articles/curing-depression/002-example-draft.md",
        "articles/curing-depression/003-example-overdue.md",
        "treatments/example-treatment.md",
        "treatments/ketamine.md",
        "urgent-help.md",
        f"media/{content.figures.get().image.name}",
        "media/figures/trd-hills-sunrise.png",
    }
    text = written["articles/curing-depression/002-example-draft.md"].decode()
    front_matter, body = split(text)
    assert body == content.body  # byte for byte, Windows newlines and all
    assert list(front_matter) == list(files.ARTICLE_KEYS)
    assert front_matter["status"] == "draft"
    assert front_matter["summary"] == "yes"
    assert front_matter["series"] == {"slug": "curing-depression", "title": "Curing Depression"}
    assert front_matter["reviewer"] == {
        "name": "Dr Example Reviewer",
        "credentials": "example psychiatrist",
        "user": "example-reviewer",
        "slug": "dr-example-reviewer",
    }
    assert front_matter["last_reviewed"] == date(2026, 1, 2)
    assert front_matter["next_review_due"] == date(2029, 1, 2)
    assert front_matter["treatments"] == ["example-treatment", "ketamine"]
    assert front_matter["figures"] == [
        {
            "number": 1,
            "image": content.figures.get().image.name,
            "alt_text": "Example alt text",
            "caption": "Example caption",
        }
    ]
    assert [source["title"] for source in front_matter["sources"]] == [
        "Example web page",
        "An example study: “quoted” title",
    ]
    assert front_matter["sources"][1]["accessed"] == date(2026, 1, 31)
    treatment_text = written["treatments/example-treatment.md"].decode()
    assert "publish_at: 2026-02-03T04:05:06.000789+00:00\n" in treatment_text
    assert split(treatment_text)[1] == "## Example section\n\nExample longer text.\n"


def rebuilt_on_save():
    pages = [*Article.objects.all(), *Treatment.objects.all()]
    return {
        (type(page), page.slug): (
            page.pk,
            page.body_html,
            getattr(page, "summary_html", None),
            getattr(page, "toc", None),
            page.plain_text,
        )
        for page in pages
    }


def test_round_trip_through_files_loses_nothing(tmp_path, client, content):
    before, pages, rebuilt = export(tmp_path / "first"), public_pages(client), rebuilt_on_save()

    wipe_content()
    run_import(tmp_path / "first")

    assert export(tmp_path / "second") == before
    assert public_pages(client) == pages
    assert rebuilt_on_save() == rebuilt
    assert Person.objects.get(name="Dr Example Reviewer").user.username == "example-reviewer"


def every_row():
    return [list(model.objects.order_by("pk").values()) for model in EVERY_MODEL]


def test_importing_twice_changes_nothing(tmp_path, content):
    export(tmp_path)
    versions = Version.objects.count()
    assert "0 created, 0 changed" in run_import(tmp_path)
    assert Version.objects.count() == versions

    wipe_content()
    assert "0 changed, 0 unchanged" in run_import(tmp_path)
    rows, versions = every_row(), Version.objects.count()
    assert "0 created, 0 changed" in run_import(tmp_path)
    assert every_row() == rows
    assert Version.objects.count() == versions


def test_an_edited_file_updates_its_page_and_rebuilds_what_is_derived(tmp_path, content):
    export(tmp_path)
    edit(
        tmp_path / DRAFT,
        lambda front_matter: front_matter.update(title="Example edited", treatments=["ketamine"]),
        body="# Example new heading\r\n\r\nExample new words.\r\n",
    )
    history = Version.objects.get_for_object(content).count()

    assert "0 created, 1 changed" in run_import(tmp_path)

    draft = Article.objects.get(slug="example-draft")
    assert (draft.pk, draft.title) == (content.pk, "Example edited")
    assert draft.body == "# Example new heading\r\n\r\nExample new words.\r\n"
    assert draft.body_html.startswith('<h2 id="example-new-heading">Example new heading</h2>')
    assert draft.plain_text == "Example new heading Example new words."
    assert draft.toc == [{"level": 2, "id": "example-new-heading", "title": "Example new heading"}]
    assert [treatment.slug for treatment in draft.treatments.all()] == ["ketamine"]
    assert draft.updated > content.updated
    versions = Version.objects.get_for_object(draft)
    assert versions.count() == history + 1
    assert versions.first().revision.comment.startswith("Imported from Markdown files")


def test_a_hand_written_file_without_ids_creates_a_page_once(tmp_path, content):
    export(tmp_path)
    source = {"title": "Example web page", "url": "https://example.org/page"}
    front_matter = {"name": "Example New Treatment", "slug": "example-new", "summary": "Example."}
    front_matter |= {"category": "rapid-acting", "sources": [source]}
    (tmp_path / "treatments/example-new.md").write_text(dump(front_matter, ""))

    assert "1 created" in run_import(tmp_path)
    assert "0 created, 0 changed" in run_import(tmp_path)

    treatment = Treatment.objects.get(slug="example-new")
    assert treatment.status == Status.DRAFT
    # The same source as the one already on the site, not a copy.
    assert list(treatment.source_links.values_list("reference__pk", flat=True)) == [
        Source.objects.get(title="Example web page").pk
    ]


def restart_ids(*models):
    """As in a new database: the tables' next id is 1 again (the tables must be empty)."""
    sequences = [{"table": model._meta.db_table, "column": "id"} for model in models]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_by_name_sql(no_style(), sequences):
            cursor.execute(statement)


def test_an_export_imports_into_a_new_database_beside_pages_written_by_hand(tmp_path, content):
    before = export(tmp_path)
    wipe_content()
    restart_ids(Article, Treatment, Source)
    # Without ids: a treatment whose file comes before every exported one, and an article
    # after every exported one, citing a source new to the site.
    treatment = {"name": "A Example New", "slug": "a-example-new", "summary": "Example."}
    treatment["category"] = "rapid-acting"
    (tmp_path / "treatments/a-example-new.md").write_text(dump(treatment, ""))
    source = {"title": "Example hand-written source", "url": "https://example.org/new"}
    article = {"title": "Example new", "slug": "example-new", "number": 9, "summary": "Example."}
    article |= {"series": {"slug": "curing-depression"}, "sources": [source]}
    (tmp_path / "articles/curing-depression/009-example-new.md").write_text(dump(article, "."))

    run_import(tmp_path)

    # Every exported page and source kept its id and content.
    after = export(tmp_path / "again")
    assert {name: after[name] for name in before} == before
    new_article = Article.objects.get(slug="example-new")
    assert list(new_article.source_links.values_list("reference__title", flat=True)) == [
        "Example hand-written source"
    ]
    assert Treatment.objects.filter(slug="a-example-new").exists()


def test_export_replaces_an_earlier_export_only_when_asked(tmp_path, content):
    export(tmp_path)
    notes = tmp_path / "README.md"
    notes.write_text("Example notes kept beside the export.\n")
    stale = tmp_path / "treatments/example-old-slug.md"
    stale.write_text("Example stale file.\n")

    with pytest.raises(CommandError, match="--replace"):
        export(tmp_path)
    call_command("export_markdown", str(tmp_path), "--replace", stdout=StringIO())

    assert not stale.exists()
    assert notes.exists()
    assert (tmp_path / "treatments/ketamine.md").exists()
    assert (tmp_path / files.EXPORT_MARKER).is_file()


def snapshot(folder):
    """Every file and folder under `folder`, with the files' bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() if path.is_file() else None
        for path in folder.rglob("*")
    }


def test_replace_leaves_folders_an_export_did_not_write(tmp_path, db):
    # A project folder: its articles/ is the app's source, its media/ the uploads.
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles/models.py").write_text("# Example source file.\n")
    (tmp_path / "media/uploads").mkdir(parents=True)
    (tmp_path / "media/uploads/example.png").write_bytes(b"Example upload")
    before = snapshot(tmp_path)

    with pytest.raises(CommandError, match=r"holds articles, media but no \.trdsite-export"):
        call_command("export_markdown", str(tmp_path), "--replace", stdout=StringIO())

    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    ("setting", "directory"),
    [
        ("BASE_DIR", "."),
        ("MEDIA_ROOT", "media"),
        ("STATIC_ROOT", "../static"),
        ("BASE_DIR", ".."),  # a folder above the project
    ],
)
def test_export_refuses_the_sites_own_folders(tmp_path, settings, monkeypatch, setting, directory):
    project = tmp_path / "project"
    settings.BASE_DIR = project
    settings.MEDIA_ROOT = project / "media"
    settings.STATIC_ROOT = tmp_path / "static"
    (project / "articles").mkdir(parents=True)
    (project / "articles/models.py").write_text("# Example source file.\n")
    (project / "media/figures").mkdir(parents=True)
    (project / "media/figures/example.png").write_bytes(b"Example upload")
    (tmp_path / "static").mkdir()
    # Even a folder an export was once written into by mistake is refused.
    monkeypatch.chdir(project)
    (Path(directory) / files.EXPORT_MARKER).write_text("Example marker.\n")
    before = snapshot(tmp_path)

    with pytest.raises(CommandError, match=f"the site's {setting} "):
        call_command("export_markdown", directory, "--replace", stdout=StringIO())

    assert snapshot(tmp_path) == before
