import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError

from articles.models import Status
from tests.support.factories import add_treatments, make_article, make_treatment

pytestmark = pytest.mark.django_db


def body_links(client, article):
    soup = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    return soup.select_one(".article-body")


def test_internal_links_resolve_and_survive_slug_changes(client, series):
    treatment = make_treatment("example-old-slug", name="Example Treatment")
    target = make_article(series, 2, slug="example-target")
    article = make_article(
        series,
        1,
        body=f"See [the treatment](treatment:{treatment.pk}) and [part two](article:{target.pk}).",
    )

    body = body_links(client, article)
    assert body.find("a", string="the treatment")["href"] == "/treatments/example-old-slug/"
    assert body.find("a", string="part two")["href"] == "/articles/example-target/"

    treatment.slug = "example-new-slug"
    treatment.save()
    body = body_links(client, article)
    assert body.find("a", string="the treatment")["href"] == "/treatments/example-new-slug/"


def test_links_to_unpublished_pages_are_plain_text_for_readers(client, series):
    draft = make_article(series, 2, status=Status.DRAFT)
    article = make_article(series, 1, body=f"Read [the next part](article:{draft.pk}) soon.")

    body = body_links(client, article)
    assert "Read the next part soon." in body.get_text()
    assert not body.find("a", string="the next part")


def test_links_inside_treatment_summaries_resolve_in_articles(client, series):
    other = make_treatment("example-other", name="Example Other")
    shown = make_treatment("example-shown", summary=f"Compare [other](treatment:{other.pk}).")
    article = make_article(series, body="[[treatments]]")
    add_treatments(article, [shown])

    body = body_links(client, article)
    assert body.find("a", string="other")["href"] == "/treatments/example-other/"


def test_links_to_pages_that_do_not_exist_are_refused(series):
    article = make_article(series, status=Status.DRAFT)
    article.body = "See [nothing](article:99999)."
    with pytest.raises(ValidationError, match="There is no article for the link article:99999"):
        article.full_clean()
