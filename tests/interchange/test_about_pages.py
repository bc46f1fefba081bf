"""People's pages and the editorial policy in Markdown exports: written, read back, and held to
the import's sign-off rules (what readers see changes only with --publish)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from articles.models import Article, EditorialPolicy, Person
from interchange import file_format as files
from interchange.front_matter import split
from interchange.writing import dump
from tests.support.markdown_exports import DRAFT, edit, export, run_import, wipe_content

pytestmark = pytest.mark.django_db

REVIEWER = "people/dr-example-reviewer.md"


def import_warnings(path, *flags):
    err = StringIO()
    call_command("import_markdown", str(path), *flags, stdout=StringIO(), stderr=err)
    return err.getvalue()


def test_people_and_the_policy_are_written_with_their_pages_details(tmp_path, content):
    written = export(tmp_path)

    front_matter, body = split(written[REVIEWER].decode())
    assert list(front_matter) == list(files.PERSON_PAGE_KEYS)
    assert front_matter == {
        "name": "Dr Example Reviewer",
        "slug": "dr-example-reviewer",
        "credentials": "example psychiatrist",
        "role": "Example clinical reviewer",
        "conflicts_of_interest": "Example declaration: none.\nExample second line.",
        "user": "example-reviewer",
    }
    assert body == "Example bio line one.\r\n\r\nExample *second* paragraph.\r\n"
    assert "people/example-author.md" in written
    front_matter, body = split(written["editorial-policy.md"].decode())
    assert (front_matter["title"], front_matter["published"]) == ("Example policy title", True)
    assert body == "## Example heading\r\n\r\nExample policy text.\r\n"


def test_people_and_the_policy_come_back_into_an_empty_site(tmp_path, client, content):
    before = export(tmp_path / "first")
    person_page = client.get("/people/dr-example-reviewer/").content
    policy_page = client.get("/editorial-policy/").content
    wipe_content()

    run_import(tmp_path / "first")

    assert export(tmp_path / "second") == before
    assert client.get("/people/dr-example-reviewer/").content == person_page
    assert client.get("/editorial-policy/").content == policy_page


def test_a_person_no_published_page_credits_is_changed_by_an_import(tmp_path, content):
    Person.objects.create(name="Example Newcomer", slug="example-newcomer")
    export(tmp_path)
    edit(
        tmp_path / "people/example-newcomer.md",
        lambda front_matter: front_matter.update(role="Example role"),
        body="Example *new* bio.",
    )

    assert "0 created, 1 changed" in run_import(tmp_path)

    person = Person.objects.get(slug="example-newcomer")
    assert (person.role, person.bio_html) == ("Example role", "<p>Example <em>new</em> bio.</p>")


def test_a_person_readers_see_changes_only_with_publish(tmp_path, content):
    export(tmp_path)
    edit(
        tmp_path / REVIEWER,
        lambda front_matter: front_matter.update(conflicts_of_interest="Example unsigned."),
    )

    with pytest.raises(CommandError, match=f"{REVIEWER}: this changes the person"):
        run_import(tmp_path)
    assert "Example unsigned." not in Client().get("/people/dr-example-reviewer/").content.decode()

    run_import(tmp_path, "--publish")
    assert "Example unsigned." in Client().get("/people/dr-example-reviewer/").content.decode()


def test_a_page_must_name_a_person_as_their_own_file_does(tmp_path, content):
    export(tmp_path)
    edit(
        tmp_path / DRAFT,
        lambda front_matter: front_matter["reviewer"].update(credentials="example surgeon"),
    )

    with pytest.raises(CommandError) as refused:
        run_import(tmp_path)

    assert f"{DRAFT}: Dr Example Reviewer (dr-example-reviewer) is named" in str(refused.value)
    assert REVIEWER in str(refused.value)


def test_a_page_file_without_slugs_still_names_the_same_people(tmp_path, content):
    export(tmp_path)

    def older_format(front_matter):
        for key in ("author", "reviewer"):
            if front_matter[key]:
                del front_matter[key]["slug"]

    edit(tmp_path / DRAFT, older_format)
    for person in (tmp_path / "people").iterdir():
        person.unlink()

    assert "0 created, 0 changed" in run_import(tmp_path)
    assert Person.objects.count() == 2
    assert Article.objects.get(slug="example-draft").reviewer.slug == "dr-example-reviewer"


def test_a_new_policy_waits_for_a_publisher(tmp_path, content):
    export(tmp_path)
    EditorialPolicy.objects.all().delete()

    warnings = import_warnings(tmp_path)

    assert "editorial-policy.md: not shown to readers" in warnings
    policy = EditorialPolicy.objects.get()
    assert (policy.text, policy.published) == (
        "## Example heading\r\n\r\nExample policy text.\r\n",
        False,
    )
    assert Client().get("/editorial-policy/").status_code == 404

    run_import(tmp_path, "--publish")
    assert Client().get("/editorial-policy/").status_code == 200


def test_a_shown_policy_changes_only_with_publish(tmp_path, content):
    export(tmp_path)
    edit(tmp_path / "editorial-policy.md", body="Example unsigned policy.")

    with pytest.raises(CommandError, match="this changes the editorial policy"):
        run_import(tmp_path)
    assert "Example unsigned policy." not in Client().get("/editorial-policy/").content.decode()

    run_import(tmp_path, "--publish")
    assert "Example unsigned policy." in Client().get("/editorial-policy/").content.decode()


@pytest.mark.parametrize(
    ("name", "front_matter", "body", "message"),
    [
        ("editorial-policy.md", {"title": "Example"}, "\n", "the editorial policy has no text"),
        (
            "editorial-policy.md",
            {"title": "Example", "published": "yes please"},
            "Example.",
            "published must be true or false",
        ),
        ("people/example.md", {"name": "Example"}, "", "missing slug"),
        (
            "people/example.md",
            {"name": "Example", "slug": "example", "email": "x@example.org"},
            "",
            "unknown key email",
        ),
        (
            "people/example.md",
            {"name": "Example", "slug": "not a slug"},
            "",
            "slug: Enter a valid",
        ),
        (
            "people/example.md",
            {"name": "Example", "slug": "example"},
            "<" * 5 + "\n" + "> " * 30 + "Example",
            "bio: Quotes and lists are nested 30 levels deep",
        ),
    ],
)
def test_bad_files_are_refused_by_name(tmp_path, content, name, front_matter, body, message):
    export(tmp_path)
    (tmp_path / name).write_text(dump(front_matter, body))
    rows = list(Person.objects.values()), list(EditorialPolicy.objects.values())

    with pytest.raises(CommandError, match=message) as refused:
        run_import(tmp_path)

    assert name in str(refused.value)
    assert (list(Person.objects.values()), list(EditorialPolicy.objects.values())) == rows


def test_an_export_without_people_files_imports_as_before(tmp_path, content):
    export(tmp_path)
    for person in (tmp_path / "people").iterdir():
        person.unlink()
    (tmp_path / "editorial-policy.md").unlink()
    wipe_content()

    run_import(tmp_path)

    reviewer = Person.objects.get(slug="dr-example-reviewer")
    assert (reviewer.credentials, reviewer.bio) == ("example psychiatrist", "")
    assert not EditorialPolicy.objects.exists()
