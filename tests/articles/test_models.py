from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from articles.models import Article, ArticleTreatment, Status, Treatment
from tests.support.factories import (
    add_treatments,
    make_article,
    make_figure,
    make_series,
    make_treatment,
)

pytestmark = pytest.mark.django_db


def test_published_is_published_and_past_publish_time(series, future):
    public = make_article(series, 1)
    make_article(series, 2, status=Status.DRAFT)
    make_article(series, 3, publish_at=future)
    make_article(series, 4, status=Status.DRAFT, publish_at=timezone.now() - timedelta(days=1))

    assert list(Article.objects.published()) == [public]


def test_scheduled_article_becomes_public_when_its_time_passes(series):
    soon = timezone.now() + timedelta(seconds=30)
    article = make_article(series, publish_at=soon)
    assert not Article.objects.published().exists()

    Article.objects.filter(pk=article.pk).update(publish_at=timezone.now() - timedelta(seconds=1))
    assert list(Article.objects.published()) == [article]


def test_treatments_use_the_same_published_rule(db, future):
    public = make_treatment("public")
    make_treatment("draft", status=Status.DRAFT)
    make_treatment("scheduled", publish_at=future)

    assert list(Treatment.objects.published()) == [public]


def test_publishing_without_a_time_sets_it_to_now(series):
    before = timezone.now()
    article = make_article(series)
    assert before <= article.publish_at <= timezone.now()
    assert article.is_public


def test_draft_keeps_an_empty_publish_time(series):
    article = make_article(series, status=Status.DRAFT)
    assert article.publish_at is None
    assert not article.is_public


def test_published_row_without_publish_time_is_refused_by_the_database(article):
    with pytest.raises(IntegrityError):
        Article.objects.filter(pk=article.pk).update(publish_at=None)


def test_article_slugs_are_unique(series, article):
    with pytest.raises(IntegrityError):
        make_article(series, 2, slug=article.slug)


def test_article_numbers_are_unique_within_a_series(series, article):
    with pytest.raises(IntegrityError):
        make_article(series, 1, slug="another-slug")


def test_same_number_in_another_series_is_fine(series, article):
    other = make_series(title="Other", slug="other")
    assert make_article(other, 1, slug="other-1").number == 1


def test_article_number_starts_at_one(series):
    with pytest.raises(IntegrityError):
        make_article(series, 0)


def test_series_and_treatment_slugs_are_unique(series):
    make_treatment("same")
    with pytest.raises(IntegrityError):
        make_treatment("same")


def test_duplicate_series_slug_refused(series):
    with pytest.raises(IntegrityError):
        make_series(title="Copy")


def test_a_treatment_is_listed_once_per_article(article):
    treatment = make_treatment()
    add_treatments(article, [treatment])
    with pytest.raises(IntegrityError):
        ArticleTreatment.objects.create(article=article, treatment=treatment, position=5)


def test_figure_needs_alt_text(article):
    with pytest.raises(IntegrityError):
        make_figure(article, alt_text="")


def test_figure_numbers_are_unique_within_an_article(article):
    make_figure(article, 1)
    with pytest.raises(IntegrityError):
        make_figure(article, 1)


def test_figure_image_gets_a_generated_name_and_its_size(article):
    figure = make_figure(article)
    assert figure.image.name.startswith("figures/")
    assert "example" not in figure.image.name
    assert (figure.width, figure.height) == (8, 8)


def test_markdown_is_rendered_on_save(series):
    article = make_article(series, body="## Hello\n\nSome *text*.")
    assert article.body_html == '<h2 id="hello">Hello</h2>\n<p>Some <em>text</em>.</p>'

    article.body = "Changed."
    article.save()
    assert Article.objects.get(pk=article.pk).body_html == "<p>Changed.</p>"


def test_treatment_summary_and_body_are_rendered_on_save(db):
    treatment = make_treatment(summary="**Bold** summary", body="Longer *body*")
    assert treatment.summary_html == "<p><strong>Bold</strong> summary</p>"
    assert treatment.body_html == "<p>Longer <em>body</em></p>"


def test_body_parts_fill_slots_in_place(series):
    body = "Intro\n\n[[figure 2]]\n\nMiddle\n\n[[treatments]]\n\nEnd"
    article = make_article(series, body=body)
    figures = [make_figure(article, 1), make_figure(article, 2)]
    treatments = [make_treatment("a"), make_treatment("b")]

    parts = article.body_parts(treatments, figures)

    kinds = [(p.kind, p.figure.number if p.figure else None) for p in parts]
    assert kinds == [
        ("html", None),
        ("figure", 2),
        ("html", None),
        ("treatments", None),
        ("html", None),
        # Figure 1 has no marker, so it follows the text rather than disappear.
        ("figure", 1),
    ]
    assert "Intro" in parts[0].html and "End" in parts[4].html


def test_body_parts_append_treatments_without_a_marker(series):
    article = make_article(series, body="Only text")
    parts = article.body_parts([make_treatment()], [])
    assert [p.kind for p in parts] == ["html", "treatments"]


def test_body_parts_skip_slots_with_nothing_to_show(series):
    article = make_article(series, body="[[figure 9]]\n\n[[treatments]]\n\nText")
    parts = article.body_parts([], [])
    assert {p.kind for p in parts} == {"html"}
    assert "Text" in parts[-1].html
