"""What an uploaded image costs a worker to clean is bounded by the file itself, not only by its
pixels and frames: a progressive JPEG of thousands of empty scans (a few dozen bytes each) made
the decoder pass over all 40 megapixels once per scan. A 1 MB file of 15,000 scans held a
gunicorn worker past its 30 s timeout (killed, 502); `CLEAN_SECONDS` is only checked after the
decoder returns."""

import io
import random
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles import uploads
from articles.image_structure import jpeg_scans
from articles.uploads import clean_image
from tests.support.jpeg_scans import many_scan_jpeg

# CPU seconds, as the Markdown bounds count them: a refusal from the file's structure costs
# milliseconds; decoding the file below costs some ten seconds on the CI machine.
SECONDS = 2.5


def test_a_jpeg_of_thousands_of_scans_is_refused_before_it_is_decoded():
    upload = SimpleUploadedFile("scans.jpg", many_scan_jpeg(4000), content_type="image/jpeg")
    assert upload.size < 400_000  # far below the 5 MB upload limit

    started = time.process_time()
    with pytest.raises(ValidationError):
        clean_image(upload)
    elapsed = time.process_time() - started

    assert elapsed < SECONDS, f"took {elapsed:.1f} s of CPU to refuse"


def test_an_ordinary_progressive_jpeg_still_cleans():
    upload = SimpleUploadedFile("few.jpg", many_scan_jpeg(10), content_type="image/jpeg")

    cleaned = clean_image(upload)

    assert cleaned.extension == "jpg"


def jpeg(**options):
    """A noisy picture, so its scans' data hold stuffed 0xFF bytes (0xFF 0x00), and restart
    markers after every block."""
    buffer = io.BytesIO()
    # Seeded, so the picture, and the bytes checked below, are the same on every run.
    noise = random.Random(16).randbytes(128 * 96 * 3)
    picture = Image.frombytes("RGB", (128, 96), noise)
    picture.save(buffer, "JPEG", restart_marker_blocks=1, **options)
    data = buffer.getvalue()
    assert b"\xff\x00" in data and b"\xff\xd0" in data
    return data


def test_scans_are_counted_as_the_decoder_reads_them():
    # libjpeg's progression for colour: ten scans; a baseline file has one.
    assert jpeg_scans(jpeg(progressive=True), uploads.MAX_SCANS) == 10
    assert jpeg_scans(jpeg(), uploads.MAX_SCANS) == 1
    # Scan markers inside a comment are its text, and stuffed or restart bytes in a scan's data
    # start nothing.
    comment = b"\xff\xfe\x00\x0a" + b"\xff\xda" * 4
    data = jpeg(progressive=True)
    assert jpeg_scans(data[:2] + comment + data[2:], uploads.MAX_SCANS) == 10
    assert jpeg_scans(many_scan_jpeg(uploads.MAX_SCANS - 1), uploads.MAX_SCANS) == uploads.MAX_SCANS


def test_one_scan_over_the_limit_is_refused_with_the_limit_named():
    upload = SimpleUploadedFile(
        "scans.jpg", many_scan_jpeg(uploads.MAX_SCANS), content_type="image/jpeg"
    )

    with pytest.raises(ValidationError, match=f"at most {uploads.MAX_SCANS}"):
        clean_image(upload)
