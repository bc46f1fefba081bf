import shutil
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Prefetch

from articles.models import (
    Article,
    ArticleReference,
    ArticleTreatment,
    EditorialPolicy,
    Figure,
    Person,
    Series,
    Term,
    Treatment,
    TreatmentReference,
    UrgentHelp,
)
from interchange import file_format as files
from interchange import writing

PEOPLE = ("author__user", "reviewer__user")
MARKER_TEXT = (
    "Written by `manage.py export_markdown`. `export_markdown --replace` replaces the export in "
    "this folder only while this file is here.\n"
)
# An export there would mix with, or with --replace remove, the site's own files: its source
# has an articles/ folder and its uploads a media/ one.
SITE_FOLDERS = ("BASE_DIR", "MEDIA_ROOT", "STATIC_ROOT")


class Command(BaseCommand):
    help = (
        "Write every series, article and treatment (whatever its status), every person and "
        "glossary term, the urgent-help callout and the editorial policy as Markdown files with "
        "YAML front matter, with the figure images, into DIRECTORY. `import_markdown DIRECTORY` "
        "reads them back."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Where to write; created if missing.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace an earlier export in DIRECTORY: its series/, articles/, treatments/, "
            "people/, glossary/, media/, urgent-help.md and editorial-policy.md are removed first "
            f"(so renamed pages leave no stale file), but only beside the {files.EXPORT_MARKER} "
            "file every export writes; other files there, such as .git, are kept.",
        )

    def handle(self, directory, replace=False, **options):
        root = Path(directory)
        check_not_site_folder(root)
        previous = [root / name for name in files.EXPORT_PATHS if (root / name).exists()]
        names = ", ".join(path.name for path in previous)
        if previous and not (root / files.EXPORT_MARKER).is_file():
            raise CommandError(
                f"{root} holds {names} but no {files.EXPORT_MARKER} file, so they were not "
                "written by export_markdown (or by a version before exports were marked) and "
                "are not removed. Export into an empty or new directory."
            )
        if previous and not replace:
            raise CommandError(
                f"{root} already holds an export ({names}). Add --replace to replace it, or "
                "choose another directory."
            )
        for path in previous:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        root.mkdir(parents=True, exist_ok=True)
        # First, so that an export cut short can still be replaced.
        (root / files.EXPORT_MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        count = 0
        for name, text in documents():
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            # newline="": the body's own line endings (the admin saves Windows ones) are kept.
            target.write_text(text, encoding="utf-8", newline="")
            count += 1
        images = self.copy_images(root / files.MEDIA_DIR)
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {count} Markdown files and {images} images to {root}.")
        )

    def copy_images(self, media):
        copied = 0
        for name in sorted(set(Figure.objects.values_list("image", flat=True))):
            try:
                files.check_image_name(name)
                with default_storage.open(name) as source:
                    data = source.read()
            except (files.Problem, OSError) as error:
                self.stderr.write(f"Image {name} not copied: {error}")
                continue
            target = media / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            copied += 1
        return copied


def check_not_site_folder(root):
    """Refuse the project folder, its media and static roots, and any folder above them."""
    resolved = root.resolve()
    for setting in SITE_FOLDERS:
        value = getattr(settings, setting, None)
        if not value:
            continue
        folder = Path(value).resolve()
        if resolved == folder or resolved in folder.parents:
            where = "is" if resolved == folder else "holds"
            raise CommandError(
                f"{root} {where} the site's {setting} ({folder}): an export there could "
                "overwrite or remove the site's own files. Export into a directory of its own, "
                "outside it."
            )


def treatments_loaded():
    return Treatment.objects.select_related(*PEOPLE).prefetch_related(
        Prefetch("source_links", TreatmentReference.objects.select_related("reference"))
    )


def articles_loaded():
    return Article.objects.select_related("series", *PEOPLE).prefetch_related(
        Prefetch("treatment_links", ArticleTreatment.objects.select_related("treatment")),
        Prefetch("source_links", ArticleReference.objects.select_related("reference")),
        "figures",
    )


def documents():
    """(relative path, text) of every file of an export."""
    for series in Series.objects.order_by("pk"):
        yield writing.series_document(series)
    for treatment in treatments_loaded().pages().order_by("pk"):
        yield writing.treatment_document(treatment)
    for article in articles_loaded().pages().order_by("pk"):
        yield writing.article_document(article)
    # Drafts of live pages, each beside its page's file.
    for draft in treatments_loaded().exclude(live_page=None).select_related("live_page"):
        yield writing.draft_document(draft)
    drafts = articles_loaded().exclude(live_page=None).select_related("live_page__series")
    for draft in drafts.order_by("pk"):
        yield writing.draft_document(draft)
    callout = UrgentHelp.objects.filter(pk=1).first()
    if callout is not None:
        yield writing.urgent_help_document(
            callout, callout.helplines.all(), callout.emergency_numbers.all()
        )
    for person in Person.objects.select_related("user").order_by("pk"):
        yield writing.person_document(person)
    policy = EditorialPolicy.objects.filter(pk=1).first()
    if policy is not None:
        yield writing.editorial_policy_document(policy)
    for term in Term.objects.select_related("treatment").order_by("pk"):
        yield writing.term_document(term)
