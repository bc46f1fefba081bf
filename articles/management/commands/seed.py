import secrets
from pathlib import Path

import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.models import Article, Series, Term, Treatment

FIXTURE = "curing_depression"
FIXTURE_MEDIA = Path(settings.BASE_DIR) / "fixtures" / "media"
EDITOR_USERNAME = "editor"


class Command(BaseCommand):
    help = (
        "Load the series' seed content (article #1, its treatments and the glossary terms the "
        "post defines) into an empty database. "
        "A database that already has content is left untouched, so editors' changes survive."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--local-editor",
            action="store_true",
            help="Also create a local 'editor' account with a random password, printed once. "
            "Local development only: refused unless DEBUG is on.",
        )

    def handle(self, *args, local_editor=False, **options):
        if local_editor and not settings.DEBUG:
            raise CommandError(
                "--local-editor is for local development only (DEBUG is off). In production, "
                "create accounts with `manage.py createsuperuser` and add editors to the "
                "'Editors' group in the admin."
            )
        if self.has_content():
            self.stdout.write("The database already has content; nothing was seeded.")
        else:
            self.load_seed()
        if local_editor:
            self.create_local_editor()

    @staticmethod
    def has_content():
        return any(model.objects.exists() for model in (Series, Article, Treatment))

    @transaction.atomic
    def load_seed(self):
        call_command("loaddata", FIXTURE, verbosity=0)
        # loaddata saves raw rows; saving again renders the Markdown the normal way and starts
        # each page's history. Glossary terms first: pages mark the published ones.
        with reversion.create_revision():
            reversion.set_comment("Seeded from the original post of Curing Depression #1.")
            for model in (Series, Term, Treatment, Article):
                for obj in model.objects.all():
                    obj.save()
        self.copy_media()
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {Series.objects.count()} series, {Article.objects.count()} article, "
                f"{Treatment.objects.count()} treatments and {Term.objects.count()} glossary "
                "terms."
            )
        )

    @staticmethod
    def copy_media():
        # Through the storage, not into MEDIA_ROOT: with uploads in object storage (S3) the
        # seed's figure must be in the bucket the pages' image addresses point at.
        for source in FIXTURE_MEDIA.rglob("*"):
            name = source.relative_to(FIXTURE_MEDIA).as_posix()
            if source.is_file() and not default_storage.exists(name):
                with source.open("rb") as content:
                    default_storage.save(name, File(content, name=name))

    def create_local_editor(self):
        User = get_user_model()
        if User.objects.filter(username=EDITOR_USERNAME).exists():
            self.stdout.write(
                f"Sign in to the admin as '{EDITOR_USERNAME}' (its password was printed when it "
                f"was created; `python manage.py changepassword {EDITOR_USERNAME}` sets a new one)."
            )
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(EDITOR_USERNAME, password=password, is_staff=True)
        user.groups.add(Group.objects.get(name="Editors"))
        self.stdout.write(
            self.style.SUCCESS(
                "Created a local editor account (shown once, keep it):\n"
                f"    username: {EDITOR_USERNAME}\n"
                f"    password: {password}"
            )
        )
