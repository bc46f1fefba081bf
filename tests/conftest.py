import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from articles.models import Article, ArticleTreatment, Figure, Series, Status, Treatment


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
def editor(db, django_user_model):
    user = django_user_model.objects.create_user(
        "example-editor", password="example-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
