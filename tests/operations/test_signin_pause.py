"""Failed sign-ins from one address can't keep the instances hashing passwords. Each failure
costs the site one PBKDF2 hash (~0.2 s of CPU; Django hashes for an unknown username too) and
the sender one small POST; django-axes pauses a username from an address, so made-up
usernames were never paused. Found by an outside review through the cluster's nginx: 8
sign-in POSTs in flight (made-up usernames, one address) took a reader's cached page from a
median of 4 ms to 1,050 ms. Now an address is paused too (operations.signin_pause)."""

import pytest
from django.contrib.auth import hashers
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.support.browser import PASSWORD

pytestmark = pytest.mark.django_db

ATTEMPTS = 50


def sign_in(client, username, password="example-wrong"):  # noqa: S107 - a wrong one
    return client.post(
        reverse("admin:login") + "?next=/admin/", {"username": username, "password": password}
    )


@pytest.fixture
def hashed(settings, monkeypatch):
    """Every password hash the site computes, with production's hasher (the tests' settings use
    a fast one)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    hashed = []
    encode = hashers.PBKDF2PasswordHasher.encode

    def counted(self, password, salt, iterations=None):
        hashed.append(password)
        return encode(self, password, salt, iterations=1)  # the count matters, not the cost

    monkeypatch.setattr(hashers.PBKDF2PasswordHasher, "encode", counted)
    return hashed


def test_one_address_cannot_make_the_site_hash_without_end(settings, hashed):
    client = Client(REMOTE_ADDR="192.0.2.10")
    answers = [sign_in(client, f"example-made-up-{number}").status_code for number in range(50)]

    assert len(hashed) == settings.SIGNIN_ADDRESS_LIMIT
    assert answers[: settings.SIGNIN_ADDRESS_LIMIT] == [200] * settings.SIGNIN_ADDRESS_LIMIT
    assert set(answers[settings.SIGNIN_ADDRESS_LIMIT :]) == {429}


def test_a_paused_address_gets_a_clear_page_and_even_the_right_password_waits(
    editor, settings, hashed
):
    settings.SIGNIN_ADDRESS_LIMIT = 3
    client = Client(REMOTE_ADDR="192.0.2.11")
    for number in range(3):
        sign_in(client, f"example-made-up-{number}")

    response = sign_in(client, editor.username, PASSWORD)

    assert response.status_code == 429
    assert "Sign-in paused" in response.text
    assert "3 failed attempts" in response.text
    assert "whatever the username" in response.text
    assert "manage.py resume_signin" in response.text
    assert len(hashed) == 3, "the paused attempt's password was checked"


def test_other_addresses_sign_in_as_ever(editor, settings):
    settings.SIGNIN_ADDRESS_LIMIT = 2
    paused = Client(REMOTE_ADDR="192.0.2.11")
    for number in range(2):
        sign_in(paused, f"example-made-up-{number}")

    assert sign_in(paused, editor.username, PASSWORD).status_code == 429
    assert sign_in(Client(REMOTE_ADDR="192.0.2.12"), editor.username, PASSWORD).status_code == 302


def test_an_ipv6_address_is_counted_by_its_network(settings):
    settings.SIGNIN_ADDRESS_LIMIT = 2
    sign_in(Client(REMOTE_ADDR="2001:db8:1:2::1"), "example-made-up-1")
    sign_in(Client(REMOTE_ADDR="2001:db8:1:2::2"), "example-made-up-2")

    # The same /64: one connection, however many addresses it takes from it.
    assert sign_in(Client(REMOTE_ADDR="2001:db8:1:2::3"), "example-made-up-3").status_code == 429
    assert sign_in(Client(REMOTE_ADDR="2001:db8:1:3::1"), "example-made-up-4").status_code == 200


def test_staff_lift_an_address_pause_at_once(editor, settings):
    settings.SIGNIN_ADDRESS_LIMIT = 2
    client = Client(REMOTE_ADDR="192.0.2.13")
    sign_in(client, "example-made-up-1")
    sign_in(client, "example-made-up-2")
    assert sign_in(client, editor.username, PASSWORD).status_code == 429

    call_command("resume_signin", "192.0.2.13")

    assert sign_in(client, editor.username, PASSWORD).status_code == 302
