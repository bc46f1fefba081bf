"""The model Reference became Source: permissions (codenames and group grants), history and
backups made before the rename keep working."""

import io
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from reversion.models import Version

from articles.models import Article, Source

pytestmark = pytest.mark.django_db

# Made with the code before the rename (the seed, plus a source, corrected once, that article
# #1 cites): `manage.py backup` at commit 640e3c6.
OLD_BACKUP = Path(__file__).parents[1] / "support" / "data" / "backup-before-source-rename.tar.gz"
OLD_TITLE = "Example source before the rename"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_a_backup_made_before_the_rename_restores_whole(media, client):
    out = io.StringIO()
    call_command("restore", str(OLD_BACKUP), stdout=out)

    source = Source.objects.get()
    assert source.title == f"{OLD_TITLE}, corrected"
    # Group grants name the renamed permissions; no permission of the old name remains.
    editors = Group.objects.get(name="Editors")
    assert {"add_source", "change_source", "view_source"} <= set(
        editors.permissions.values_list("codename", flat=True)
    )
    assert not Permission.objects.filter(codename__endswith="_reference").exists()
    # The article cites it, as before, and its history lists it.
    article = Article.objects.get()
    listed = (
        Version.objects.get_for_object(article)
        .first()
        .revision.version_set.filter(content_type__model="articlereference")
    )
    assert [version.field_dict["reference_id"] for version in listed] == [source.pk]
    html = client.get(article.get_absolute_url()).content.decode()
    assert f"{OLD_TITLE}, corrected" in html
    # The rename was applied, so it isn't reported as a migration the backup lacked.
    assert "0008_source_rename" not in out.getvalue()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_keeps_permissions_and_group_grants():
    # The database as an install from before the rename has it: the schema of 0007, and the
    # content type and permissions named for the old model.
    old = MigrationExecutor(connection).migrate([("articles", "0007_markdown_limits")]).apps
    ContentType = old.get_model("contenttypes", "ContentType")
    OldPermission = old.get_model("auth", "Permission")
    content_type = ContentType.objects.get(app_label="articles", model="source")
    content_type.model = "reference"
    content_type.save()
    for permission in OldPermission.objects.filter(content_type=content_type):
        permission.codename = permission.codename.replace("_source", "_reference")
        permission.save()
    reference = old.get_model("articles", "Reference").objects.create(title="Example kept")
    grant = OldPermission.objects.get(codename="change_reference")
    old.get_model("auth", "Group").objects.create(name="Example group").permissions.add(grant)

    call_command("migrate", verbosity=0)

    permission = Permission.objects.get(pk=grant.pk)
    assert (permission.codename, permission.name) == ("change_source", "Can change source")
    assert permission.content_type.pk == content_type.pk
    assert permission.content_type.model == "source"
    assert list(Group.objects.get(name="Example group").permissions.all()) == [permission]
    assert not Permission.objects.filter(codename__endswith="_reference").exists()
    assert Source.objects.get(pk=reference.pk).title == "Example kept"
