"""The two groups of the editorial workflow.

"Editors" add, change and view the content and nothing else (no user management). Removing a
listed treatment, source or figure is part of editing a page, so those inline rows also get
delete. "Publishers" (medical reviewers and senior editors) can also publish, unpublish and
schedule, and delete pages (deleted pages can be recovered from the history).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT_MODELS = [
    "series",
    "article",
    "treatment",
    "articletreatment",
    "figure",
    "person",
    "reference",
    "articlereference",
    "treatmentreference",
]
INLINE_MODELS = ["articletreatment", "figure", "articlereference", "treatmentreference"]
EDITORS = [
    *(f"{action}_{model}" for model in CONTENT_MODELS for action in ("add", "change", "view")),
    *(f"delete_{model}" for model in INLINE_MODELS),
]
PUBLISHERS = [
    *EDITORS,
    "publish_article",
    "publish_treatment",
    "delete_article",
    "delete_treatment",
]
GROUPS = {"Editors": EDITORS, "Publishers": PUBLISHERS}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations run; these groups need them now.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
