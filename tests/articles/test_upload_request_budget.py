"""The images one request carries share one cleaning budget: each file is bounded by its own
CLEAN_SECONDS, and all of them together by REQUEST_CLEAN_SECONDS, so an article form with many
large figures can't hold a worker past gunicorn's timeout (four valid 40 MP WebPs did)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles import uploads
from tests.articles.test_uploads import image_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def now(monkeypatch):
    """The cleaning clock, moved by hand."""
    moment = [1000.0]
    monkeypatch.setattr(uploads, "clock", lambda: moment[0])
    return moment


def png():
    return SimpleUploadedFile("a.png", image_bytes("PNG"), content_type="image/png")


def test_images_after_the_budget_is_spent_are_refused_with_a_message(now):
    with uploads.request_budget():
        assert uploads.clean_image(png()).extension == "png"
        now[0] += uploads.REQUEST_CLEAN_SECONDS + 1
        with pytest.raises(ValidationError) as refused:
            uploads.clean_image(png())

    assert refused.value.messages == [uploads.NO_TIME_LEFT]


def test_outside_a_request_each_file_has_its_own_time(now):
    now[0] += uploads.REQUEST_CLEAN_SECONDS + 1

    assert uploads.clean_image(png()).extension == "png"


def test_a_file_started_near_the_end_of_the_budget_stops_at_it(now):
    with uploads.request_budget():
        uploads.clean_image(png())
        now[0] += uploads.REQUEST_CLEAN_SECONDS - 1

        assert uploads.cleaning_deadline() == now[0] + 1


def test_the_budget_starts_with_the_first_image_not_the_request(now):
    # Reading a slow connection's upload comes first, and isn't the worker's cleaning time.
    with uploads.request_budget():
        now[0] += uploads.REQUEST_CLEAN_SECONDS + 1

        assert uploads.clean_image(png()).extension == "png"


def test_every_request_gets_the_budget(editor_client, monkeypatch):
    # No time at all: the editor's upload, through the middleware, is refused for it.
    monkeypatch.setattr(uploads, "REQUEST_CLEAN_SECONDS", -1)

    response = editor_client.post(
        reverse("markdownx_upload"), {"image": png()}, HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )

    assert response.status_code == 400
    assert uploads.NO_TIME_LEFT in response.content.decode()
