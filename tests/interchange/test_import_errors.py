"""import_markdown refuses bad files, naming each, and saves nothing; the admin's rules apply."""

from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError
from django.db import IntegrityError
from PIL import Image

from articles.models import (
    Article,
    Series,
    Status,
    Treatment,
)
from interchange.front_matter import split
from tests.support.markdown_exports import (
    DRAFT,
    SEED_SLUG,
    edit,
    export,
    run_import,
    wipe_content,
)

pytestmark = pytest.mark.django_db


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
        run_import(tmp_path, "--publish")
    assert Article.objects.get(slug="example-draft").status == Status.DRAFT
    # Without --publish, a file publishes nothing: the page awaits sign-off.
    run_import(tmp_path)
    assert Article.objects.get(slug="example-draft").status == Status.REVIEW

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


def test_a_row_the_database_refuses_is_reported_against_its_file(tmp_path, content, monkeypatch):
    export(tmp_path)
    set_keys(title="Example renamed")(tmp_path / "series/curing-depression.md")

    def refuse(self, *args, **kwargs):
        raise IntegrityError("example constraint failed")

    monkeypatch.setattr(Series, "save", refuse)

    with pytest.raises(CommandError) as raised:
        run_import(tmp_path, "--publish")

    assert str(raised.value) == (
        "series/curing-depression.md: the database refused it (example constraint failed).\n"
        "Nothing was imported."
    )
