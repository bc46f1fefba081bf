import io
import shutil
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from PIL import Image

from articles.models import Article, ArticleTreatment, Figure, Person, Series, Status, Treatment


def png_bytes(size=(8, 8), image_format="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, image_format)
    return buffer.getvalue()


def make_series(**fields):
    fields.setdefault("title", "Example Series")
    fields.setdefault("slug", "example-series")
    return Series.objects.create(**fields)


def make_treatment(slug="example-treatment", **fields):
    fields.setdefault("name", slug.replace("-", " ").title())
    fields.setdefault("category", Treatment.Category.MEDICATION)
    fields.setdefault("summary", f"Example summary of {slug}.")
    fields.setdefault("status", Status.PUBLISHED)
    return Treatment.objects.create(slug=slug, **fields)


def make_article(series, number=1, **fields):
    fields.setdefault("title", f"Example article {number}")
    fields.setdefault("slug", f"example-article-{number}")
    fields.setdefault("summary", "An example summary.")
    fields.setdefault("body", "## Example heading\n\nExample paragraph.")
    fields.setdefault("status", Status.PUBLISHED)
    return Article.objects.create(series=series, number=number, **fields)


def add_treatments(article, treatments):
    ArticleTreatment.objects.bulk_create(
        ArticleTreatment(article=article, treatment=t, position=i) for i, t in enumerate(treatments)
    )


def make_figure(article, number=1, alt_text="Example alt text", **fields):
    image = SimpleUploadedFile("example.png", png_bytes(), content_type="image/png")
    return Figure.objects.create(
        article=article, number=number, alt_text=alt_text, image=image, **fields
    )


@pytest.fixture(autouse=True)
def fresh_cache():
    # The database rolls back after each test; what was cached from it must go too.
    for alias in settings.CACHES:
        caches[alias].clear()
    yield
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture
def series(db):
    return make_series()


@pytest.fixture
def article(series):
    return make_article(series)


@pytest.fixture
def future():
    return timezone.now() + timedelta(days=1)


@pytest.fixture
def seeded(db):
    call_command("seed", verbosity=0)
    return Article.objects.get(slug="what-is-treatment-resistant-depression")


@pytest.fixture
def content(seeded):
    """For the Markdown export and import tests: the seed plus pages using every editorial
    field (tests/markdown_exports.py)."""
    from tests.markdown_exports import make_content

    return make_content()


def make_staff(username, group, first_name=""):
    user = get_user_model().objects.create_user(
        username, password="example-password", is_staff=True, first_name=first_name
    )
    user.groups.add(Group.objects.get(name=group))
    return user


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor(db):
    return make_staff("example-editor", "Editors", first_name="Example Editor")


@pytest.fixture
def publisher(db):
    return make_staff("example-publisher", "Publishers", first_name="Example Publisher")


@pytest.fixture
def editor_client(editor):
    return client_for(editor)


@pytest.fixture
def publisher_client(publisher):
    return client_for(publisher)


@pytest.fixture
def people(db):
    author = Person.objects.create(name="Example Author")
    reviewer = Person.objects.create(name="Dr Example Reviewer", credentials="example psychiatrist")
    return author, reviewer


def pytest_sessionfinish(session, exitstatus):
    # tests/settings.py made these for this run only.
    from django.conf import settings

    for folder in (settings.MEDIA_ROOT, settings.STATIC_ROOT):
        shutil.rmtree(folder, ignore_errors=True)
