import json
from datetime import date

import pytest
from bs4 import BeautifulSoup

from articles import structured_data
from articles.models import ArticleReference, Source, Status
from tests.support.factories import make_article, make_figure, make_treatment

pytestmark = pytest.mark.django_db


def json_ld(client, url):
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    blocks = [json.loads(s.string) for s in soup.find_all("script", type="application/ld+json")]
    return {block["@type"]: block for block in blocks}, soup


def test_article_is_a_medical_web_page_with_review_and_breadcrumbs(client, series, people):
    author, reviewer = people
    article = make_article(
        series,
        title='Example "quoted" </script> title',
        author=author,
        reviewer=reviewer,
        last_reviewed=date(2026, 3, 2),
    )
    reference = Source.objects.create(title="Example study", doi="10.1000/example")
    ArticleReference.objects.create(article=article, reference=reference)

    data, _ = json_ld(client, article.get_absolute_url())

    page = data["MedicalWebPage"]
    assert page["@context"] == "https://schema.org"
    assert page["name"] == 'Example "quoted" </script> title'
    assert page["about"]["@type"] == "MedicalCondition"
    assert page["lastReviewed"] == "2026-03-02"
    assert page["reviewedBy"] == {
        "@type": "Person",
        "name": "Dr Example Reviewer",
        "url": "http://testserver/people/dr-example-reviewer/",
        "jobTitle": "example psychiatrist",
    }
    assert page["medicalAudience"]["@type"] == "MedicalAudience"
    assert page["url"] == "http://testserver" + article.get_absolute_url()
    assert page["citation"][0]["url"] == "https://doi.org/10.1000/example"
    crumbs = data["BreadcrumbList"]["itemListElement"]
    assert [c["position"] for c in crumbs] == [1, 2, 3]
    assert crumbs[-1]["item"] == "http://testserver" + article.get_absolute_url()


def test_people_are_linked_to_their_pages_with_their_role(client, series, people):
    author, reviewer = people
    author.role = "Example series editor"
    author.save()
    treatment = make_treatment(
        "example-treatment", author=author, reviewer=reviewer, last_reviewed=date(2026, 3, 2)
    )

    data, _ = json_ld(client, treatment.get_absolute_url())

    page = data["MedicalTherapy"]["mainEntityOfPage"]
    # The role when there is one, else the credentials.
    assert page["author"] == {
        "@type": "Person",
        "name": "Example Author",
        "url": "http://testserver/people/example-author/",
        "jobTitle": "Example series editor",
    }
    assert page["reviewedBy"]["jobTitle"] == "example psychiatrist"
    for person in (page["author"], page["reviewedBy"]):
        assert client.get(person["url"].removeprefix("http://testserver")).status_code == 200


def test_a_draft_links_no_one(series, people):
    author, reviewer = people
    draft = make_article(
        series, status=Status.DRAFT, author=author, reviewer=reviewer, last_reviewed=date.today()
    )
    data = structured_data.article(draft, "http://testserver", [])
    assert data["author"] == {"@type": "Person", "name": "Example Author"}
    assert "url" not in data["reviewedBy"]


def test_unreviewed_article_claims_no_review(client, article):
    data, _ = json_ld(client, article.get_absolute_url())
    assert "reviewedBy" not in data["MedicalWebPage"]
    assert "lastReviewed" not in data["MedicalWebPage"]


def test_treatment_is_a_medical_therapy(client, db):
    treatment = make_treatment("example-treatment", name="Example Therapy", summary="Does *x*.")
    data, _ = json_ld(client, treatment.get_absolute_url())
    assert data["MedicalTherapy"]["name"] == "Example Therapy"
    assert data["MedicalTherapy"]["description"] == "Does x."
    assert data["BreadcrumbList"]["itemListElement"][1]["name"] == "Treatments"


def test_social_and_canonical_tags(client, article):
    make_figure(article, 1, alt_text="Example alt")
    _, soup = json_ld(client, article.get_absolute_url())

    def meta(prop):
        tag = soup.find("meta", property=prop)
        return tag["content"] if tag else None

    canonical = soup.find("link", rel="canonical")["href"]
    assert canonical == "http://testserver" + article.get_absolute_url()
    assert meta("og:title") == article.title
    assert meta("og:description") == article.summary
    assert meta("og:type") == "article"
    assert meta("og:url") == canonical
    assert meta("og:image").startswith("http://testserver/media/figures/")
    assert soup.find("meta", attrs={"name": "twitter:card"})["content"] == "summary"


def test_table_of_contents_links_to_headings(client, series):
    article = make_article(series, body="## First part\n\nText.\n\n### Detail\n\n## Second part")
    _, soup = json_ld(client, article.get_absolute_url())
    links = [(a.get_text(), a["href"]) for a in soup.select(".toc a")]
    assert links == [("First part", "#first-part"), ("Second part", "#second-part")]
    for _, href in links:
        assert soup.find(id=href[1:]).name == "h2"


def test_reading_time_is_shown(client, series):
    article = make_article(series, body="word " * 450)
    _, soup = json_ld(client, article.get_absolute_url())
    assert "About 3 minutes" in soup.select_one(".trust").get_text()
