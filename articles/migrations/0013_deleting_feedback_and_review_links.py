"""Who may delete readers' feedback and review links.

Editors and publishers may delete feedback (a reader may have written personal details in it,
despite the form asking them not to). Publishers may delete review links, which they need to
delete a page that has them (the admin checks every row a deletion takes with it)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Editors": ["delete_pagefeedback"],
    "Publishers": ["delete_pagefeedback", "delete_reviewlink"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_people_slugs_unique"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
