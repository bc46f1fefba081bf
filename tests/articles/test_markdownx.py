import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.support.factories import png_bytes

pytestmark = pytest.mark.django_db

PREVIEW = reverse("markdownx_markdownify")
UPLOAD = reverse("markdownx_upload")
AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def stored_uploads():
    folder = Path(settings.MEDIA_ROOT) / settings.MARKDOWNX_MEDIA_PATH
    return sorted(folder.iterdir()) if folder.exists() else []


def upload(client, name, content, content_type="image/png"):
    file = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(UPLOAD, {"image": file}, **AJAX)


def test_widget_paths_are_the_mounted_endpoints():
    assert settings.MARKDOWNX_URLS_PATH == PREVIEW
    assert settings.MARKDOWNX_UPLOAD_URLS_PATH == UPLOAD


@pytest.mark.parametrize("who", ["anonymous", "signed-in non-staff"])
def test_only_staff_reach_the_editor_endpoints(client, django_user_model, who):
    if who != "anonymous":
        client.force_login(django_user_model.objects.create_user("example-reader"))
    before = stored_uploads()

    preview = client.post(PREVIEW, {"content": "**hi**"})
    uploaded = upload(client, "x.png", png_bytes())

    assert preview.status_code == 403
    assert b"<strong>" not in preview.content
    assert uploaded.status_code == 403
    assert stored_uploads() == before


def test_staff_preview_uses_the_sanitizing_pipeline(editor_client):
    response = editor_client.post(
        PREVIEW, {"content": "## Hi\n\n<script>alert(1)</script>\n\n[[treatments]]"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 id="hi">Hi</h2>' in html
    assert "<script" not in html
    assert "treatment list goes here" in html


def test_preview_without_content_is_a_clear_400(editor_client):
    response = editor_client.post(PREVIEW, {})
    assert response.status_code == 400
    assert b"no content" in response.content


def test_preview_refuses_get(editor_client):
    assert editor_client.get(PREVIEW).status_code == 405


@pytest.mark.parametrize(
    ("image_format", "extension"), [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")]
)
def test_staff_upload_a_raster_image_under_a_generated_name(editor_client, image_format, extension):
    response = upload(editor_client, "My Holiday Photo.exe", png_bytes(image_format=image_format))

    assert response.status_code == 200, response.content
    code = json.loads(response.content)["image_code"]
    assert code.startswith(f"![]({settings.MEDIA_URL}{settings.MARKDOWNX_MEDIA_PATH}")
    assert code.endswith(f".{extension})")
    assert "Holiday" not in code
    stored = stored_uploads()
    assert any(path.name in code for path in stored)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        (
            "drawing.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image/svg+xml",
        ),
        # Declared as PNG, but the content says otherwise.
        ("sneaky.png", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "image/png"),
        ("notes.png", b"just some text, not an image", "image/png"),
        ("truncated.png", png_bytes()[:40], "image/png"),
    ],
)
def test_uploads_that_are_not_raster_images_are_refused(editor_client, name, content, content_type):
    before = stored_uploads()
    response = upload(editor_client, name, content, content_type)

    assert response.status_code == 400
    message = " ".join(json.loads(response.content)["__all__"])
    assert "Upload a PNG, JPEG, GIF or WebP picture" in message
    assert stored_uploads() == before


def test_oversize_uploads_are_refused_with_the_limit(editor_client, settings):
    settings.MARKDOWNX_UPLOAD_MAX_SIZE = 1024
    before = stored_uploads()
    response = upload(editor_client, "big.png", png_bytes(size=(400, 400)) + b"\0" * 2048)

    assert response.status_code == 400
    message = " ".join(json.loads(response.content)["__all__"])
    assert "at most 1.0\xa0KB" in message
    assert stored_uploads() == before
