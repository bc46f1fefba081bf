import pytest
from django.urls import reverse

from articles import readability
from articles.models import Status
from tests.support.factories import make_article

SIMPLE = "<p>The cat sat on the mat. It was a sunny day.</p>"


def test_flesch_kincaid_grade_follows_the_formula():
    # 11 words, 2 sentences, 12 syllables: 0.39 * 5.5 + 11.8 * 12 / 11 - 15.59 = -0.57
    figures = readability.measure(SIMPLE)
    assert figures.words == 11
    assert figures.grade == pytest.approx(-0.6, abs=0.05)
    assert figures.on_target


def test_hard_text_is_off_target():
    text = (
        "<p>Pharmacological augmentation strategies incorporating atypical antipsychotic "
        "medications demonstrate heterogeneous effectiveness across individualized "
        "therapeutic interventions.</p>"
    )
    figures = readability.measure(text)
    assert figures.reading_age > 11
    assert not figures.on_target


def test_reading_time_rounds_up_at_200_words_a_minute():
    assert readability.measure("<p>" + "word " * 201 + "</p>").minutes == 2
    assert readability.measure("").minutes == 1
    assert readability.measure("").grade is None


@pytest.mark.django_db
def test_change_form_shows_the_figures_and_the_target(editor_client, series):
    article = make_article(series, status=Status.DRAFT, body="The cat sat on the mat.")
    html = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    text = html.content.decode()
    assert "6 words · about 1 min to read · Flesch–Kincaid grade" in text
    assert "Aim for a reading age of 9–11" in text
