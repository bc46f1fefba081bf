"""Nobody writes anything without signing in, and no signed-in write goes without its CSRF
token: every admin form of every registered model and the markdownx editor endpoints."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from articles.models import Article
from tests.support.factories import client_for, png_bytes

EDITOR_ENDPOINTS = ["markdownx_markdownify", "markdownx_upload"]


def admin_write_urls():
    urls = []
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        urls.append(reverse("admin:{}_{}_add".format(*info)))
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))  # bulk actions
    return urls


def test_every_admin_form_refuses_anonymous_writes(seeded):
    article = Article.objects.get()
    before = Article.objects.values().get()
    anonymous = Client()
    urls = [
        *admin_write_urls(),
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:articles_article_delete", args=[article.pk]),
    ]
    for url in urls:
        response = anonymous.post(url, {"title": "Example vandalism", "post": "yes"})
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url
    assert Article.objects.values().get() == before


@pytest.mark.parametrize("name", EDITOR_ENDPOINTS)
def test_editor_endpoints_refuse_anonymous_writes(db, name, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = Client().post(
        reverse(name), {"content": "**example**", "image": png_file()}, follow=False
    )
    assert response.status_code in (302, 403)
    assert b"<strong>" not in response.content
    assert not any(tmp_path.rglob("*.*"))


def test_public_pages_take_no_writes(client, seeded):
    for url in ["/", "/articles/what-is-treatment-resistant-depression/", "/treatments/",
                "/treatments/ketamine/", "/search/?q=ketamine"]:  # fmt: skip
        assert client.post(url, {"title": "Example"}).status_code == 405, url


def png_file():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("example.png", png_bytes(), content_type="image/png")


@pytest.fixture
def strict_editor(editor):
    """The editor's browser, with Django's CSRF checks on (the test client skips them)."""
    client = client_for(editor)
    client.handler.enforce_csrf_checks = True
    return client


def test_signed_in_admin_writes_need_the_csrf_token(strict_editor, seeded):
    article = Article.objects.get()
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = strict_editor.post(url, {"title": "Example without a token"})
    assert response.status_code == 403
    assert Article.objects.get().title != "Example without a token"
    add = strict_editor.post(reverse("admin:articles_series_add"), {"title": "Example"})
    assert add.status_code == 403


@pytest.mark.parametrize("name", EDITOR_ENDPOINTS)
def test_editor_endpoints_need_the_csrf_token(strict_editor, name, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = strict_editor.post(reverse(name), {"content": "**example**", "image": png_file()})
    assert response.status_code == 403
    assert not any(tmp_path.rglob("*.*"))


def test_sign_in_needs_the_csrf_token(editor):
    response = Client(enforce_csrf_checks=True).post(
        reverse("admin:login"), {"username": editor.username, "password": "example-password"}
    )
    assert response.status_code == 403
