from pathlib import Path

import reversion
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from interchange.file_format import ImportRefused
from interchange.importing import Importer
from interchange.reading import read_directory


class Command(BaseCommand):
    help = (
        "Create or update series, articles, treatments, people, glossary terms, the urgent-help "
        "callout and the editorial policy from Markdown files written by export_markdown "
        "(matched by slug; ids are kept). All or nothing: a bad file stops the import with a "
        "message naming it, and nothing is saved. Changes to published pages become drafts "
        "awaiting sign-off, unless --publish."
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
        parser.add_argument(
            "--safe-messaging-read",
            metavar="NAME",
            default="",
            help="With --publish: you read the safe-messaging notes of the pages it publishes "
            "(listed when it refuses without this), as a publisher ticks a box in the admin. "
            "Your name is kept in the history.",
        )

    def handle(self, directory, publish=False, safe_messaging_read="", **options):
        root = Path(directory)
        if not root.is_dir():
            raise CommandError(f"{root} is not a directory.")
        try:
            documents = read_directory(root)
            importer = Importer(
                root,
                documents,
                warn=self.stderr.write,
                publish=publish,
                safe_messaging_read=safe_messaging_read.strip(),
            )
            with transaction.atomic(), reversion.create_revision():
                comment = f"Imported from Markdown files ({root.name})."
                reversion.set_comment(comment)
                importer.run()
                if count := importer.safe_messaging_flags:
                    reversion.set_comment(
                        f"{comment} Safe-messaging notes read by {importer.safe_messaging_read} "
                        f"({count} flag{'' if count == 1 else 's'})."
                    )
        except ImportRefused as refused:
            raise CommandError(str(refused)) from None
        counts = importer.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Read {len(documents)} files: {counts['created']} created, "
                f"{counts['changed']} changed, {counts['unchanged']} unchanged."
            )
        )
