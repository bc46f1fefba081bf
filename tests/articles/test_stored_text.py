"""Every text an editor saves is stored normalised: Unicode NFC, no control characters but tab and
line ends. A vertical tab in a series title once made both feeds answer 500 for every reader.

However the text arrives (a form, an import, the shell) and whatever was stored before, feeds,
sitemaps and JSON-LD read it normalised. The export/import round trip is in
tests/interchange/test_text_round_trip.py; arbitrary text in every field, fetched from every
public page, in test_stored_text_properties.py.
"""

import json
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.db import connection
from django.urls import reverse

from articles import typed_fields
from articles.models import Article, Series
from articles.typed_text import clean_typed, normalise
from tests.support.admin_forms import form_data, form_errors
from tests.support.factories import make_article

pytestmark = pytest.mark.django_db

# What Word and other programs paste: a vertical tab (Word's manual line break), a form feed,
# NEL (U+0085), a C1 control, DEL, an escape, and an accent typed after its letter.
PASTED = "Example\x0b title\x0c with\x85 pasted\x9b hidden\x7f cha\x1bracters, cafe\u0301"
STORED = "Example title with pasted hidden characters, café"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (PASTED, STORED),
        ("Tabs\tand\nlines\r\nstay", "Tabs\tand\nlines\r\nstay"),
        ("An old Mac\rline end", "An old Mac\nline end"),
        ("Line\u2028and paragraph\u2029separators", "Line\nand paragraph\nseparators"),
        ("NUL\x00 and lone \ud800surrogates", "NUL and lone surrogates"),
        ("Non\ufffecharacters\uffff", "Noncharacters"),
        ("Accent kept apart: e\x0b\u0301", "Accent kept apart: \u00e9"),
        # Letters, emoji sequences and right-to-left marks an editor may mean stay as typed.
        (
            "Family 👨\u200d👩\u200d👧, עִברִית\u200f, ﬁ, Ω",
            "Family 👨\u200d👩\u200d👧, עִברִית\u200f, ﬁ, Ω",
        ),
        ("  spaces around stay  ", "  spaces around stay  "),
    ],
)
def test_normalise(typed, stored):
    assert normalise(typed) == stored
    assert normalise(stored) == stored


def test_clean_typed_is_normalise_without_hidden_characters_trimmed():
    assert clean_typed(f"  {PASTED}\u200b\u202e\r\nNext\u2028line ") == (f"{STORED}\nNext\nline")


def text_fields():
    return [
        (model, field)
        for model in apps.get_app_config("articles").get_models()
        for field in model._meta.concrete_fields
        if typed_fields.is_typed(field)
    ]


def test_every_text_field_an_editor_types_is_normalised_on_assignment():
    fields = text_fields()
    assert {(model.__name__, field.name) for model, field in fields} >= {
        ("Series", "title"),
        ("Series", "description"),
        ("Article", "title"),
        ("Article", "summary"),
        ("Article", "body"),
        ("Treatment", "name"),
        ("Person", "credentials"),
        ("Figure", "alt_text"),
        ("Helpline", "name"),
        ("Helpline", "hours"),
        ("UrgentHelp", "text"),
        ("Source", "title"),
        ("Term", "definition"),
        ("EditorialPolicy", "text"),
        ("ReviewComment", "text"),
    }
    for model, field in fields:
        obj = model()
        setattr(obj, field.attname, PASTED)
        assert getattr(obj, field.attname) == STORED, (model, field)
        assert model(**{field.attname: PASTED}).__dict__[field.attname] == STORED


def test_derived_text_is_left_as_its_code_makes_it():
    assert not typed_fields.is_typed(Article._meta.get_field("body_html"))
    assert not typed_fields.is_typed(Article._meta.get_field("signed_off_content"))


def test_a_series_title_with_a_vertical_tab_leaves_both_feeds_working(client, series):
    make_article(series, title="Example\x0b article\x85", summary="Example\x0c summary")
    series.title = "Example\x0b Series"
    series.save()

    for name in ("articles:feed_rss", "articles:feed_atom"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert b"Example Series #1: Example article" in response.content
        ET.fromstring(response.content)
    assert Series.objects.values_list("title", flat=True).get() == "Example Series"


def store_raw(model, pk, **values):
    """Text stored without the model: by an `update()`, SQL, or before this rule existed."""
    model.objects.filter(pk=pk).update(**values)


def test_text_stored_before_is_read_normalised_by_feeds_sitemaps_and_pages(client, series):
    article = make_article(series)
    pasted = PASTED.replace("\x00", "")
    store_raw(Series, series.pk, title=pasted)
    store_raw(Article, article.pk, title=pasted, summary=pasted)

    for name in ("articles:feed_rss", "articles:feed_atom", "sitemap"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        ET.fromstring(response.content)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert page.h1.get_text(" ", strip=True) == STORED
    for script in page.select('script[type="application/ld+json"]'):
        assert "\x0b" not in json.dumps(json.loads(script.string))
    assert Article.objects.get(pk=article.pk).title == STORED


def test_the_admin_stores_a_pasted_title_normalised(editor_client, series):
    article = make_article(series, status="draft")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(editor_client.get(url))
    data["title"] = PASTED
    data["body"] = "Example\x0b body\r\nwith a form\x0c feed pasted."

    response = editor_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert (article.title, article.body) == (STORED, "Example body\r\nwith a form feed pasted.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT title FROM articles_article WHERE id = %s", [article.pk])
        assert cursor.fetchone()[0] == STORED


def test_the_admin_refuses_a_nul_with_a_message_and_keeps_the_text(editor_client, series):
    # Django's form fields refuse NUL before the model sees it; PostgreSQL can't store it.
    article = make_article(series, status="draft")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(editor_client.get(url))
    data["title"] = "Example\x00 title"

    response = editor_client.post(url, data)

    assert "Null characters are not allowed." in form_errors(response)
    article.refresh_from_db()
    assert article.title == "Example article 1"
