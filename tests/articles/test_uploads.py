"""Uploads can't hurt anyone: the Markdown editor's image upload and a Figure's image in the
admin both store only a re-encoded copy of a real, bounded image, under a generated name."""

import functools
import io
import json
import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import ExifTags, Image, ImageCms

from articles import uploads
from articles.models import Article, Figure, Status
from tests.support.admin_forms import form_data, form_errors
from tests.support.factories import make_article, png_bytes

pytestmark = pytest.mark.django_db

UPLOAD = reverse("markdownx_upload")
AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}
REFUSED = "Upload a PNG, JPEG, GIF or WebP picture"
PAYLOAD = b"<html><script>alert(document.cookie)</script></html>"
RED, BLUE = (255, 0, 0), (0, 0, 255)


def image_bytes(image_format="PNG", image=None, **options):
    buffer = io.BytesIO()
    (image or Image.new("RGB", (8, 8), (200, 120, 40))).save(buffer, image_format, **options)
    return buffer.getvalue()


def noisy_bytes(image_format, size=(64, 64)):
    # Noise doesn't compress, so the file is large and has data to cut short.
    return image_bytes(image_format, Image.effect_noise(size, 80).convert("RGB"))


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@functools.cache
def blank_png(width, height):
    """A valid black-and-white PNG of one colour: a few kilobytes on disk however many pixels
    it holds, which is what a decompression bomb looks like."""
    row = b"\0" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            png_chunk(b"IHDR", header),
            png_chunk(b"IDAT", data),
            png_chunk(b"IEND", b""),
        ]
    )


def two_halves(size=(40, 20)):
    """Red on the left, blue on the right: shows which way up a stored image is."""
    image = Image.new("RGB", size, RED)
    image.paste(BLUE, (size[0] // 2, 0, size[0], size[1]))
    return image


def colour_name(pixel):
    return "red" if pixel[0] > pixel[2] else "blue"


@dataclass
class Result:
    status: int
    errors: str
    stored: list


def media_files():
    return {path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()}


def via_editor(client, article, name, content):
    before = media_files()
    file = SimpleUploadedFile(name, content, content_type="image/png")
    response = client.post(UPLOAD, {"image": file}, **AJAX)
    errors = ""
    if response.status_code == 400:
        errors = " ".join(m for ms in json.loads(response.content).values() for m in ms)
    return Result(response.status_code, errors, sorted(media_files() - before))


def via_figure_admin(client, article, name, content):
    url = reverse("admin:articles_article_change", args=[article.pk])
    before = media_files()
    page = client.get(url)
    data = form_data(page) if page.status_code == 200 else {}
    data.update(
        {
            "figures-TOTAL_FORMS": "1",
            "figures-0-number": "1",
            "figures-0-alt_text": "An example chart",
            "figures-0-image": SimpleUploadedFile(name, content, content_type="image/png"),
        }
    )
    response = client.post(url, data)
    errors = " ".join(form_errors(response)) if response.status_code == 200 else ""
    return Result(response.status_code, errors, sorted(media_files() - before))


@dataclass
class Uploader:
    """Uploads through one path as a signed-in editor; both paths must behave alike."""

    path: str
    send: Callable
    folder: str
    ok: int
    refused: int
    client: Client
    article: Article

    def __call__(self, name, content, client=None):
        return self.send(client or self.client, self.article, name, content)


PATHS = {
    "editor upload": (via_editor, settings.MARKDOWNX_MEDIA_PATH.strip("/"), 200, 400),
    "figure in admin": (via_figure_admin, "figures", 302, 200),
}


@pytest.fixture
def draft(series):
    return make_article(series, status=Status.DRAFT)


@pytest.fixture(params=PATHS)
def submit(request, editor_client, draft):
    return Uploader(request.param, *PATHS[request.param], editor_client, draft)


def stored_one(submit, result, extension):
    assert result.status == submit.ok, result.errors
    assert len(result.stored) == 1, result.stored
    path = result.stored[0]
    assert path.parent == Path(settings.MEDIA_ROOT) / submit.folder
    assert re.fullmatch(rf"[0-9a-f]{{32}}\.{extension}", path.name), path.name
    if submit.path == "figure in admin":
        assert Figure.objects.get().image.name == f"{submit.folder}/{path.name}"
    return path


def assert_refused(submit, result, message):
    assert result.status == submit.refused
    assert message in result.errors
    assert result.stored == []
    assert not Figure.objects.exists()


@pytest.mark.parametrize("image_format", EXTENSIONS)
def test_images_are_stored_under_a_generated_name_with_the_sniffed_extension(submit, image_format):
    # The name and the declared type (image/png) say PNG; only the content is believed. The
    # name is longer than the stored name's column, which doesn't matter as it is not kept.
    result = submit(f"Holiday photo {'x' * 120}.png", image_bytes(image_format))

    path = stored_one(submit, result, EXTENSIONS[image_format])
    assert "Holiday" not in path.name
    with Image.open(path) as stored:
        assert stored.format == image_format
        assert stored.size == (8, 8)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("x.png", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'),
        ("notes.png", b"just some text, not an image"),
        # The header of a GIF, then a web page: not decodable, so not stored.
        ("x.gif", b"GIF89a" + PAYLOAD),
    ],
)
def test_files_that_are_not_images_are_refused(submit, name, content):
    assert_refused(submit, submit(name, content), REFUSED)


def test_a_gif_carrying_a_script_is_stored_without_it(submit):
    picture = two_halves()
    polyglot = image_bytes("GIF", picture, comment=PAYLOAD) + PAYLOAD
    assert polyglot.count(b"<script>") == 2 and Image.open(io.BytesIO(polyglot)).size == (40, 20)

    path = stored_one(submit, submit("x.gif", polyglot), "gif")
    stored = path.read_bytes()
    assert b"<script" not in stored and b"alert" not in stored and b"<html" not in stored
    with Image.open(path) as image:
        assert "comment" not in image.info
        assert image.convert("RGB").tobytes() == picture.tobytes()


def test_a_truncated_jpeg_is_refused(submit):
    truncated = noisy_bytes("JPEG")[:-800]
    # verify() alone lets this through: only decoding the pixels finds the missing data.
    Image.open(io.BytesIO(truncated)).verify()

    assert_refused(submit, submit("photo.jpg", truncated), "damaged or incomplete")


def test_files_over_the_size_limit_are_refused(submit, settings):
    settings.MARKDOWNX_UPLOAD_MAX_SIZE = 1024
    content = noisy_bytes("PNG")
    assert len(content) > 1024

    assert_refused(submit, submit("big.png", content), "images can be at most 1.0\xa0KB")


def test_a_decompression_bomb_is_refused_with_its_dimensions(submit, monkeypatch):
    # Pillow's own check is a global; with it switched off, ours still holds.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    bomb = blank_png(20_000, 20_000)
    assert len(bomb) < 100_000

    result = submit("chart.png", bomb)

    assert_refused(submit, result, "This image is 20,000 × 20,000 pixels (400 megapixels)")
    assert "at most 40 megapixels" in result.errors


@pytest.mark.parametrize(("size", "accepted"), [((10, 10), True), ((11, 10), False)])
def test_the_pixel_limit_is_exact(submit, monkeypatch, size, accepted):
    monkeypatch.setattr(uploads, "MAX_PIXELS", 100)
    result = submit("chart.png", blank_png(*size))
    if accepted:
        stored_one(submit, result, "png")
    else:
        assert_refused(submit, result, "This image is 11 × 10 pixels (110 pixels)")
        assert "at most 100 pixels" in result.errors


def animation(image_format, durations=(100, 200, 300)):
    frames = [Image.new("RGB", (10, 10), colour) for colour in (RED, (0, 255, 0), BLUE)]
    return image_bytes(
        image_format,
        frames[0],
        save_all=True,
        append_images=frames[1:],
        duration=list(durations),
        loop=0,
    )


@pytest.mark.parametrize("image_format", ["GIF", "WEBP"])
def test_animations_keep_their_frames_and_timing(submit, image_format):
    path = stored_one(submit, submit("a.gif", animation(image_format)), EXTENSIONS[image_format])

    with Image.open(path) as stored:
        assert stored.n_frames == 3
        assert stored.info["loop"] == 0
        seen = []
        for index in range(3):
            stored.seek(index)
            pixel = stored.convert("RGB").getpixel((5, 5))
            seen.append((stored.info["duration"], max(range(3), key=pixel.__getitem__)))
    assert seen == [(100, 0), (200, 1), (300, 2)]


def test_animations_count_every_frame_against_the_pixel_limit(submit, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_PIXELS", 250)
    result = submit("a.gif", animation("GIF"))
    assert_refused(submit, result, "This animation has 3 frames of 10 × 10 pixels")


def photo_with_metadata(image_format, orientation):
    """A phone photo as it arrives: GPS position, camera, orientation, comment, XMP, ICC."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "ExampleCam"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 26.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (0.0, 7.0, 39.0)
    options = {
        "exif": exif,
        "xmp": b"<x:xmpmeta><exif:GPSLatitude>51,30.4N</exif:GPSLatitude></x:xmpmeta>",
        "icc_profile": ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
    }
    if image_format == "JPEG":
        options["comment"] = b"ExampleCam secret comment"
    content = image_bytes(image_format, two_halves(), **options)
    with Image.open(io.BytesIO(content)) as source:
        assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"
        assert source.size == (40, 20)
    return content


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
@pytest.mark.parametrize(
    # 6: the camera was turned a quarter clockwise; shown upright, the left half is on top.
    ("orientation", "size", "corners"),
    [(1, (40, 20), ("red", "blue")), (6, (20, 40), ("red", "blue"))],
)
def test_photos_lose_all_metadata_and_keep_their_orientation_and_size(
    submit, image_format, orientation, size, corners
):
    content = photo_with_metadata(image_format, orientation)

    path = stored_one(submit, submit("IMG_0001.jpg", content), EXTENSIONS[image_format])

    stored_bytes = path.read_bytes()
    for marker in (b"Exif\0\0", b"eXIf", b"ExampleCam", b"xmpmeta", b"ICC_PROFILE", b"iCCP"):
        assert marker not in stored_bytes
    with Image.open(path) as stored:
        assert not stored.getexif()
        assert not {"exif", "icc_profile", "xmp", "comment"} & set(stored.info)
        assert stored.size == size
        far_corner = (size[0] - 2, size[1] - 2)
        rgb = stored.convert("RGB")
        assert (colour_name(rgb.getpixel((1, 1))), colour_name(rgb.getpixel(far_corner))) == (
            corners
        )
    if submit.path == "figure in admin":
        figure = Figure.objects.get()
        assert (figure.width, figure.height) == size


def test_anonymous_uploads_are_refused_and_nothing_is_stored(submit, client):
    result = submit("x.png", png_bytes(), client=client)

    assert result.status in (302, 403)
    assert result.stored == []
    assert not Figure.objects.exists()


def test_a_figure_made_in_code_is_cleaned_too(draft):
    figure = Figure.objects.create(
        article=draft,
        number=1,
        alt_text="An example photo",
        image=SimpleUploadedFile("evil.html", photo_with_metadata("JPEG", 6)),
    )

    assert re.fullmatch(r"figures/[0-9a-f]{32}\.jpg", figure.image.name)
    assert (figure.width, figure.height) == (20, 40)
    with Image.open(figure.image.path) as stored:
        assert not stored.getexif()


def test_a_figure_with_a_bad_image_fails_full_clean_with_the_message(draft):
    figure = Figure(
        article=draft,
        number=1,
        alt_text="An example chart",
        image=SimpleUploadedFile("x.png", PAYLOAD),
    )
    before = media_files()

    with pytest.raises(ValidationError) as caught:
        figure.full_clean()
    assert REFUSED in " ".join(caught.value.message_dict["image"])
    with pytest.raises(ValidationError):
        figure.save()
    assert media_files() == before


def test_an_unreadable_colour_profile_is_dropped_not_refused():
    content = image_bytes("JPEG", two_halves(), icc_profile=b"not a profile" * 20)
    cleaned = uploads.clean_image(SimpleUploadedFile("x.jpg", content))
    with Image.open(cleaned) as image:
        assert "icc_profile" not in image.info
        assert image.size == (40, 20)
