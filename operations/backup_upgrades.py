"""Backups made before a migration that changed existing rows, brought up to date before they
are restored: models renamed since, and helplines regrouped by country."""

import json
from importlib import import_module

from .backups import PreciseJSONEncoder

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
