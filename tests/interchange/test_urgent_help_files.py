"""urgent-help.md: the callout with its emergency numbers and helplines, every field of each,
written and read back; readers see them, so only a publisher's sign-off (`--publish`) changes
them."""

from datetime import date

import pytest
from django.core.management import CommandError
from django.test import Client

from articles.models import EmergencyNumber, Helpline
from interchange import file_format as files
from interchange.front_matter import split
from tests.support.markdown_exports import edit, export, run_import

pytestmark = pytest.mark.django_db

URGENT_HELP = "urgent-help.md"


def front_matter(tmp_path):
    return split((tmp_path / URGENT_HELP).read_bytes().decode())[0]


def rows():
    return [
        list(model.objects.order_by("position", "id").values())
        for model in (EmergencyNumber, Helpline)
    ]


def test_the_file_holds_every_emergency_number_and_helpline_with_every_field(tmp_path, content):
    export(tmp_path)

    data = front_matter(tmp_path)
    assert list(data) == list(files.URGENT_HELP_KEYS)
    assert data["emergency_numbers"][0] == {
        "country": "GB",
        "number": "999",
        "shown_on_pages": True,
        "last_checked": None,
    }
    assert data["emergency_numbers"][-1]["country"] == "AQ"
    assert data["helplines"][-1] == {
        "name": "Example Helpline",
        "country": "AQ",
        "phone": "0000",
        "text_number": "000 000",
        "url": "https://example.org/helpline",
        "hours": "Example hours",
        "description": "Example description",
        "shown_on_pages": True,
        "last_checked": date(2026, 1, 2),
    }
    assert data["helplines"][-2]["country"] == ""  # Find A Helpline: International


@pytest.mark.parametrize(
    ("key", "index", "change"),
    [
        ("emergency_numbers", 0, {"number": "000"}),
        ("emergency_numbers", 0, {"shown_on_pages": False}),
        ("helplines", 0, {"hours": "Example hours"}),
        ("helplines", 0, {"last_checked": date(2026, 1, 2)}),
        ("helplines", 0, {"country": "AQ"}),
    ],
)
def test_changes_to_them_need_a_publishers_sign_off(tmp_path, seeded, key, index, change):
    export(tmp_path)
    edit(tmp_path / URGENT_HELP, lambda data: data[key][index].update(change))
    before, page = rows(), Client().get("/help/").content

    with pytest.raises(CommandError, match=f"the urgent-help {key.replace('_', ' ')[:-1]}s"):
        run_import(tmp_path)
    assert rows() == before
    assert Client().get("/help/").content == page

    run_import(tmp_path, "--publish")
    changed = rows()[0 if key == "emergency_numbers" else 1][index]
    for field, value in change.items():
        assert changed[field] == value


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda data: data["helplines"][0].update(contact="116 123", where="UK"),
            "helplines[1] has contact, where, details: it was exported before helplines had a "
            "country",
        ),
        (lambda data: data["helplines"][0].update(country="ZZ"), "helpline 1: country"),
        (
            lambda data: data["helplines"][0].update(phone="", text_number="", url=""),
            "Give a phone number, a text number or a website.",
        ),
        (lambda data: data["emergency_numbers"][0].update(number=999), "must be text"),
        (lambda data: data["emergency_numbers"][0].pop("country"), "missing"),
        (
            lambda data: data["emergency_numbers"].append(data["emergency_numbers"][0]),
            "emergency number 5",
        ),
    ],
)
def test_a_bad_file_is_refused_naming_it_and_nothing_changes(tmp_path, seeded, change, message):
    export(tmp_path)
    edit(tmp_path / URGENT_HELP, change)
    before = rows()

    with pytest.raises(CommandError, match=URGENT_HELP) as refused:
        run_import(tmp_path, "--publish")
    assert message in str(refused.value)
    assert rows() == before
