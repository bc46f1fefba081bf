from datetime import date

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError

from articles.models import ArticleReference, Source, TreatmentReference
from tests.support.factories import make_article, make_treatment

pytestmark = pytest.mark.django_db


def make_source(**fields):
    fields.setdefault("title", "An example study")
    return Source.objects.create(**fields)


@pytest.fixture
def references(db):
    return [
        make_source(
            title="Example trial of an example treatment",
            authors="Example A, Sample B",
            publication="Journal of Examples",
            year=2021,
            doi="10.1000/example.123",
        ),
        make_source(title="Example cohort", pmid="12345678", year=2019),
        make_source(
            title="Example guidance",
            publication="Example Organisation",
            url="https://example.org/guidance",
            accessed=date(2026, 1, 5),
        ),
    ]


def test_sources_are_numbered_by_first_citation_then_listed_order(client, series, references):
    doi, pmid, web = references
    article = make_article(
        series,
        body=f"A claim.[[cite {web.pk}]] Another.[[cite {doi.pk}]] Again.[[cite {web.pk}]] "
        "Unlisted.[[cite 999]]",
    )
    for position, reference in enumerate([doi, pmid, web], 1):
        ArticleReference.objects.create(article=article, reference=reference, position=position)

    soup = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")

    items = soup.select(".sources li")
    assert [li["id"] for li in items] == ["source-1", "source-2", "source-3"]
    # Cited first, then cited second, then the uncited one, whatever the list's order.
    assert items[0].find("a")["href"] == "https://example.org/guidance"
    assert "Accessed 5 January 2026" in items[0].get_text()
    assert items[1].find("a")["href"] == "https://doi.org/10.1000/example.123"
    assert "Example A, Sample B (2021)." in items[1].get_text(" ", strip=True)
    assert items[2].find("a")["href"] == "https://pubmed.ncbi.nlm.nih.gov/12345678/"
    cites = [(a.get_text(), a["href"]) for a in soup.select(".article-body sup.cite a")]
    assert cites == [("[1]", "#source-1"), ("[2]", "#source-2"), ("[1]", "#source-1")]
    assert "[[cite" not in soup.get_text()


def test_pages_without_sources_say_so(client, article):
    soup = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    assert "No sources are listed for this page yet." in soup.select_one(".sources").get_text()


def test_treatment_pages_have_their_own_sources(client, references):
    treatment = make_treatment("example-treatment", summary=f"Text.[[cite {references[1].pk}]]")
    TreatmentReference.objects.create(treatment=treatment, reference=references[1])
    soup = BeautifulSoup(client.get(treatment.get_absolute_url()).content, "html.parser")
    assert soup.select_one(".article-body sup.cite a")["href"] == "#source-1"
    assert "Example cohort" in soup.select_one(".sources").get_text()


@pytest.mark.parametrize(
    ("field", "value"), [("doi", "https://doi.org/10.1/x"), ("pmid", "PMID123"), ("year", 1066)]
)
def test_reference_identifiers_are_validated(field, value):
    reference = Source(title="Example", **{field: value})
    with pytest.raises(ValidationError):
        reference.full_clean()
