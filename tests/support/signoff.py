"""Helpers for the sign-off tests: the admin's draft, edit and sign-off steps, and what an
anonymous reader gets."""

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.support.admin_forms import form_data, form_errors


def url(view, page):
    return reverse(f"admin:articles_{page._meta.model_name}_{view}", args=[page.pk])


def start_draft(client, page):
    response = client.post(url("draft", page))
    assert response.status_code == 302
    return type(page).objects.get(live_page=page)


def edit(client, page, **changes):
    data = form_data(client.get(url("change", page)))
    data.update(changes)
    response = client.post(url("change", page), data)
    assert response.status_code == 302, form_errors(response)


def sign_off(client, page, action="publish", **fields):
    token = form_data(client.get(url("signoff", page)))["token"]
    return client.post(url("signoff", page), {"action": action, "token": token, **fields})


def public_text(page):
    # A new client with no session: what any reader gets.
    response = Client().get(page.get_absolute_url())
    return response.status_code, response.content.decode()


def schedule(client, draft, hours=2):
    when = timezone.localtime() + timedelta(hours=hours)
    response = sign_off(
        client,
        draft,
        "schedule",
        go_live_at_0=when.date().isoformat(),
        go_live_at_1=when.strftime("%H:%M"),
    )
    assert response.status_code == 302, form_errors(response)
    return when
