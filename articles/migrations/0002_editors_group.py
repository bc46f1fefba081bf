"""The "Editors" group: add, change and view the content, nothing else (no user management).

Removing a listed treatment or a figure is part of editing an article, so those two inline models
also get delete.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Editors"
CONTENT_MODELS = ["series", "article", "treatment", "articletreatment", "figure"]
INLINE_MODELS = ["articletreatment", "figure"]


def codenames():
    names = [
        f"{action}_{model}" for model in CONTENT_MODELS for action in ("add", "change", "view")
    ]
    return names + [f"delete_{model}" for model in INLINE_MODELS]


def create_editors_group(apps, schema_editor):
    # Permissions are normally created after all migrations run; this group needs them now.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="articles", codename__in=codenames())
    )


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
