"""Backups: everything the site holds, in one compressed file, and back into an empty database.

An archive (`manage.py backup`) is a gzipped tar of

- `data.json`: the models of APP_LABELS as `dumpdata --natural-foreign` writes them (but with
  whole microseconds), read in one transaction: on PostgreSQL a read-only REPEATABLE READ
  snapshot, so an editor saving meanwhile cannot tear it. Content types, permissions, users and
  groups are named by natural key (ids differ between databases); every other row keeps its id,
  which revisions, `article:3` links and citations rely on.
- `media/...`: every file in the default storage (figures, editor uploads), through the storage
  API, so S3 works as well as the file system.
- `manifest.json`, written last (a backup cut short has none): format version, Django version,
  time, row counts, applied migrations, and the size and SHA-256 of every other member.

Users and their password hashes are included, so revisions keep their authors and editors can
sign in after a restore; sessions and sign-in throttling (axes) are not. The file is created
readable by its owner only.
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "trdsite-backup"
FORMAT_VERSION = 1
DATA_NAME = "data.json"
MANIFEST_NAME = "manifest.json"
MEDIA_DIR = "media"
BACKUP_DIR = Path(settings.BASE_DIR) / "backups"
# Whole apps, so that a model added to one later is backed up without a change here.
APP_LABELS = ("sites", "redirects", "auth", "admin", "reversion", "articles")
# `migrate` creates these in every database, under its own ids; rows name them by natural key.
EXCLUDED = ("auth.permission",)
# Rows `migrate` itself creates (the site, the two groups, the default urgent-help callout): a
# restore replaces them with the backup's, so a deleted helpline does not come back.
REPLACED = ("articles.helpline", "articles.urgenthelp", "auth.group", "sites.site")
NOTHING_RESTORED = "Nothing was restored."


class BackupError(Exception):
    """A backup that cannot be written or restored; the message says why and what to do."""


@dataclass
class Backup:
    """An archive unpacked into `root` and checked against its manifest."""

    root: Path
    manifest: dict

    @property
    def data_path(self):
        return self.root / DATA_NAME

    @property
    def media_names(self):
        prefix = f"{MEDIA_DIR}/"
        return sorted(name[len(prefix) :] for name in self.manifest["files"] if name != DATA_NAME)


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
        try:
            # Owner-only from the start: the data holds password hashes and e-mail addresses.
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
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


# Reading


def read_backup(path, root):
    """Unpack the archive at `path` into the folder `root` and check it; return a Backup."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}. {NOTHING_RESTORED}")
    try:
        with tarfile.open(path, mode="r:gz") as archive:
            for member in archive:
                target = Path(root, *member_parts(member))
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.extractfile(member) as source, target.open("xb") as copy:
                    shutil.copyfileobj(source, copy)
            # To the end of the gzip stream, whose checksum is only tested there.
            while archive.fileobj.read(1 << 20):
                pass
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(
            f"{path} is not a readable trdsite backup: it may be truncated or damaged "
            f"({error}). {NOTHING_RESTORED}"
        ) from error
    manifest = read_manifest(path, Path(root))
    return Backup(root=Path(root), manifest=manifest)


def member_parts(member):
    """The parts of a member's path, if it is one this format writes; nothing else is unpacked."""
    parts = PurePosixPath(member.name).parts
    expected = parts in ((DATA_NAME,), (MANIFEST_NAME,)) or (
        len(parts) > 1 and parts[0] == MEDIA_DIR
    )
    if not member.isfile() or not expected or "\\" in member.name or ".." in parts:
        raise tarfile.TarError(f"unexpected member {member.name!r}")
    return parts


def read_manifest(path, root):
    incomplete = f"{path} is incomplete or damaged"
    try:
        manifest = json.loads((root / MANIFEST_NAME).read_text())
    except FileNotFoundError:
        raise BackupError(
            f"{incomplete}: it has no {MANIFEST_NAME}, which a backup writes last. "
            f"{NOTHING_RESTORED}"
        ) from None
    except ValueError as error:
        raise BackupError(
            f"{incomplete}: {MANIFEST_NAME} is unreadable. {NOTHING_RESTORED}"
        ) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a trdsite backup. {NOTHING_RESTORED}")
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} is in backup format {manifest.get('version')}; this code reads format "
            f"{FORMAT_VERSION}. Restore it with the version of trdsite that made it. "
            f"{NOTHING_RESTORED}"
        )
    listed = set(manifest["files"])
    present = {file.relative_to(root).as_posix() for file in root.rglob("*") if file.is_file()} - {
        MANIFEST_NAME
    }
    unexpected = sorted((listed ^ present) | ({DATA_NAME} - listed))
    if unexpected:
        raise BackupError(
            f"{incomplete}: its files do not match its manifest ({', '.join(unexpected[:5])}). "
            f"{NOTHING_RESTORED}"
        )
    for name, expected in manifest["files"].items():
        digest = hashlib.sha256((root / name).read_bytes()).hexdigest()
        if digest != expected["sha256"]:
            raise BackupError(
                f"{incomplete}: {name} does not match its checksum. {NOTHING_RESTORED}"
            )
    return manifest


# Restoring


def existing_content(using=DEFAULT_DB_ALIAS):
    """{model label: row count} of what the database already holds beyond what `migrate` makes."""
    counts = {}
    for model in backed_up_models():
        label = model._meta.label_lower
        if label not in REPLACED:
            count = model._base_manager.using(using).count()
            if count:
                counts[label] = count
    return counts


def compare_migrations(backup, using=DEFAULT_DB_ALIAS):
    """(migrations the backup had and this database lacks, those it has and the backup not)."""

    def named(migrations):
        return {f"{app}.{name}" for app, names in migrations.items() for name in names}

    here, theirs = named(applied_migrations(using)), named(backup.manifest["migrations"])
    return sorted(theirs - here), sorted(here - theirs)


def restore_backup(backup, using=DEFAULT_DB_ALIAS):
    """Load a checked Backup into an empty database and storage; return notes worth printing."""
    missing, newer = compare_migrations(backup, using)
    if missing:
        raise BackupError(
            "This database lacks migrations the backup was made with "
            f"({', '.join(missing[:5])}{'…' if len(missing) > 5 else ''}). Run `manage.py "
            f"migrate` with code at least as new as the backup's, then restore. {NOTHING_RESTORED}"
        )
    with transaction.atomic(using=using):
        existing = existing_content(using)
        if existing:
            found = ", ".join(f"{count} {label}" for label, count in sorted(existing.items()))
            raise BackupError(
                f"The database is not empty ({found}). A restore only loads into an empty "
                "database, so that nothing is overwritten or mixed: create a new database, run "
                f"`manage.py migrate`, then restore. {NOTHING_RESTORED}"
            )
        for label in REPLACED:
            apps.get_model(label)._base_manager.using(using).all().delete()
        try:
            call_command("loaddata", str(backup.data_path), database=using, verbosity=0)
        except (DeserializationError, DatabaseError) as error:
            raise BackupError(
                f"The backup's data could not be loaded: {error}. {NOTHING_RESTORED}"
            ) from error
        check_counts(backup, using)
        rebuild_derived(using)
        restore_media(backup)
    clear_caches()
    if newer:
        return [
            f"The backup predates migrations {', '.join(newer)}: its rows were loaded as "
            "they were, without what those migrations did to existing data."
        ]
    return []


def check_counts(backup, using):
    for label, expected in backup.manifest["counts"].items():
        loaded = apps.get_model(label)._base_manager.using(using).count()
        if loaded != expected:
            raise BackupError(
                f"The backup lists {expected} {label} but {loaded} were loaded. {NOTHING_RESTORED}"
            )


def rebuild_derived(using):
    from . import search
    from .apps import sync_site
    from .models import Article, Treatment

    # A backup made on SQLite has no search vectors; PostgreSQL search needs them.
    for model in (Article, Treatment):
        search.index_all(model.objects.using(using).all())
    # The domain is this deployment's setting, as after `migrate`, not the backed-up site's.
    sync_site(sender=None, using=using)


def restore_media(backup):
    for name in backup.media_names:
        # A file already stored under the name is replaced: Django would otherwise save under a
        # new name, which no row refers to.
        if default_storage.exists(name):
            default_storage.delete(name)
        with (backup.root / MEDIA_DIR / name).open("rb") as source:
            saved = default_storage.save(name, File(source, name=name))
        if saved != name:
            raise BackupError(
                f"The storage saved {name} as {saved}, which no row refers to. The database "
                "was not changed."
            )


def clear_caches():
    """What `save()` would have invalidated: loaddata saves rows raw, past those methods."""
    from .cache import new_generation
    from .models import site

    new_generation()
    cache.delete(site.CACHE_KEY)
