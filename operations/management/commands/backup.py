from django.core.management.base import BaseCommand, CommandError

from operations import archive, backups


class Command(BaseCommand):
    help = (
        "Write all content (pages, sources, revisions, urgent help, redirects, users and groups) "
        "and every uploaded file to one compressed archive, read in a single consistent "
        "transaction, and print its path. Load it with `manage.py restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            nargs="?",
            help="Where to write it (default: backups/trdsite-<UTC time>.tar.gz). An existing "
            "file is replaced once the new backup is complete.",
        )
        parser.add_argument("--database", default="default", help="Which database to read.")

    def handle(self, *args, file=None, database="default", **options):
        path = file or backups.default_path()
        try:
            manifest = backups.write_backup(path, using=database)
        except (archive.BackupError, OSError) as error:
            raise CommandError(f"The backup was not written: {error}") from error
        if options["verbosity"] > 1:
            rows = sum(manifest["counts"].values())
            files = len(manifest["files"]) - 1
            self.stderr.write(f"{rows} rows and {files} uploaded files.")
        # The path alone, so scripts can use what this prints.
        self.stdout.write(str(path))
