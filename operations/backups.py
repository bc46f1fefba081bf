"""Backups: everything the site holds, in one compressed file, and back into an empty database
(operations/restoring.py).

`manage.py backup` writes the archive described in operations/archive.py. Its data is read
in one transaction: on PostgreSQL a read-only REPEATABLE READ snapshot, so an editor saving
meanwhile cannot tear it. Its media are read through the storage API, so S3 works as well as
the file system.

Users and their password hashes are included, so revisions keep their authors and editors can
sign in after a restore; sessions and sign-in throttling (axes) are not. The file is created
readable by its owner only.
"""

import datetime
import hashlib
import io
import json
import os
import tarfile
import tempfile
from contextlib import contextmanager
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from .archive import DATA_NAME, FORMAT, FORMAT_VERSION, MANIFEST_NAME, MEDIA_DIR

BACKUP_DIR = Path(settings.BASE_DIR) / "backups"
# Whole apps, so that a model added to one later is backed up without a change here.
APP_LABELS = ("sites", "redirects", "auth", "admin", "reversion", "articles")
# `migrate` creates these in every database, under its own ids; rows name them by natural key.
EXCLUDED = ("auth.permission",)


def backed_up_models():
    """The models backed up, those that others refer to by natural key first."""
    app_list = [(apps.get_app_config(label), None) for label in APP_LABELS]
    return [
        model
        for model in serializers.sort_dependencies(app_list, allow_cycles=True)
        if model._meta.label_lower not in EXCLUDED and not model._meta.proxy
    ]


class PreciseJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts times to milliseconds, as JavaScript has them; a backup keeps every
    microsecond, or `updated` times (feeds, sitemaps, ETags) would change on restore."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def dump(stream, using):
    """What `dumpdata --natural-foreign --all` writes for APP_LABELS, times kept whole."""
    counts = {}

    def rows():
        for model in backed_up_models():
            label = model._meta.label_lower
            counts[label] = 0
            for row in model._base_manager.using(using).order_by("pk").iterator():
                counts[label] += 1
                yield row

    serializers.serialize(
        "json", rows(), stream=stream, use_natural_foreign_keys=True, cls=PreciseJSONEncoder
    )
    return counts


def default_path(now=None):
    moment = (now or timezone.now()).astimezone(datetime.UTC)
    return BACKUP_DIR / f"trdsite-{moment:%Y%m%dT%H%M%SZ}.tar.gz"


def applied_migrations(using=DEFAULT_DB_ALIAS):
    applied = MigrationRecorder(connections[using]).applied_migrations()
    return {label: sorted(name for app, name in applied if app == label) for label in APP_LABELS}


# Writing


def write_backup(path, using=DEFAULT_DB_ALIAS):
    """Write the archive to `path` (replaced only once complete) and return its manifest."""
    path = Path(path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="trdsite-backup-") as work:
        data_path = Path(work) / DATA_NAME
        with snapshot(using), data_path.open("w", encoding="utf-8") as data:
            counts = dump(data, using)
            migrations = applied_migrations(using)
        # Listed after the snapshot: every file a row in it names was stored before that row
        # was saved, and stored files are never rewritten (uploads get new names).
        media = list_media()
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "created": timezone.now().isoformat(),
            "django": django.get_version(),
            "database": connections[using].vendor,
            "counts": counts,
            "migrations": migrations,
            "files": {},
        }
        partial = path.with_name(f"{path.name}.partial")
        # Owner-only from the start: the data holds password hashes and e-mail addresses. A
        # file already there (a backup cut short, or put there by someone else) would keep its
        # owner and permissions if opened, and a link would be written through: it is removed
        # (a link itself, never its target), and the new file must be new (O_EXCL) and not
        # reached through a link (O_NOFOLLOW).
        partial.unlink(missing_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        descriptor = os.open(partial, flags, 0o600)
        try:
            with (
                os.fdopen(descriptor, "wb") as raw,
                tarfile.open(fileobj=raw, mode="w:gz") as archive,
            ):
                files = manifest["files"]
                with data_path.open("rb") as data:
                    files[DATA_NAME] = add_member(
                        archive, DATA_NAME, data, data_path.stat().st_size
                    )
                for name in media:
                    # Read whole (uploads are a few MB at most) so the size is the bytes read.
                    with default_storage.open(name, "rb") as stored:
                        content = stored.read()
                    member = f"{MEDIA_DIR}/{name}"
                    files[member] = add_member(archive, member, io.BytesIO(content), len(content))
                listing = json.dumps(manifest, indent=2).encode()
                add_member(archive, MANIFEST_NAME, io.BytesIO(listing), len(listing))
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


@contextmanager
def snapshot(using):
    """One transaction in which every read sees the same moment.

    SQLite gives that to any transaction. PostgreSQL's default, READ COMMITTED, does not (each
    statement sees the latest commits), so the transaction is made REPEATABLE READ and read-only
    before its first statement. Inside a caller's transaction (tests) that one's level applies.
    """
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def list_media(folder=""):
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:  # no upload yet: the file system has no MEDIA_ROOT
        return []
    prefix = f"{folder}/" if folder else ""
    names = [prefix + name for name in files]
    for name in folders:
        names += list_media(prefix + name)
    return sorted(names)


def add_member(archive, name, source, size):
    """Add the open binary file `source` as `name`; return its size and SHA-256."""
    digest = hashlib.file_digest(source, "sha256").hexdigest()
    source.seek(0)
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(timezone.now().timestamp())
    archive.addfile(info, source)
    return {"size": size, "sha256": digest}
