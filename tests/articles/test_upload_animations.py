"""Animations can't tie up a worker: every image limit counts all of an animation's frames (how
many there are, and the pixels they decode to in all), and cleaning one file is bounded in time.
The times themselves are measured by bench/uploads.py, not here."""

import io
import itertools

import pytest
from PIL import Image

from articles import uploads
from tests.articles import test_uploads
from tests.articles.test_uploads import animation, assert_refused, image_bytes, stored_one
from tests.support.animations import gif, gif_frame, many_frames_gif

pytestmark = pytest.mark.django_db

# Both ways in (the editor's upload, a Figure in the admin), as in test_uploads.
draft, submit = test_uploads.draft, test_uploads.submit

TOO_MANY = "This animation has more than 500 frames; animations can have at most 500."


def test_the_reported_gif_of_a_third_of_a_million_tiny_frames_is_refused(submit, settings):
    # As found: 340,000 frames of 1×1 pixels in 5.1 MB, under the size limit and far under the
    # pixel limit in all.
    gif = many_frames_gif(340_000, delay=False)
    assert len(gif) < settings.MARKDOWNX_UPLOAD_MAX_SIZE
    assert uploads.MAX_PIXELS > 340_000

    assert_refused(submit, submit("a.gif", gif), TOO_MANY)


@pytest.mark.parametrize(("frames", "accepted"), [(5, True), (6, False)])
def test_the_frame_limit_is_exact(submit, monkeypatch, frames, accepted):
    monkeypatch.setattr(uploads, "MAX_FRAMES", 5)
    result = submit("a.gif", many_frames_gif(frames))
    if accepted:
        stored_one(submit, result, "gif")
    else:
        assert_refused(submit, result, "more than 5 frames; animations can have at most 5")


def test_bytes_a_reader_skips_between_frames_hide_none(submit, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_FRAMES", 5)
    gif = many_frames_gif(6, between=b"\x00\x07")
    with Image.open(io.BytesIO(gif)) as image:
        assert image.n_frames == 6

    assert_refused(submit, submit("a.gif", gif), "more than 5 frames")


def test_decoding_stops_at_the_frame_limit_whatever_was_counted_before(submit, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_FRAMES", 5)
    # Were the count before decoding ever wrong, the frames decoded are still counted.
    monkeypatch.setattr(
        uploads, "frames_and_pixels", lambda data, image_format, image: (1, (1, 1), 1)
    )
    assert_refused(submit, submit("a.gif", many_frames_gif(6)), "more than 5 frames")


@pytest.mark.parametrize(("limit", "accepted"), [(201, True), (200, False)])
def test_frames_that_grow_the_canvas_count_at_the_grown_size(submit, monkeypatch, limit, accepted):
    monkeypatch.setattr(uploads, "MAX_PIXELS", limit)
    # 1 × 1, then a frame at (9, 9) grows the canvas to 10 × 10 for it and the next:
    # 1 + 100 + 100 pixels decoded.
    grows = gif(gif_frame() + gif_frame(left=9, top=9) * 2)
    with Image.open(io.BytesIO(grows)) as image:
        assert image.size == (1, 1)

    result = submit("a.gif", grows)
    if accepted:
        stored_one(submit, result, "gif")
    else:
        assert_refused(submit, result, "This animation has 3 frames of 10 × 10 pixels (201 pixels")


@pytest.mark.parametrize("image_format", ["GIF", "WEBP", "PNG"])
def test_every_format_counts_all_frames(submit, monkeypatch, image_format):
    monkeypatch.setattr(uploads, "MAX_FRAMES", 2)
    result = submit("a.gif", animation(image_format))
    assert_refused(submit, result, "This animation has more than 2 frames")


def test_cleaning_stops_with_a_message_when_it_takes_too_long(submit, monkeypatch):
    # Each look at the clock is six seconds on: the second frame ends past the ten allowed.
    ticks = itertools.count(step=6)
    monkeypatch.setattr(uploads, "clock", lambda: next(ticks))

    assert_refused(submit, submit("a.gif", animation("GIF")), uploads.TOO_SLOW)


def test_a_still_image_is_untouched_by_the_frame_limits(submit, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_FRAMES", 1)
    stored_one(submit, submit("a.png", image_bytes("PNG")), "png")
