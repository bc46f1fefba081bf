from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.core.management.color import no_style
from django.db import IntegrityError, connection
from django.urls import reverse
from PIL import Image
from reversion.models import Version

from articles import markdown_files as files
from articles.markdown_files.reading import split
from articles.markdown_files.writing import dump
from articles.models import (
    Article,
    ArticleReference,
    ArticleTreatment,
    Figure,
    Helpline,
    Person,
    Reference,
    Series,
    Status,
    Treatment,
    TreatmentReference,
    UrgentHelp,
)

from .conftest import add_treatments, make_article, make_figure, make_treatment

pytestmark = pytest.mark.django_db

EVERY_MODEL = (
    Series, Article, Treatment, Reference, Person, Figure, ArticleTreatment, ArticleReference,
    TreatmentReference, UrgentHelp, Helpline,
)  # fmt: skip
SEED_SLUG = "what-is-treatment-resistant-depression"
DRAFT = "articles/curing-depression/002-example-draft.md"
# Everything that trips up a front-matter format: Windows newlines, blank lines and spaces
# around the text, lines that look like front matter, and text in several scripts.
DRAFT_BODY = (
    "\r\n  Leading spaces, then Windows newlines.\r\n"
    "---\r\n"
    "title: not front matter\r\n"
    "---\r\n"
    "\r\n"
    "Ünïcödé — “quotes”, 例え, emoji 🙂, as studies show.[[cite {cited}]]\r\n"
    "\r\n"
    "[[figure 1]]\r\n"
    "\r\n"
    "[[treatments]]\r\n"
    "\r\n"
    "See [an example treatment](treatment:{treatment}).\r\n\r\n  "
)


def export(path):
    call_command("export_markdown", str(path), stdout=StringIO(), stderr=StringIO())
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in path.rglob("*") if p.is_file()}


def run_import(path):
    out = StringIO()
    call_command("import_markdown", str(path), stdout=out, stderr=StringIO())
    return out.getvalue()


def edit(path, change=None, body=None):
    """Rewrite an exported file: change(front_matter) edits it in place."""
    front_matter, old_body = split(path.read_bytes().decode())
    if change:
        change(front_matter)
    path.write_text(dump(front_matter, old_body if body is None else body), newline="")


def wipe_content():
    Article.objects.all().delete()
    Treatment.objects.all().delete()
    Series.objects.all().delete()
    Reference.objects.all().delete()
    Person.objects.all().delete()
    UrgentHelp.objects.all().delete()


def public_pages(client):
    paths = [reverse("articles:home"), reverse("articles:treatment_list")]
    for model in (Article, Treatment):
        paths += [page.get_absolute_url() for page in model.objects.published()]
    responses = {path: client.get(path) for path in paths}
    assert {response.status_code for response in responses.values()} == {200}
    return {path: response.content.decode() for path, response in responses.items()}


@pytest.fixture
def content(seeded):
    """The seed plus pages that use every editorial field: a draft with a reviewer, figures
    and sources, a published page overdue for review, a treatment with its own text."""
    user = get_user_model().objects.create_user("example-reviewer")
    author = Person.objects.create(name="Example Author")
    reviewer = Person.objects.create(
        name="Dr Example Reviewer", credentials="example psychiatrist", user=user
    )
    first, second = (
        Reference.objects.create(
            title="An example study: “quoted” title",
            authors="Example A, Sample B",
            publication="Example Journal",
            year=2021,
            doi="10.1000/example.1",
            pmid="12345678",
            url="https://example.org/study",
            accessed=date(2026, 1, 31),
        ),
        Reference.objects.create(title="Example web page", url="https://example.org/page"),
    )
    treatment = make_treatment(
        "example-treatment",
        summary=f"Example summary line one.\n\nExample line two, with [[cite {first.pk}]].",
        body="## Example section\n\nExample longer text.\n",
        ordering=9,
        author=author,
        reviewer=reviewer,
        publish_at=datetime(2026, 2, 3, 4, 5, 6, 789, tzinfo=UTC),
    )
    TreatmentReference.objects.create(treatment=treatment, reference=first, position=1)
    series = Series.objects.get()
    draft = make_article(
        series,
        2,
        title="Ünïcödé example draft: “quotes”",
        slug="example-draft",
        summary="yes",  # YAML would read this as true unless it is quoted
        body=DRAFT_BODY.format(cited=second.pk, treatment=treatment.pk),
        status=Status.DRAFT,
        author=author,
        reviewer=reviewer,
        last_reviewed=date(2026, 1, 2),
    )
    add_treatments(draft, [treatment, Treatment.objects.get(slug="ketamine")])
    make_figure(draft, 1, alt_text="Example alt text", caption="Example caption")
    ArticleReference.objects.create(article=draft, reference=second, position=1)
    ArticleReference.objects.create(article=draft, reference=first, position=2)
    overdue = make_article(
        series,
        3,
        slug="example-overdue",
        body=f"Links to [a draft](article:{draft.pk}).[[cite {first.pk}]]",
        reviewer=reviewer,
        last_reviewed=date(2020, 1, 15),
        next_review_due=date(2023, 1, 15),
    )
    ArticleReference.objects.create(article=overdue, reference=first, position=1)
    callout = UrgentHelp.objects.get()
    callout.title = "Example title: need help now?"
    callout.save()
    Helpline.objects.create(callout=callout, name="Example Helpline", contact="0000", position=99)
    return draft


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
        Reference.objects.get(title="Example web page").pk
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
    restart_ids(Article, Treatment, Reference)
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


def test_a_row_the_database_refuses_is_reported_against_its_file(tmp_path, content, monkeypatch):
    export(tmp_path)
    set_keys(title="Example renamed")(tmp_path / "series/curing-depression.md")

    def refuse(self, *args, **kwargs):
        raise IntegrityError("example constraint failed")

    monkeypatch.setattr(Series, "save", refuse)

    with pytest.raises(CommandError) as raised:
        run_import(tmp_path)

    assert str(raised.value) == (
        "series/curing-depression.md: the database refused it (example constraint failed).\n"
        "Nothing was imported."
    )


def set_keys(**values):
    return lambda path: edit(path, lambda front_matter: front_matter.update(values))


def set_figure(**values):
    return lambda path: edit(path, lambda front_matter: front_matter["figures"][0].update(values))


def rewrite(function):
    return lambda path: path.write_text(function(path.read_bytes().decode()), newline="")


def copy_to(name):
    return lambda path: (path.parent / name).write_bytes(path.read_bytes())


def without_the_seed_file(spoil):
    def spoil_without(path):
        (path.parent / f"001-{SEED_SLUG}.md").unlink()
        spoil(path)

    return spoil_without


def spoil_the_image(path):
    name = split(path.read_bytes().decode())[0]["figures"][0]["image"]
    default_storage.delete(name)
    (path.parents[2] / "media" / name).write_bytes(b"Example text, not an image")


SAME_PERSON = {"name": "Dr Example Reviewer", "credentials": "example psychiatrist"}
TREATMENT = "treatments/example-treatment.md"


@pytest.mark.parametrize(
    ("name", "spoil", "message"),
    [
        (DRAFT, rewrite(lambda t: t.replace("slug: example-draft", "slug: [x")), "invalid YAML"),
        (DRAFT, rewrite(lambda t: "Example text\n"), "starts with a line “---”"),
        (DRAFT, rewrite(lambda t: t.replace("summary: 'yes'\n", "")), "missing summary"),
        (DRAFT, set_keys(sumary="Example typo"), "unknown key sumary"),
        (DRAFT, set_keys(number="two"), "number must be a whole number"),
        (DRAFT, set_keys(series={"slug": "example-none"}), "series “example-none” is neither"),
        (DRAFT, set_keys(treatments=["example-none"]), "“example-none” is neither"),
        (DRAFT, set_keys(status="live"), "status: Value 'live' is not a valid choice."),
        (DRAFT, set_keys(summary="x" * 301), "summary: Ensure this value has at most 300"),
        (DRAFT, set_keys(author=SAME_PERSON), "reviewer must be someone other than the author"),
        (DRAFT, set_keys(id=1), f"id 1 is also used by articles/curing-depression/001-{SEED_SLUG}"),
        (
            DRAFT,
            without_the_seed_file(set_keys(id=1, slug="example-new")),
            f"id 1 is the article “{SEED_SLUG}” on this site",
        ),
        (
            DRAFT,
            without_the_seed_file(set_keys(id=1)),
            "“example-draft” is article 2 on this site, not 1",
        ),
        # Not the id: PostgreSQL's sequences do not roll back with each test's rows.
        (DRAFT, set_keys(sources=[]), "]], but sources does not list it"),
        (DRAFT, set_keys(figures=[]), "the body places [[figure 1]], but figures has no such"),
        (DRAFT, set_figure(image="figures/example-none.png"), "neither in the site's media"),
        (DRAFT, set_figure(image="../../example.png"), "must be a relative path"),
        (DRAFT, set_figure(alt_text=""), "figure 1: alt_text: This field cannot be blank."),
        (DRAFT, spoil_the_image, "not an image"),
        (DRAFT, rewrite(lambda t: t + "[x](article:999)"), "There is no article for the link"),
        (DRAFT, rewrite(lambda t: t.replace("year: 2021", "year: 1999")), "differs from the same"),
        (TREATMENT, set_keys(category="example"), "category: Value 'example' is not a valid"),
        (TREATMENT, copy_to("example-copy.md"), "slug example-treatment is also used by"),
    ],
)
def test_a_bad_file_stops_the_import_naming_it_and_nothing_is_saved(
    tmp_path, content, name, spoil, message
):
    export(tmp_path)
    spoil(tmp_path / name)
    # A good change in the same import: it must not be saved either.
    set_keys(name="Example renamed")(tmp_path / "treatments/medication.md")

    with pytest.raises(CommandError) as raised:
        run_import(tmp_path)

    assert str(raised.value).startswith(f"{name}: ") or f"\n{name}: " in str(raised.value)
    assert message in str(raised.value)
    assert "Nothing was imported." in str(raised.value)
    assert Treatment.objects.get(slug="medication").name == "Medication"
    assert Article.objects.get(slug="example-draft").title == content.title


def test_publishing_by_file_keeps_the_overdue_review_rule_that_a_restore_does_not(
    tmp_path, content
):
    content.last_reviewed, content.next_review_due = date(2020, 1, 2), date(2023, 1, 2)
    content.save()
    export(tmp_path)
    set_keys(status="published")(tmp_path / DRAFT)

    with pytest.raises(CommandError, match=f"{DRAFT}: status: The clinical review was due"):
        run_import(tmp_path)
    assert Article.objects.get(slug="example-draft").status == Status.DRAFT

    # Restoring onto an empty site: pages new here keep the status their file gives them.
    wipe_content()
    run_import(tmp_path)
    assert Article.objects.get(slug="example-draft").status == Status.PUBLISHED


def test_an_image_missing_from_the_site_is_restored_from_the_export(
    tmp_path, content, django_capture_on_commit_callbacks
):
    export(tmp_path)
    name = content.figures.get().image.name
    wipe_content()
    default_storage.delete(name)

    with django_capture_on_commit_callbacks(execute=True):
        run_import(tmp_path)

    figure = Article.objects.get(slug="example-draft").figures.get()
    assert (figure.image.name, figure.width, figure.height) == (name, 8, 8)
    with default_storage.open(name) as image, Image.open(image) as picture:
        assert (picture.format, picture.size) == ("PNG", (8, 8))


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
