import gzip
import io
import json
import re
import tarfile
from datetime import date
from pathlib import Path

import pytest
import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.redirects.models import Redirect
from django.core.cache import cache, caches
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.urls import reverse
from reversion.models import Version

from articles import drafts
from articles.models import (
    Article,
    ArticleReference,
    EditorialPolicy,
    EmergencyNumber,
    Helpline,
    PageFeedback,
    Person,
    ReviewComment,
    ReviewLink,
    Source,
    Status,
    Term,
    Treatment,
    UrgentHelp,
    Verdict,
)
from articles.sitemaps import SITEMAPS
from operations import archive as backup_archive
from operations import backups
from tests.support.factories import make_figure, make_staff, png_bytes

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

OLD_PATH = "/articles/example-old-address/"
UPLOAD = "uploads/example-upload.png"


@pytest.fixture
def media(settings, tmp_path):
    """A media folder of this test's own, so emptying it touches nothing else."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def files_in(folder):
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in Path(folder).rglob("*")
        if path.is_file()
    }


def back_up(path=None):
    out = io.StringIO()
    call_command("backup", *([str(path)] if path else []), stdout=out)
    return out.getvalue().strip()


def restore(path):
    call_command("restore", str(path), stdout=io.StringIO())


def add_editorial_content(article):
    """What editors add after the seed: people, a source, a figure, an upload, a signed-off
    revision, a redirect and their own urgent-help wording."""
    publisher = make_staff("example-publisher", "Publishers", first_name="Example Publisher")
    author = Person.objects.create(name="Example Author")
    reviewer = Person.objects.create(
        name="Dr Example Reviewer", credentials="example psychiatrist", user=publisher
    )
    reference = Source.objects.create(
        title="An example trial of example treatments",
        authors="Example A, Sample B",
        publication="Example Journal",
        year=2020,
        doi="10.1000/example.123",
    )
    ArticleReference.objects.create(article=article, reference=reference)
    make_figure(article, number=4, alt_text="An example chart", caption="Example caption")
    default_storage.save(UPLOAD, ContentFile(png_bytes(size=(4, 4))))
    article.body += f"\n\n![An example upload]({settings.MEDIA_URL}{UPLOAD})"
    article.author, article.reviewer, article.last_reviewed = author, reviewer, date(2026, 1, 5)
    with reversion.create_revision():
        reversion.set_user(publisher)
        reversion.set_comment("Example sign-off by the medical reviewer")
        article.save()
    Redirect.objects.create(
        site_id=settings.SITE_ID, old_path=OLD_PATH, new_path=article.get_absolute_url()
    )
    callout = UrgentHelp.objects.get()
    callout.text = "Example edited callout: tell someone you trust today."
    callout.save()
    Helpline.objects.filter(name="Find A Helpline").delete()
    Helpline.objects.create(
        callout=callout,
        name="Example Helpline",
        country="AQ",
        phone="0000 000000",
        hours="Example hours",
        shown_on_pages=True,
        last_checked=date(2026, 1, 6),
        position=99,
    )
    EmergencyNumber.objects.create(callout=callout, country="AQ", number="000", position=99)
    # A pending update of the live page: a backup keeps it, still unpublished.
    draft = drafts.start_draft(article)
    draft.title = "Example pending draft title"
    draft.save()


def public_paths(article):
    paths = [
        reverse("articles:home"),
        article.series.get_absolute_url(),
        article.get_absolute_url(),
        reverse("articles:treatment_list"),
        *(treatment.get_absolute_url() for treatment in Treatment.objects.published()),
        reverse("articles:feed_rss"),
        reverse("articles:feed_atom"),
        reverse("sitemap"),
        *(reverse("sitemap_section", kwargs={"section": name}) for name in SITEMAPS),
        reverse("articles:search") + "?q=depression",
        reverse("articles:help"),  # every helpline and emergency number, with its fields
        reverse("articles:glossary"),  # every published term, and the pages marking it
        OLD_PATH,
    ]
    return paths


def render(client, paths):
    pages = {}
    for path in paths:
        response = client.get(path)
        # A CSP nonce, where one is used, is new on every response.
        content = re.sub(rb'nonce="[^"]*"', b'nonce=""', response.content)
        pages[path] = (response.status_code, response.get("Location"), content)
    return pages


def history():
    return list(
        Version.objects.order_by("pk").values_list(
            "pk",
            "object_id",
            "content_type__model",
            "serialized_data",
            "revision__comment",
            "revision__user__username",
        )
    )


# live flush and restore need real transactions; serialized_rollback puts back what the
# migrations created (groups, urgent help) for the tests after this one.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restore_brings_back_every_page_file_and_revision(client, media, tmp_path):
    call_command("seed", verbosity=0)
    article = Article.objects.get(slug="what-is-treatment-resistant-depression")
    add_editorial_content(article)
    Term.objects.create(term="Example term", slug="example-term", definition="Example draft.")
    paths = public_paths(article)
    cache.clear()
    before = render(client, paths)
    history_before, media_before = history(), files_in(media)
    terms_before = list(Term.objects.order_by("pk").values())
    assert b'href="/glossary/#trd"' in before[article.get_absolute_url()][2]
    assert before[article.get_absolute_url()][0] == 200
    assert before[OLD_PATH][:2] == (301, article.get_absolute_url())
    assert b"Example edited callout" in before[reverse("articles:help")][2]
    assert b'href="tel:0000000000"' in before["/"][2]  # shown on every page
    assert {UPLOAD, article.figures.get(number=4).image.name} <= set(media_before)

    archive = tmp_path / "example-backup.tar.gz"
    assert back_up(archive) == str(archive)
    # It holds password hashes: readable by its owner only.
    assert archive.stat().st_mode & 0o077 == 0

    call_command("flush", interactive=False, verbosity=0)
    for path in media.rglob("*"):
        if path.is_file():
            path.unlink()
    cache.clear()
    # The empty site's home page and callout are now cached: the restore must invalidate them.
    assert client.get("/").content != before["/"][2]

    restore(archive)

    assert render(client, paths) == before
    assert list(Term.objects.order_by("pk").values()) == terms_before
    example = Helpline.objects.get(name="Example Helpline")
    assert (example.last_checked, example.shown_on_pages) == (date(2026, 1, 6), True)
    assert EmergencyNumber.objects.filter(country="AQ", number="000").exists()
    draft = Article.objects.get(live_page=article)
    assert (draft.title, draft.status) == ("Example pending draft title", Status.DRAFT)
    assert [f.number for f in draft.figures.all()] == [f.number for f in article.figures.all()]
    assert files_in(media) == media_before
    assert history() == history_before
    assert Version.objects.get_for_object(article).first().revision.user.username == (
        "example-publisher"
    )
    assert Person.objects.get(name="Dr Example Reviewer").user.username == "example-publisher"
    assert (
        get_user_model()
        .objects.get(username="example-publisher")
        .check_password("example-password")
    )


def test_restore_replaces_the_rows_migrate_made_instead_of_mixing(media, tmp_path):
    archive = tmp_path / "example-backup.tar.gz"
    with transaction.atomic():
        Helpline.objects.filter(name="Find A Helpline").delete()
        Helpline.objects.create(callout_id=1, name="Example Helpline", phone="0000 000000")
        EmergencyNumber.objects.filter(country="EU").delete()
        EmergencyNumber.objects.create(callout_id=1, country="AQ", number="000")
        editors = Group.objects.get(name="Editors")
        editors.permissions.remove(*editors.permissions.filter(codename="delete_figure"))
        Group.objects.create(name="Example Reviewers")
        back_up(archive)
        helplines = list(Helpline.objects.values_list("pk", "name", "phone"))
        numbers = list(EmergencyNumber.objects.values_list("pk", "country", "number"))
        groups = {group.name: set(group.permissions.all()) for group in Group.objects.all()}
        # Back to the database exactly as `migrate` left it.
        transaction.set_rollback(True)
    assert Helpline.objects.filter(name="Find A Helpline").exists()
    assert EmergencyNumber.objects.filter(country="EU").exists()

    restore(archive)

    assert list(Helpline.objects.values_list("pk", "name", "phone")) == helplines
    assert list(EmergencyNumber.objects.values_list("pk", "country", "number")) == numbers
    assert {group.name: set(group.permissions.all()) for group in Group.objects.all()} == groups


def test_restore_refuses_a_database_with_content_and_changes_nothing(media, seeded, tmp_path):
    archive = tmp_path / "example-backup.tar.gz"
    back_up(archive)
    # Made different from the backup, so that anything the refused restore wrote would show.
    default_storage.delete("figures/trd-hills-sunrise.png")
    UrgentHelp.objects.update(text="Example text written after the backup.")
    seeded.figures.filter(number=3).delete()

    with pytest.raises(CommandError, match=r"The database is not empty \(1 articles\.article"):
        restore(archive)

    assert not default_storage.exists("figures/trd-hills-sunrise.png")
    assert UrgentHelp.objects.get().text == "Example text written after the backup."
    assert list(seeded.figures.values_list("number", flat=True)) == [1, 2]


def truncated(data):
    return data[: len(data) // 2]


def flipped(data):
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


def without_manifest(data):
    out = io.BytesIO()
    with (
        tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as source,
        tarfile.open(fileobj=out, mode="w:gz") as copy,
    ):
        for member in source:
            if member.name != backup_archive.MANIFEST_NAME:
                copy.addfile(member, source.extractfile(member))
    return out.getvalue()


def with_escaping_member(data):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        info = tarfile.TarInfo("media/../../example-escaped.txt")
        info.size = 7
        archive.addfile(info, io.BytesIO(b"example"))
    return out.getvalue()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (truncated, "not a readable trdsite backup: it may be truncated or damaged"),
        (flipped, "not a readable trdsite backup: it may be truncated or damaged"),
        (lambda data: b"Example text, not an archive.", "not a readable trdsite backup"),
        (lambda data: gzip.compress(b"Example text, not a tar."), "not a readable"),
        (without_manifest, "it has no manifest.json, which a backup writes last"),
        (with_escaping_member, "unexpected member 'media/../../example-escaped.txt'"),
    ],
)
def test_a_damaged_archive_is_refused_with_a_clear_message(damage, message, media, tmp_path):
    archive = tmp_path / "example-backup.tar.gz"
    with transaction.atomic():
        call_command("seed", verbosity=0)
        back_up(archive)
        transaction.set_rollback(True)
    for path in media.rglob("*"):
        if path.is_file():
            path.unlink()
    archive.write_bytes(damage(archive.read_bytes()))

    with pytest.raises(CommandError, match=message) as refused:
        restore(archive)

    assert "Nothing was restored." in str(refused.value)
    assert not Article.objects.exists()
    assert files_in(media) == {}


def test_a_backup_from_newer_code_is_refused_before_anything_loads(media, tmp_path):
    archive = tmp_path / "example-backup.tar.gz"
    back_up(archive)
    out = io.BytesIO()
    with (
        tarfile.open(archive, mode="r:gz") as source,
        tarfile.open(fileobj=out, mode="w:gz") as copy,
    ):
        for member in source:
            content = source.extractfile(member).read()
            if member.name == backup_archive.MANIFEST_NAME:
                manifest = json.loads(content)
                manifest["migrations"]["articles"].append("9999_example_future_change")
                content = json.dumps(manifest).encode()
                member.size = len(content)
            copy.addfile(member, io.BytesIO(content))
    archive.write_bytes(out.getvalue())

    with pytest.raises(CommandError, match="lacks migrations the backup was made with"):
        restore(archive)


def test_backups_take_whole_apps_so_glossary_terms_are_in_them():
    # Nothing lists them: operations.backups.APP_LABELS names the apps.
    assert Term in backups.backed_up_models()


def test_a_missing_file_is_named():
    with pytest.raises(CommandError, match="There is no backup file at example-missing.tar.gz"):
        restore("example-missing.tar.gz")


def test_without_a_file_the_backup_is_named_by_its_utc_time(media, tmp_path, monkeypatch):
    monkeypatch.setattr(backups, "BACKUP_DIR", tmp_path / "backups")

    path = Path(back_up())

    assert path.parent == tmp_path / "backups"
    assert re.fullmatch(r"trdsite-\d{8}T\d{6}Z\.tar\.gz", path.name)
    assert [file.name for file in path.parent.iterdir()] == [path.name]
    with tarfile.open(path) as archive:
        names = archive.getnames()
    # The manifest last, so an archive cut short has none.
    assert names[0] == backup_archive.DATA_NAME and names[-1] == backup_archive.MANIFEST_NAME


@pytest.mark.parametrize("left_there", ["file", "link"])
def test_a_partial_file_left_at_the_path_is_replaced_never_written_through(
    left_there, media, tmp_path
):
    archive = tmp_path / "example-backup.tar.gz"
    partial = tmp_path / "example-backup.tar.gz.partial"
    target = tmp_path / "example-target.txt"
    target.write_bytes(b"Example file someone else owns")
    target.chmod(0o644)
    if left_there == "file":
        partial.write_bytes(b"Example backup cut short")
        partial.chmod(0o644)  # world-readable: password hashes must never land in it
    else:
        partial.symlink_to(target)

    back_up(archive)

    assert not archive.is_symlink()
    assert archive.stat().st_mode & 0o777 == 0o600
    assert target.read_bytes() == b"Example file someone else owns"
    assert not partial.exists() and not partial.is_symlink()
    with tarfile.open(archive) as opened:
        assert opened.getnames()[-1] == backup_archive.MANIFEST_NAME


MISSING_UPLOADS = ("uploads/example-a.png", "uploads/example-b.png")


@pytest.fixture
def seed_backup(media, tmp_path):
    """A backup of the seed and some uploads; then the database is as `migrate` left it, and
    the storage holds only UPLOAD, the backup's own file."""
    archive = tmp_path / "example-backup.tar.gz"
    with transaction.atomic():
        call_command("seed", verbosity=0)
        for name in (UPLOAD, *MISSING_UPLOADS):
            default_storage.save(name, ContentFile(png_bytes(size=(4, 4))))
        back_up(archive)
        transaction.set_rollback(True)
    for path in media.rglob("*"):
        if path.is_file() and path != media / UPLOAD:
            path.unlink()
    return archive


def test_a_failed_upload_after_the_database_is_restored_is_reported_exactly(
    seed_backup, media, monkeypatch
):
    kept = (media / UPLOAD).stat()
    save = FileSystemStorage._save

    def failing_save(self, name, content):
        if name == MISSING_UPLOADS[0]:
            raise OSError("Example disk full")
        return save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", failing_save)

    with pytest.raises(CommandError) as failed:
        restore(seed_backup)

    assert str(failed.value) == (
        "The database was restored, but not every uploaded file: of the 3 files the storage "
        "lacked, 2 were written (figures/trd-hills-sunrise.png, uploads/example-b.png) and "
        "these were not: uploads/example-a.png (Example disk full). Files already stored were "
        "left as they were. Copy the missing ones from media/ in "
        f"{seed_backup} into the storage under the same names."
    )
    assert Article.objects.filter(slug="what-is-treatment-resistant-depression").exists()
    assert set(files_in(media)) == {
        UPLOAD,
        "figures/trd-hills-sunrise.png",
        "uploads/example-b.png",
    }
    # Not deleted and saved again: the very same file.
    after = (media / UPLOAD).stat()
    assert (after.st_ino, after.st_mtime_ns) == (kept.st_ino, kept.st_mtime_ns)


def test_a_stored_file_unlike_the_backups_is_refused_before_anything_is_restored(
    seed_backup, media
):
    (media / UPLOAD).write_bytes(b"Example file stored since, under the same name")

    with pytest.raises(CommandError) as refused:
        restore(seed_backup)

    assert f"The storage already holds {UPLOAD}, which differ" in str(refused.value)
    assert "Nothing was restored." in str(refused.value)
    assert not Article.objects.exists()
    assert files_in(media) == {UPLOAD: b"Example file stored since, under the same name"}


def about_rows():
    return [
        list(model.objects.order_by("pk").values())
        for model in (Person, EditorialPolicy, ReviewLink, ReviewComment, PageFeedback)
    ]


def test_a_restore_brings_back_people_the_policy_reviews_and_feedback(client, media, tmp_path):
    archive = tmp_path / "example-backup.tar.gz"
    with transaction.atomic():
        call_command("seed", verbosity=0)
        article = Article.objects.get(slug="what-is-treatment-resistant-depression")
        author = Person.objects.create(
            name="Example Author",
            role="Example series editor",
            bio="Example *bio*.",
            conflicts_of_interest="Example declaration.",
        )
        Article.objects.filter(pk=article.pk).update(author=author)
        EditorialPolicy.objects.create(text="Example policy text.", published=True)
        link, _ = ReviewLink.create(
            article, reviewer_name="Example Outside Reviewer", email="reviewer@example.org"
        )
        ReviewComment.objects.create(
            link=link, text="Example comment.", verdict=Verdict.NEEDS_CHANGES, content="0" * 64
        )
        PageFeedback.objects.create(article=article, helpful=False, comment="Example feedback.")
        back_up(archive)
        rows = about_rows()
        pages = {
            url: client.get(url).content
            for url in (author.get_absolute_url(), "/editorial-policy/")
        }
        transaction.set_rollback(True)
    for alias in settings.CACHES:
        caches[alias].clear()  # of what was cached inside the rolled-back transaction
    # The empty site's answers are cached now: a restore must not leave them.
    assert not EditorialPolicy.is_public()
    assert client.get("/editorial-policy/").status_code == 404

    restore(archive)

    assert about_rows() == rows
    assert rows[0][0]["bio_html"] == "<p>Example <em>bio</em>.</p>"
    assert {url: client.get(url).content for url in pages} == pages
    assert EditorialPolicy.is_public()


def test_a_backup_from_before_helplines_had_countries_restores_them_regrouped(media, client):
    """Its helplines are regrouped as migration 0014 regroups a database's."""
    old = Path(__file__).parents[1] / "support" / "data" / "backup-before-source-rename.tar.gz"

    restore(old)

    numbers = EmergencyNumber.objects.order_by("position", "id")
    assert [(n.country.code, n.number, n.last_checked) for n in numbers] == [
        ("GB", "999", None),
        ("EU", "112", None),
        ("US", "911", None),
        ("CA", "911", None),
    ]
    lines = Helpline.objects.order_by("position", "id")
    assert [(line.country.code, line.name, line.phone, line.hours) for line in lines] == [
        ("GB", "Samaritans", "116 123", "24 hours a day"),
        ("IE", "Samaritans", "116 123", "24 hours a day"),
        ("US", "988 Suicide & Crisis Lifeline", "988", "24 hours a day"),
        ("CA", "9-8-8 Suicide Crisis Helpline", "988", "24 hours a day"),
        ("", "Find A Helpline", "", ""),
    ]
    assert 'href="tel:116123"' in client.get(reverse("articles:help") + "?country=IE").text
