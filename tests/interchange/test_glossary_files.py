"""Glossary terms in Markdown exports (glossary/<slug>.md) and a page's `mark_terms`: written,
read back, and held to the import's sign-off rules (a published term changes only with
--publish, and a file never publishes a term by itself)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from articles.models import Article, Status, Term
from interchange import file_format as files
from interchange.front_matter import split
from tests.support.markdown_exports import DRAFT, edit, export, run_import, wipe_content

pytestmark = pytest.mark.django_db

ECT = "glossary/ect.md"
SEED_ARTICLE = "/articles/what-is-treatment-resistant-depression/"


def import_warnings(path, *flags):
    err = StringIO()
    call_command("import_markdown", str(path), *flags, stdout=StringIO(), stderr=err)
    return err.getvalue()


def test_terms_are_written_with_every_field_and_pages_with_mark_terms(tmp_path, content):
    Article.objects.filter(pk=content.pk).update(mark_terms=False)
    written = export(tmp_path)

    assert sorted(name for name in written if name.startswith("glossary/")) == [
        "glossary/dbs.md",
        "glossary/ect.md",
        "glossary/ketamine.md",
        "glossary/tms.md",
        "glossary/trd.md",
    ]
    front_matter, body = split(written[ECT].decode())
    assert list(front_matter) == list(files.TERM_KEYS)
    assert {key: front_matter[key] for key in files.TERM_KEYS[:-2]} == {
        "term": "ECT",
        "slug": "ect",
        "other_names": ["Electroconvulsive therapy"],
        "treatment": "electroconvulsive-therapy",
        "mark_in_pages": True,
        "status": "published",
    }
    assert body == Term.objects.get(slug="ect").definition
    assert split(written["glossary/trd.md"].decode())[0]["treatment"] is None
    assert split(written[DRAFT].decode())[0]["mark_terms"] is False
    assert split(written["treatments/ketamine.md"].decode())[0]["mark_terms"] is True


def test_terms_and_their_marks_come_back_into_an_empty_site(tmp_path, client, content):
    term = Term.objects.get(slug="trd")
    term.other_names = "Treatment Resistant Depression\r\nExample second name"
    term.save()
    before = export(tmp_path / "first")
    pages = {url: client.get(url).content for url in ("/glossary/", SEED_ARTICLE)}
    wipe_content()
    assert not Term.objects.exists()

    assert "0 changed, 0 unchanged" in run_import(tmp_path / "first")

    assert export(tmp_path / "second") == before
    assert {url: client.get(url).content for url in pages} == pages
    assert 'class="term"' in pages[SEED_ARTICLE].decode()
    assert "0 created, 0 changed" in run_import(tmp_path / "first")


def test_a_published_term_changes_only_with_publish(tmp_path, content):
    export(tmp_path)
    edit(tmp_path / ECT, body="ECT is an example changed definition.")

    with pytest.raises(CommandError, match=f"{ECT}: this changes the glossary term “ect”"):
        run_import(tmp_path)
    assert Term.objects.get(slug="ect").definition.startswith("ECT is a form of brain")

    run_import(tmp_path, "--publish")
    assert Term.objects.get(slug="ect").definition == "ECT is an example changed definition."
    assert "an example changed definition" in Client().get("/glossary/").content.decode()


def test_unpublishing_a_term_is_a_change_readers_see(tmp_path, content):
    export(tmp_path)
    edit(tmp_path / ECT, lambda front_matter: front_matter.update(status="draft"))
    with pytest.raises(CommandError, match="this changes the glossary term"):
        run_import(tmp_path)
    assert Term.objects.get(slug="ect").status == Status.PUBLISHED


def test_a_new_term_file_waits_for_a_publisher(tmp_path, content):
    export(tmp_path)
    new = tmp_path / "glossary/example-term.md"
    new.write_text(
        (tmp_path / ECT)
        .read_text()
        .replace("term: ECT", "term: Example term")
        .replace("slug: ect", "slug: example-term")
        .replace("- Electroconvulsive therapy", "- Exampleword")
        .replace("ECT is a form", "Example term is a form")
    )

    warnings = import_warnings(tmp_path)

    assert "glossary/example-term.md: not published; it awaits a publisher" in warnings
    term = Term.objects.get(slug="example-term")
    assert (term.status, term.names) == (Status.REVIEW, ["Example term", "Exampleword"])
    assert "Example term" not in Client().get("/glossary/").content.decode()
    assert "0 created, 0 changed" in run_import(tmp_path)

    run_import(tmp_path, "--publish")
    assert Term.objects.get(slug="example-term").status == Status.PUBLISHED


def test_a_term_file_must_name_a_treatment_here_and_keep_to_the_rules(tmp_path, content):
    export(tmp_path)
    edit(tmp_path / ECT, lambda front_matter: front_matter.update(treatment="example-missing"))
    with pytest.raises(CommandError, match=f"{ECT}: treatment “example-missing” is neither"):
        run_import(tmp_path, "--publish")

    export(tmp_path / "again")
    edit(tmp_path / "again" / ECT, body=" ".join(["example"] * 61))
    with pytest.raises(CommandError, match=f"{ECT}: definition: A definition is at most 60"):
        run_import(tmp_path / "again", "--publish")

    export(tmp_path / "third")
    edit(tmp_path / "third" / ECT, lambda front_matter: front_matter.update(other_names="ECT"))
    with pytest.raises(CommandError, match=f"{ECT}: other_names must be a list"):
        run_import(tmp_path / "third", "--publish")


def test_a_page_file_switches_marking_and_older_files_keep_it_on(tmp_path, content):
    export(tmp_path)
    edit(tmp_path / DRAFT, lambda front_matter: front_matter.update(mark_terms=False))
    run_import(tmp_path)
    assert Article.objects.get(pk=content.pk).mark_terms is False

    edit(tmp_path / DRAFT, lambda front_matter: front_matter.pop("mark_terms"))
    run_import(tmp_path)
    assert Article.objects.get(pk=content.pk).mark_terms is True
