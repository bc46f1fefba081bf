import tempfile

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from operations import archive, restoring

SUMMARY = (
    "articles.series",
    "articles.article",
    "articles.treatment",
    "reversion.revision",
    "auth.user",
)


class Command(BaseCommand):
    help = (
        "Load a backup made by `manage.py backup` into an empty, migrated database in one "
        "transaction, clear the page cache, then store the uploaded files the storage lacks. A "
        "database that already has content is refused; stored files are never replaced."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup archive (.tar.gz).")
        parser.add_argument("--database", default="default", help="Which database to load.")

    def handle(self, *args, file, database="default", **options):
        with tempfile.TemporaryDirectory(prefix="trdsite-restore-") as root:
            try:
                backup = archive.read_backup(file, root)
                notes = restoring.restore_backup(backup, using=database)
            except archive.BackupError as error:
                raise CommandError(str(error)) from error
        for note in notes:
            self.stdout.write(self.style.WARNING(note))
        counts = backup.manifest["counts"]
        restored = ", ".join(
            f"{counts.get(label, 0)} {named(label, counts.get(label, 0))}" for label in SUMMARY
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {file} (made {backup.manifest['created']}): {restored} and "
                f"{len(backup.media_names)} uploaded files."
            )
        )


def named(label, count):
    meta = apps.get_model(label)._meta
    return meta.verbose_name if count == 1 else meta.verbose_name_plural
