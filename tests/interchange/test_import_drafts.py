"""An import never changes what readers see by itself: changed files of published pages become
drafts awaiting sign-off, unless the operator passes --publish."""

import pytest
from django.core.management import CommandError
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


def test_a_round_trip_keeps_live_pages_and_their_drafts(tmp_path, seeded):
    from articles import drafts
    from tests.support.factories import make_treatment
    from tests.support.markdown_exports import wipe_content

    draft = drafts.start_draft(seeded)
    draft.title = "Example pending title"
    draft.review_note = "Example: shorten the summary."
    draft.save()
    draft.treatment_links.all().delete()
    draft.treatment_links.create(treatment=make_treatment("example-only-in-draft"), position=1)
    export(tmp_path)
    assert (tmp_path / SEED_FILE.replace(".md", ".draft.md")).exists()
    first = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*.md")}

    wipe_content()
    run_import(tmp_path)

    live = Article.objects.pages().get(slug=seeded.slug)
    restored = Article.objects.get(live_page=live)
    assert (live.title, restored.title) == (seeded.title, "Example pending title")
    assert restored.review_note == "Example: shorten the summary."
    assert [link.treatment.slug for link in restored.treatment_links.all()] == [
        "example-only-in-draft"
    ]
    assert "example-only-in-draft" not in public_html(live)
    # And again: the same files, unchanged.
    again = tmp_path / "again"
    export(again)
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*.md")}
    assert second == first


def test_a_draft_file_never_publishes(tmp_path, seeded):
    from articles import drafts

    drafts.start_draft(seeded)
    export(tmp_path)
    draft_file = tmp_path / SEED_FILE.replace(".md", ".draft.md")
    edit(draft_file, lambda data: data.update(status="published", title="Example sneaky"))

    with pytest.raises(CommandError, match="only a sign-off publishes it"):
        run_import(tmp_path, "--publish")
    assert "Example sneaky" not in public_html(seeded)


@pytest.mark.parametrize(
    ("path", "change"),
    [
        ("series/curing-depression.md", {"title": "Example renamed series"}),
        ("urgent-help.md", {"title": "Example changed callout"}),
    ],
)
def test_text_readers_see_outside_pages_changes_only_with_publish(tmp_path, seeded, path, change):
    export(tmp_path)
    edit(tmp_path / path, lambda data: data.update(change))
    before = Client().get("/").content

    with pytest.raises(CommandError, match="only a publisher's sign-off changes it"):
        run_import(tmp_path)
    assert Client().get("/").content == before

    run_import(tmp_path, "--publish")
    assert list(change.values())[0].encode() in Client().get("/").content


def test_a_new_page_file_is_not_published_on_a_site_that_has_pages(tmp_path, seeded):
    export(tmp_path)
    new = tmp_path / "treatments" / "example-new.md"
    new.write_bytes((tmp_path / "treatments" / "ketamine.md").read_bytes())

    def rename(data):
        for key in ("id", "created", "updated"):
            data.pop(key, None)
        data.update(name="Example new treatment", slug="example-new")

    edit(new, rename)

    run_import(tmp_path)

    from articles.models import Treatment

    page = Treatment.objects.get(slug="example-new")
    assert page.status == Status.REVIEW
    assert Client().get(page.get_absolute_url()).status_code == 404
