"""Backups: everything the site holds, in one compressed file, and back into an empty database.

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
from importlib import import_module
from pathlib import Path

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

from .archive import (
    DATA_NAME,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST_NAME,
    MEDIA_DIR,
    NOTHING_RESTORED,
    BackupError,
)

BACKUP_DIR = Path(settings.BASE_DIR) / "backups"
# Whole apps, so that a model added to one later is backed up without a change here.
APP_LABELS = ("sites", "redirects", "auth", "admin", "reversion", "articles")
# `migrate` creates these in every database, under its own ids; rows name them by natural key.
EXCLUDED = ("auth.permission",)
# Rows `migrate` itself creates (the site, the two groups, the default urgent-help callout with
# its helplines and emergency numbers): a restore replaces them with the backup's, so a deleted
# helpline does not come back.
REPLACED = (
    "articles.emergencynumber", "articles.helpline", "articles.urgenthelp", "auth.group",
    "sites.site",
)  # fmt: skip


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


# Models renamed since a backup may have been made: (app label, old name, new name, the
# migration that renamed it). A backup older than that migration names the old model in its
# rows, content types and permission codenames; restoring renames them first.
RENAMED_MODELS = [("articles", "reference", "source", "0008_source_rename")]


def renames_needed(backup):
    done = backup.manifest["migrations"]
    return [rename for rename in RENAMED_MODELS if rename[3] not in done.get(rename[0], [])]


def rename_models(backup, renames):
    """Rewrite the backup's data (and its row counts) to name renamed models as they are now."""

    def renamed(value):
        if isinstance(value, list):
            for app, old, new, _ in renames:
                if value == [app, old]:  # a content type's natural key
                    return [app, new]
                # A permission's natural key: [codename, app label, model].
                if len(value) == 3 and value[1:] == [app, old]:
                    return [value[0].removesuffix(f"_{old}") + f"_{new}", app, new]
            return [renamed(item) for item in value]
        if isinstance(value, dict):
            return {key: renamed(item) for key, item in value.items()}
        return value

    rows = json.loads(backup.data_path.read_text(encoding="utf-8"))
    for row in rows:
        for app, old, new, _ in renames:
            if row["model"] == f"{app}.{old}":
                row["model"] = f"{app}.{new}"
        row["fields"] = renamed(row["fields"])
    backup.data_path.write_text(json.dumps(rows, cls=PreciseJSONEncoder), encoding="utf-8")
    counts = backup.manifest["counts"]
    for app, old, new, _ in renames:
        if f"{app}.{old}" in counts:
            counts[f"{app}.{new}"] = counts.pop(f"{app}.{old}")


# The migration that gave helplines a country each and emergency numbers rows of their own.
HELP_BY_COUNTRY = ("articles", "0014_help_by_country")


def regroup_helplines(backup):
    """A backup made before HELP_BY_COUNTRY: rewrite its helplines (and row counts) as that
    migration regroups a database's; True if it did."""
    app, migration = HELP_BY_COUNTRY
    if migration in backup.manifest["migrations"].get(app, []):
        return False
    regrouped = import_module(f"{app}.migrations.{migration}").regrouped
    rows = json.loads(backup.data_path.read_text(encoding="utf-8"))
    old = [row for row in rows if row["model"] == "articles.helpline"]
    rows = [row for row in rows if row["model"] != "articles.helpline"]
    numbers, lines = {}, []
    next_pk = max((row["pk"] for row in old), default=0) + 1
    for row in old:
        callout = row["fields"]["callout"]
        found_numbers, found_lines = regrouped(row["fields"])
        for number in found_numbers:
            key = (callout, number["country"], number["number"])
            numbers.setdefault(key, {"callout": callout, **number})
        for index, line in enumerate(found_lines):
            pk = row["pk"] if index == 0 else next_pk
            next_pk += index > 0
            lines.append(
                {"model": "articles.helpline", "pk": pk, "fields": {"callout": callout, **line}}
            )
    rows += [
        {"model": "articles.emergencynumber", "pk": pk, "fields": fields}
        for pk, fields in enumerate(numbers.values(), 1)
    ] + lines
    backup.data_path.write_text(json.dumps(rows, cls=PreciseJSONEncoder), encoding="utf-8")
    backup.manifest["counts"].update(
        {"articles.helpline": len(lines), "articles.emergencynumber": len(numbers)}
    )
    return True


def restore_backup(backup, using=DEFAULT_DB_ALIAS):
    """Load a checked Backup into an empty database, then store the uploaded files the storage
    lacks; return notes worth printing.

    Storage is not transactional, so nothing is written to it until the database is restored,
    and no stored file is ever replaced or deleted: one already stored under a backup's name
    must be the backup's file, checked before anything is loaded.
    """
    missing, newer = compare_migrations(backup, using)
    if missing:
        raise BackupError(
            "This database lacks migrations the backup was made with "
            f"({', '.join(missing[:5])}{'…' if len(missing) > 5 else ''}). Run `manage.py "
            f"migrate` with code at least as new as the backup's, then restore. {NOTHING_RESTORED}"
        )
    if renames := renames_needed(backup):
        rename_models(backup, renames)
        done = {f"{app}.{migration}" for app, _, _, migration in renames}
        newer = [name for name in newer if name not in done]
    if regroup_helplines(backup):
        newer = [name for name in newer if name != ".".join(HELP_BY_COUNTRY)]
    stored = stored_media(backup)
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
    clear_caches()
    store_media(backup, [name for name in backup.media_names if name not in stored])
    notes = []
    if stored:
        notes.append(f"{len(stored)} uploaded files were already stored, identical, and kept.")
    if newer:
        notes.append(
            f"The backup predates migrations {', '.join(newer)}: its rows were loaded as "
            "they were, without what those migrations did to existing data."
        )
    return notes


def check_counts(backup, using):
    for label, expected in backup.manifest["counts"].items():
        loaded = apps.get_model(label)._base_manager.using(using).count()
        if loaded != expected:
            raise BackupError(
                f"The backup lists {expected} {label} but {loaded} were loaded. {NOTHING_RESTORED}"
            )


def rebuild_derived(using):
    from articles import search
    from articles.models import Article, Treatment
    from articles.site_domain import sync_site

    # A backup made on SQLite has no search vectors; PostgreSQL search needs them.
    for model in (Article, Treatment):
        search.index_all(model.objects.using(using).all())
    # The domain is this deployment's setting, as after `migrate`, not the backed-up site's.
    sync_site(sender=None, using=using)


def stored_media(backup):
    """The backup's files the storage already holds; refused if any differs from the backup's."""
    stored, differing = [], []
    for name in backup.media_names:
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as file:
                digest = hashlib.file_digest(file, "sha256").hexdigest()
            stored.append(name)
            if digest != backup.media_digest(name):
                differing.append(name)
    if differing:
        raise BackupError(
            f"The storage already holds {', '.join(differing)}, which differ from the backup's "
            "files of those names. A restore never replaces stored files: restore into an "
            f"empty storage, or move those files away first. {NOTHING_RESTORED}"
        )
    return stored


def store_media(backup, names):
    """Store the backup's files `names`, which the storage lacked. The database is already
    restored, so a failure says exactly which files were written and which were not."""
    written, failed = [], []
    for name in names:
        try:
            with (backup.root / MEDIA_DIR / name).open("rb") as source:
                saved = default_storage.save(name, File(source, name=name))
        # Whatever the storage raises (OSError, S3's ClientError...): it is reported below.
        except Exception as error:
            failed.append(f"{name} ({error})")
            continue
        if saved == name:
            written.append(name)
        else:  # a file of that name appeared meanwhile
            failed.append(f"{name} (stored as {saved}, which no row refers to)")
    if failed:
        raise BackupError(
            "The database was restored, but not every uploaded file: of the "
            f"{len(names)} files the storage lacked, {len(written)} were written "
            f"({', '.join(written) or 'none'}) and these were not: {', '.join(failed)}. "
            "Files already stored were left as they were. Copy the missing ones from media/ "
            f"in {backup.path} into the storage under the same names."
        )


def clear_caches():
    """What `save()` would have invalidated: loaddata saves rows raw, past those methods."""
    from articles.models import policy, urgent_help

    from .page_cache import new_generation

    new_generation()
    cache.delete(urgent_help.CACHE_KEY)
    cache.delete(policy.CACHE_KEY)
