"""Time the editor's image upload on the files that once tied up a worker, and on the largest
files the limits accept (articles.uploads): every answer must come well within gunicorn's 30 s.

    .venv/bin/python bench/uploads.py            # every case
    .venv/bin/python bench/uploads.py reported   # the cases whose name has "reported"

Each file is posted to the upload endpoint as a signed-in staff member would, in this process
with the test settings (stored files go to a temporary folder); prints status and seconds.
"""

import contextlib
import io
import os
import sys
import time
from pathlib import Path
from unittest import mock

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from bench/
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from PIL import Image  # noqa: E402

from articles import uploads  # noqa: E402
from articles.admin.editor_endpoints import EditorImageUploadView  # noqa: E402
from tests.support.animations import many_frames_gif  # noqa: E402
from tests.support.jpeg_scans import many_scan_jpeg  # noqa: E402


def encoded(image_format, frames, **options):
    buffer = io.BytesIO()
    frames[0].save(buffer, image_format, save_all=True, append_images=frames[1:], **options)
    return buffer.getvalue()


def largest_animation(image_format):
    """As many frames as allowed, of as many pixels as the total allows, each a new colour."""
    side = int((uploads.MAX_PIXELS / uploads.MAX_FRAMES) ** 0.5)
    frames = [Image.new("RGB", (side, side), (i % 256, i // 256, 90)) for i in range(500)]
    return encoded(image_format, frames[: uploads.MAX_FRAMES], duration=40, loop=0)


CASES = {
    "GIF, 340,000 frames of 1x1 (as reported)": lambda: many_frames_gif(340_000, delay=False),
    "GIF, 501 frames of 1x1 (one over the frame limit)": lambda: many_frames_gif(501),
    "GIF, 500 frames of 282x282 (largest accepted)": lambda: largest_animation("GIF"),
    "WebP, 500 frames of 282x282 (largest accepted)": lambda: largest_animation("WEBP"),
    "PNG, 6,324x6,324 still (40 megapixels)": lambda: encoded(
        "PNG", [Image.new("RGB", (6324, 6324), (20, 90, 160))]
    ),
    "JPEG, 15,000 empty scans of 6,300x6,300 (as reported)": lambda: many_scan_jpeg(15_000),
    # The same file as before the scan limit: what it cost a worker.
    "JPEG, 15,000 empty scans of 6,300x6,300 (as reported, no scan limit)": lambda: many_scan_jpeg(
        15_000
    ),
    "JPEG, 100 scans of 6,300x6,300 (largest accepted)": lambda: many_scan_jpeg(
        uploads.MAX_SCANS - 1
    ),
}


def main():
    staff = User(username="example-bench", is_staff=True, is_active=True)
    view = EditorImageUploadView.as_view()
    print("| file | bytes | status | seconds |\n|---|---|---|---|")
    for name, make in CASES.items():
        if not all(word in name for word in sys.argv[1:]):
            continue
        content = make()
        request = RequestFactory().post(
            "/admin/markdownx/upload/",
            {"image": SimpleUploadedFile("x", content)},
            HTTP_X_REQUESTED_WITH="XMLHttpRequest",
        )
        request.user = staff
        unlimited = "no scan limit" in name
        with (
            mock.patch.object(uploads, "MAX_SCANS", 10**9)
            if unlimited
            else contextlib.nullcontext()
        ):
            start = time.perf_counter()
            response = view(request)
            seconds = time.perf_counter() - start
        print(f"| {name} | {len(content):,} | {response.status_code} | {seconds:.2f} |")


if __name__ == "__main__":
    main()
