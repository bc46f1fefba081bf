from pathlib import Path

import reversion
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from interchange.file_format import ImportRefused
from interchange.importing import Importer
from interchange.reading import read_directory


class Command(BaseCommand):
    help = (
        "Create or update series, articles, treatments, people, the urgent-help callout and the "
        "editorial policy from Markdown files written by export_markdown (matched by slug; ids "
        "are kept). All or nothing: a bad file stops the import with a message naming it, and "
        "nothing is saved. Changes to published pages become drafts awaiting sign-off, unless "
        "--publish."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Sign the files off as they are: change published pages and publish pages "
            "whose file says so. Without it, changes to what readers see wait for a "
            "publisher's sign-off in the admin.",
        )

    def handle(self, directory, publish=False, **options):
        root = Path(directory)
        if not root.is_dir():
            raise CommandError(f"{root} is not a directory.")
        try:
            documents = read_directory(root)
            importer = Importer(root, documents, warn=self.stderr.write, publish=publish)
            with transaction.atomic(), reversion.create_revision():
                reversion.set_comment(f"Imported from Markdown files ({root.name}).")
                importer.run()
        except ImportRefused as refused:
            raise CommandError(str(refused)) from None
        counts = importer.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Read {len(documents)} files: {counts['created']} created, "
                f"{counts['changed']} changed, {counts['unchanged']} unchanged."
            )
        )
