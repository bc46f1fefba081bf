"""Upgrading to urgent help by country (0014) regroups the helplines the site shipped by the
countries their wording named, adds nothing to them, and counts none as checked; wording a
publisher wrote is kept, to be checked."""

from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("articles", "0013_deleting_feedback_and_review_links")]
# What the site shipped (0004), as it was before 0014.
SEED = import_module("articles.migrations.0004_urgent_help").HELPLINES


def migrate(targets=None):
    """To `targets`, or else all the way (leaving the database as the next tests expect)."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_upgrading_regroups_the_shipped_helplines_by_country_and_keeps_the_rest():
    apps = migrate(BEFORE)
    Helpline = apps.get_model("articles", "Helpline")
    Helpline.objects.all().delete()
    rows = [*SEED, ("Example Helpline", "0000 000", "Example Land", "example details", "")]
    for position, (name, contact, where, details, url) in enumerate(rows):
        Helpline.objects.create(
            callout_id=1,
            name=name,
            contact=contact,
            where=where,
            details=details,
            url=url,
            position=position,
        )

    apps = migrate()

    EmergencyNumber = apps.get_model("articles", "EmergencyNumber")
    Helpline = apps.get_model("articles", "Helpline")
    numbers = [
        (n.country.code, n.number, n.shown_on_pages, n.last_checked)
        for n in EmergencyNumber.objects.order_by("position", "id")
    ]
    assert numbers == [
        ("GB", "999", True, None),
        ("EU", "112", True, None),
        ("US", "911", True, None),
        ("CA", "911", True, None),
    ]
    fields = ("name", "phone", "text_number", "url", "hours", "description", "shown_on_pages")
    lines = [
        (line.country.code, *(getattr(line, field) for field in fields), line.last_checked)
        for line in Helpline.objects.order_by("position", "id")
    ]
    samaritans = ("Samaritans", "116 123", "", "https://www.samaritans.org/", "24 hours a day")
    assert lines == [
        ("GB", *samaritans, "Free", True, None),
        ("IE", *samaritans, "Free", True, None),
        (
            "US",
            "988 Suicide & Crisis Lifeline",
            "988",
            "988",
            "https://988lifeline.org/",
            "24 hours a day",
            "",
            True,
            None,
        ),
        (
            "CA",
            "9-8-8 Suicide Crisis Helpline",
            "988",
            "988",
            "https://988.ca/",
            "24 hours a day",
            "",
            True,
            None,
        ),
        (
            "",
            "Find A Helpline",
            "",
            "",
            "https://findahelpline.com/",
            "",
            "Helplines worldwide",
            False,
            None,
        ),
        # Wording no one gave the site a country for: kept, International, to be checked.
        (
            "",
            "Example Helpline",
            "0000 000",
            "",
            "",
            "",
            "Example Land, example details",
            True,
            None,
        ),
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_downgrading_and_upgrading_again_gives_the_same_rows():
    def rows(apps):
        return [
            list(apps.get_model("articles", name).objects.order_by("position", "id").values())
            for name in ("EmergencyNumber", "Helpline")
        ]

    apps = migrate()
    before = [[{**row, "id": None} for row in model] for model in rows(apps)]
    migrate(BEFORE)
    after = [[{**row, "id": None} for row in model] for model in rows(migrate())]
    assert after == before
