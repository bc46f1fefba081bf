"""Restoring: a backup (read and checked by operations/archive.py) loaded into an empty
database, then the uploaded files the storage lacks stored.

A backup made before a migration that changed existing rows is brought up to date first
(operations/backup_upgrades.py).
"""

import hashlib

from django.apps import apps
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.serializers.base import DeserializationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, transaction

from .archive import MEDIA_DIR, NOTHING_RESTORED, BackupError
from .backup_upgrades import HELP_BY_COUNTRY, regroup_helplines, rename_models, renames_needed
from .backups import applied_migrations, backed_up_models

# Rows `migrate` itself creates (the site, the two groups, the default urgent-help callout with
# its helplines and emergency numbers): a restore replaces them with the backup's, so a deleted
# helpline does not come back.
REPLACED = (
    "articles.emergencynumber", "articles.helpline", "articles.urgenthelp", "auth.group",
    "sites.site",
)  # fmt: skip


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
