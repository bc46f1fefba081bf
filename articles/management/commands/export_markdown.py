import shutil
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Prefetch

from articles import markdown_files as files
from articles.markdown_files import writing
from articles.models import (
    Article,
    ArticleReference,
    ArticleTreatment,
    Figure,
    Series,
    Treatment,
    TreatmentReference,
    UrgentHelp,
)

PEOPLE = ("author__user", "reviewer__user")


class Command(BaseCommand):
    help = (
        "Write every series, article and treatment (whatever its status) and the urgent-help "
        "callout as Markdown files with YAML front matter, with the figure images, into "
        "DIRECTORY. `import_markdown DIRECTORY` reads them back."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Where to write; created if missing.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace an earlier export in DIRECTORY: its series/, articles/, treatments/, "
            "media/ and urgent-help.md are removed first (so renamed pages leave no stale "
            "file); other files there, such as .git, are kept.",
        )

    def handle(self, directory, replace=False, **options):
        root = Path(directory)
        previous = [root / name for name in files.EXPORT_PATHS if (root / name).exists()]
        if previous and not replace:
            names = ", ".join(path.name for path in previous)
            raise CommandError(
                f"{root} already holds an export ({names}). Add --replace to replace it, or "
                "choose another directory."
            )
        for path in previous:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
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


def documents():
    """(relative path, text) of every file of an export."""
    for series in Series.objects.order_by("pk"):
        yield writing.series_document(series)
    treatments = Treatment.objects.select_related(*PEOPLE).prefetch_related(
        Prefetch("source_links", TreatmentReference.objects.select_related("reference"))
    )
    for treatment in treatments.order_by("pk"):
        yield writing.treatment_document(treatment)
    articles = Article.objects.select_related("series", *PEOPLE).prefetch_related(
        Prefetch("treatment_links", ArticleTreatment.objects.select_related("treatment")),
        Prefetch("source_links", ArticleReference.objects.select_related("reference")),
        "figures",
    )
    for article in articles.order_by("pk"):
        yield writing.article_document(article)
    callout = UrgentHelp.objects.filter(pk=1).first()
    if callout is not None:
        yield writing.urgent_help_document(callout, callout.helplines.all())
