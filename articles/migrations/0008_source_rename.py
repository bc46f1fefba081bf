"""The model Reference is now Source, the name editors and readers see. Its permissions keep
their rows (and so every group's grants) under the new codenames. Django renames the content
type itself (contenttypes' RenameContentType, added to every RenameModel); the history needs
nothing, as sources have no versions of their own and the lists that cite them keep their
field names."""

from django.db import migrations, models

ACTIONS = ("add", "change", "delete", "view")


def rename(apps, old, new):
    Permission = apps.get_model("auth", "Permission")
    for action in ACTIONS:
        Permission.objects.filter(
            content_type__app_label="articles", codename=f"{action}_{old}"
        ).update(codename=f"{action}_{new}", name=f"Can {action} {new}")


def forwards(apps, schema_editor):
    rename(apps, "reference", "source")


def backwards(apps, schema_editor):
    rename(apps, "source", "reference")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_markdown_limits"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RenameModel(
            old_name="Reference",
            new_name="Source",
        ),
        migrations.AlterModelOptions(
            name="source",
            options={"ordering": ["title"], "verbose_name_plural": "sources"},
        ),
        migrations.RemoveConstraint(
            model_name="source",
            name="reference_year_plausible",
        ),
        migrations.AddConstraint(
            model_name="source",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("year__isnull", True),
                    models.Q(("year__gte", 1800), ("year__lte", 2200)),
                    _connector="OR",
                ),
                name="source_year_plausible",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
