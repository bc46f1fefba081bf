"""Admin sign-in is throttled (django-axes): repeated failures lock the username out from that
address with a clear page, even with the right password, until the cool-off ends or staff
unlock it."""

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.support.browser import PASSWORD


def sign_in(client, username, password):
    return client.post(
        reverse("admin:login") + "?next=/admin/", {"username": username, "password": password}
    )


@pytest.fixture
def locked_out(editor, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, editor.username, "example-wrong-password")
        assert response.status_code == 200  # the login form again, with Django's error
        assert "Please enter the correct username and password" in response.text
    response = sign_in(client, editor.username, "example-wrong-password")
    return client, response


def test_repeated_failures_lock_the_account_out_with_a_clear_page(editor, locked_out):
    client, response = locked_out
    assert response.status_code == 429
    assert "Sign-in paused" in response.text
    assert "5 failed attempts" in response.text
    assert "for 60 minutes" in response.text
    assert editor.username in response.text
    # Even the right password is refused now: that is the point.
    response = sign_in(client, editor.username, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_other_users_are_not_locked_out(locked_out, publisher):
    client, _ = locked_out
    response = sign_in(client, publisher.username, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_a_success_before_the_limit_clears_the_failures(editor, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, editor.username, "example-wrong-password")
    assert sign_in(client, editor.username, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.exists()


def test_staff_unlock_in_the_admin(editor, locked_out, admin_client):
    client, _ = locked_out
    attempt = AccessAttempt.objects.get(username=editor.username)
    changelist = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert editor.username in changelist.text
    response = admin_client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert sign_in(client, editor.username, PASSWORD).status_code == 302


def test_unlock_from_the_command_line(editor, locked_out):
    client, _ = locked_out
    call_command("axes_reset_username", editor.username)
    assert sign_in(client, editor.username, PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off(editor, locked_out, settings):
    from datetime import timedelta

    client, _ = locked_out
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(hours=2)
    )
    assert sign_in(client, editor.username, PASSWORD).status_code == 302


def test_editors_cannot_see_or_clear_lockouts(editor_client):
    response = editor_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 403


def test_behind_a_proxy_the_pause_is_per_client_address(editor, settings):
    """With CLIENT_IP_HEADER, the proxy's header names the client: someone failing from one
    address can't pause the editor's sign-in from another."""
    settings.CLIENT_IP_HEADER = "X-Real-IP"
    attacker, colleague = (
        Client(HTTP_X_REAL_IP="198.51.100.7"),
        Client(HTTP_X_REAL_IP="203.0.113.9"),
    )
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(attacker, editor.username, "example-wrong-password")
    assert response.status_code == 429
    assert AccessAttempt.objects.get().ip_address == "198.51.100.7"
    assert sign_in(colleague, editor.username, PASSWORD).status_code == 302


def test_without_it_a_client_cannot_choose_its_address(editor, settings):
    settings.CLIENT_IP_HEADER = ""
    for n in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(
            Client(HTTP_X_REAL_IP=f"198.51.100.{n}"), editor.username, "example-wrong-password"
        )
    assert response.status_code == 429  # the header was ignored: one address, locked out
