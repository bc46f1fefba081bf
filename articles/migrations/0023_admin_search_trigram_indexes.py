"""Trigram indexes on articles' titles and summaries as the admin's search matches them
(`UPPER(field) LIKE UPPER('%word%')`), on PostgreSQL: with the full-text index, the list's search
is answered from indexes (articles/admin/base.py `get_search_results`) instead of a scan of every
page reading its search vector. pg_trgm is there since migration 0018. SQLite has no such index
and scans, as before."""

from django.db import migrations

FIELDS = ("title", "summary")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for field in FIELDS:
        schema_editor.execute(
            f"CREATE INDEX articles_article_{field}_trigrams ON articles_article "
            f"USING gin (upper({field}::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for field in FIELDS:
        schema_editor.execute(f"DROP INDEX articles_article_{field}_trigrams")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0022_scale_indexes"),
    ]

    operations = [migrations.RunPython(create, drop)]
