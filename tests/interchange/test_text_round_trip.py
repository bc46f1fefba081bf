"""An export and import keeps every text exactly as stored: text is stored normalised
(articles/typed_text.py), and normalised text survives the YAML front matter and the body as
written. A U+0085 in a title once came back as a space, and the file was reported changed."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article, Person, Series
from articles.typed_text import normalise
from interchange.front_matter import split
from interchange.writing import dump
from tests.support.markdown_exports import DRAFT, export, run_import, wipe_content

pytestmark = pytest.mark.django_db

PASTED = "Example\x85 title\x0b with\u2028hidden\x1b characters, cafe\u0301"


def test_a_pasted_title_survives_an_export_and_import_unchanged(tmp_path, content):
    content.title = PASTED
    content.save()
    reviewer = Person.objects.get(name="Dr Example Reviewer")
    reviewer.credentials = "Example\x85 credentials\x0c"
    reviewer.save()
    series = Series.objects.get()
    series.description = "Example\x0b description\r\nsecond line\u2029third"
    series.save()
    stored = (content.title, reviewer.credentials, series.description)
    first = export(tmp_path / "first")

    assert "0 created, 0 changed" in run_import(tmp_path / "first")
    wipe_content()
    run_import(tmp_path / "first")

    assert export(tmp_path / "second") == first
    assert (
        Article.objects.get(slug=content.slug).title,
        Person.objects.get(slug=reviewer.slug).credentials,
        Series.objects.get().description,
    ) == stored
    front_matter, _ = split((tmp_path / "first" / DRAFT).read_bytes().decode())
    assert front_matter["title"] == "Example title with\nhidden characters, café"


# Any character at all, surrogates included, as text could reach a model from a file or a shell.
ANY_TEXT = st.text(st.characters(codec=None), max_size=200)


@pytest.mark.slow
@settings(
    max_examples=500,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(ANY_TEXT, ANY_TEXT)
def test_any_stored_text_is_read_back_from_its_file_exactly(value, body):
    value, body = normalise(value), normalise(body)
    front_matter = {"title": value, "names": [value], "reviewer": {"credentials": value}}

    assert split(dump(front_matter, body)) == (front_matter, body)
