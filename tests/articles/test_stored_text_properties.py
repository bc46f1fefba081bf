"""Whatever text is saved in any field, every public page, feed and sitemap answers without a
500, and the feeds and sitemaps stay well-formed XML.

Text arrives in two ways: through the models, which store it normalised, and stored around them
(an `update()`, SQL, or before normalising existed), which the models normalise as they read it.
"""

import xml.etree.ElementTree as ET
from urllib.parse import urlencode, urlsplit

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles import typed_fields
from articles.models import Article, Person, Series, Term, Treatment

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def free_text_fields(model):
    """The fields an editor types anything into: not slugs, addresses, choices or numbers
    checked against a pattern (their forms refuse anything else)."""
    return [
        field
        for field in model._meta.concrete_fields
        if typed_fields.is_typed(field)
        and not isinstance(field, models.SlugField | models.URLField | models.EmailField)
        and not field.choices
        and not any(isinstance(v, RegexValidator) for v in field.validators)
    ]


def rows():
    return [
        (obj, fields)
        for model in apps.get_app_config("articles").get_models()
        if (fields := free_text_fields(model))
        for obj in model.objects.order_by("pk")
    ]


def fitted(field, value, row):
    """`value` cut to fit, ending in the row's number: names and titles are unique."""
    suffix = f" {row}"
    if field.max_length:
        value = value[: field.max_length - len(suffix)]
    # Alt text is required (a constraint): the suffix keeps every value non-blank.
    return value + suffix


def xml_paths(response):
    root = ET.fromstring(response.content)
    return [urlsplit(loc.text).path for loc in root.iter(f"{SITEMAP}loc")]


def public_paths(query):
    paths = [
        reverse("articles:home"),
        reverse("articles:treatment_list"),
        reverse("articles:help"),
        reverse("articles:glossary"),
        reverse("articles:editorial_policy"),
        reverse("articles:privacy"),
        reverse("articles:search") + "?" + urlencode({"q": query}),
    ]
    for model in (Article, Treatment, Person):
        paths += [obj.get_absolute_url() for obj in model.objects.published()]
    paths += [series.get_absolute_url() for series in Series.objects.all()]
    return paths


def fetch_everything(client, query):
    cache.clear()
    for name in ("articles:feed_rss", "articles:feed_atom"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        ET.fromstring(response.content)
    index = client.get(reverse("sitemap"))
    assert index.status_code == 200
    for path in xml_paths(index):
        response = client.get(path)
        assert response.status_code == 200, path
        xml_paths(response)
    for path in public_paths(query):
        response = client.get(path)
        assert response.status_code < 500, path


# Any character at all: surrogates and NUL can reach a model from a file or a shell.
ANY_TEXT = st.text(st.characters(codec=None), max_size=80)
# What a database can hold when stored around the models: no surrogates (not UTF-8) and no NUL
# (PostgreSQL refuses it in text).
STORABLE_TEXT = st.text(
    st.characters(codec="utf-8", blacklist_characters="\x00"), min_size=1, max_size=80
)


@pytest.fixture
def everything(content):
    Term.objects.create(
        term="Example term",
        slug="example-term",
        definition="Example definition.",
        status="published",
    )
    return content


@settings(
    max_examples=12,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.data())
def test_any_text_saved_in_every_field_leaves_every_public_page_working(client, everything, data):
    for row, (obj, fields) in enumerate(rows()):
        for field in fields:
            setattr(obj, field.attname, fitted(field, data.draw(ANY_TEXT), row))
        obj.save()
    fetch_everything(client, data.draw(ANY_TEXT))


@settings(
    max_examples=12,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.data())
def test_any_text_stored_around_the_models_leaves_every_public_page_working(
    client, everything, data
):
    for row, (obj, fields) in enumerate(rows()):
        values = {field.attname: fitted(field, data.draw(STORABLE_TEXT), row) for field in fields}
        type(obj).objects.filter(pk=obj.pk).update(**values)
    fetch_everything(client, data.draw(STORABLE_TEXT))
