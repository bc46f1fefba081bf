"""Small factories for tests: content rows, staff accounts and their signed-in clients.
Names and text made here look made up ("Example ..."), as test content must."""

import io

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from articles.models import Article, ArticleTreatment, Figure, Series, Status, Term, Treatment


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


def make_articles(series, count, title="Example {n}", **fields):
    """`count` published articles numbered from 1 in one query, without save(): no Markdown
    is rendered, so give `plain_text` when a test searches them."""
    fields.setdefault("summary", "x")
    fields.setdefault("body", "x")
    fields.setdefault("status", Status.PUBLISHED)
    fields.setdefault("publish_at", "2026-01-01T00:00Z")
    return Article.objects.bulk_create(
        Article(series=series, number=n, title=title.format(n=n), slug=f"example-{n}", **fields)
        for n in range(1, count + 1)
    )


def make_term(term="Example term", **fields):
    """A published glossary term (as a publisher saves it: its pages are marked again)."""
    fields.setdefault("slug", term.lower().replace(" ", "-"))
    fields.setdefault("other_names", "Exampleword")
    fields.setdefault("definition", f"An example definition of {term}.")
    fields.setdefault("status", Status.PUBLISHED)
    return Term.objects.create(term=term, **fields)


def add_treatments(article, treatments):
    ArticleTreatment.objects.bulk_create(
        ArticleTreatment(article=article, treatment=t, position=i) for i, t in enumerate(treatments)
    )


def make_figure(article, number=1, alt_text="Example alt text", **fields):
    image = SimpleUploadedFile("example.png", png_bytes(), content_type="image/png")
    return Figure.objects.create(
        article=article, number=number, alt_text=alt_text, image=image, **fields
    )


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
