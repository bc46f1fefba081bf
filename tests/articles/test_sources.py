from datetime import date

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles.models import ArticleReference, Source, Status, TreatmentReference
from tests.support.admin_forms import form_data, form_errors
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


def test_sources_are_numbered_in_order_and_cited(client, series, references):
    doi, pmid, web = references
    article = make_article(
        series, body=f"A claim.[[cite {web.pk}]] Another.[[cite {doi.pk}]] Unlisted.[[cite 999]]"
    )
    for position, reference in enumerate([doi, pmid, web]):
        ArticleReference.objects.create(article=article, reference=reference, position=position)

    soup = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")

    items = soup.select(".sources li")
    assert [li["id"] for li in items] == ["source-1", "source-2", "source-3"]
    assert items[0].find("a")["href"] == "https://doi.org/10.1000/example.123"
    assert "Example A, Sample B (2021)." in items[0].get_text(" ", strip=True)
    assert items[1].find("a")["href"] == "https://pubmed.ncbi.nlm.nih.gov/12345678/"
    assert items[2].find("a")["href"] == "https://example.org/guidance"
    assert "Accessed 5 January 2026" in items[2].get_text()
    cites = [(a.get_text(), a["href"]) for a in soup.select(".article-body sup.cite a")]
    assert cites == [("[3]", "#source-3"), ("[1]", "#source-1")]
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


def test_citing_an_unlisted_source_is_refused_in_the_admin(editor_client, series, references):
    article = make_article(series, status=Status.DRAFT)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(editor_client.get(url))
    data["body"] = f"Claim.[[cite {references[0].pk}]]"

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "that source is not in the Sources list" in " ".join(form_errors(response))

    data["source_links-TOTAL_FORMS"] = "1"
    data["source_links-0-reference"] = str(references[0].pk)
    data["source_links-0-position"] = "1"
    response = editor_client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    assert article.source_links.get().reference == references[0]


@pytest.mark.parametrize(
    ("field", "value"), [("doi", "https://doi.org/10.1/x"), ("pmid", "PMID123"), ("year", 1066)]
)
def test_reference_identifiers_are_validated(field, value):
    reference = Source(title="Example", **{field: value})
    with pytest.raises(ValidationError):
        reference.full_clean()
