"""What feeds, structured data and page heads must carry by their standards: an author for the
Atom feed, a publisher and distinct breadcrumbs in JSON-LD, titles and descriptions that don't
repeat or run long, no canonical address for a page that doesn't exist."""

import json
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from django.conf import settings

from articles.models import Treatment
from articles.templatetags.page_meta import DESCRIPTION_LENGTH, meta_description
from tests.support.factories import make_article, make_series, make_treatment

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def soup_of(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status
    return BeautifulSoup(response.content, "html.parser")


def json_ld(soup):
    blocks = [json.loads(s.string) for s in soup.find_all("script", type="application/ld+json")]
    return {block["@type"]: block for block in blocks}


@pytest.fixture
def site_series(db):
    # The first series is named as the site is.
    return make_series(title=settings.SITE_NAME, slug="example-site-series")


def test_the_atom_feed_has_an_author(client, article):
    feed = ElementTree.fromstring(client.get("/feed/atom/").content)
    assert feed.find(f"{ATOM}author/{ATOM}name").text == settings.SITE_NAME
    # Entries without an author of their own rely on it.
    assert article.author is None


def test_json_ld_names_the_publisher(client, article):
    treatment = make_treatment("example-published-treatment")
    page = json_ld(soup_of(client, article.get_absolute_url()))["MedicalWebPage"]
    expected = {"@type": "Organization", "name": settings.SITE_NAME, "url": "http://testserver/"}
    assert page["publisher"] == expected
    therapy = json_ld(soup_of(client, treatment.get_absolute_url()))["MedicalTherapy"]
    assert therapy["mainEntityOfPage"]["publisher"] == expected


def test_breadcrumbs_never_repeat_a_name(client, site_series):
    article = make_article(site_series, title="Example article")
    crumbs = json_ld(soup_of(client, article.get_absolute_url()))["BreadcrumbList"]
    names = [crumb["name"] for crumb in crumbs["itemListElement"]]
    assert names == ["Home", settings.SITE_NAME, "#1 Example article"]
    treatment = make_treatment("example-crumbs")
    crumbs = json_ld(soup_of(client, treatment.get_absolute_url()))["BreadcrumbList"]
    assert [crumb["name"] for crumb in crumbs["itemListElement"]][:2] == ["Home", "Treatments"]


def test_a_series_named_as_the_site_says_it_once_in_its_title(client, site_series):
    make_article(site_series)
    assert soup_of(client, site_series.get_absolute_url()).title.string == settings.SITE_NAME
    other = make_series(title="Example Other Series", slug="example-other")
    make_article(other, slug="example-other-article")
    title = soup_of(client, other.get_absolute_url()).title.string
    assert title == f"Example Other Series · {settings.SITE_NAME}"


@pytest.mark.parametrize("url", ["/", "/treatments/"])
def test_a_group_of_one_entry_named_as_it_is_not_repeated(client, series, url):
    make_article(series)  # the home page lists series with a published article
    make_treatment("medication", name="Medication", category=Treatment.Category.MEDICATION)
    make_treatment("example-ect", name="Example ECT", category=Treatment.Category.BRAIN_STIMULATION)
    make_treatment("example-tms", name="Example TMS", category=Treatment.Category.BRAIN_STIMULATION)
    soup = soup_of(client, url)
    groups = {
        group.find(["h2", "h3"]).get_text(): group for group in soup("section", "treatment-group")
    }
    assert groups["Medication"].find(["h2", "h3"]).a["href"] == "/treatments/medication/"
    assert not groups["Medication"].find("ul")
    brain = groups[Treatment.Category.BRAIN_STIMULATION.label]
    assert [li.get_text() for li in brain("li")] == ["Example ECT", "Example TMS"]


def test_long_descriptions_are_cut_at_a_word(client, series):
    summary = "Example sentence about a treatment & its effects, told at length. " * 4
    article = make_article(series, summary=summary)
    soup = soup_of(client, article.get_absolute_url())
    for tag in (soup.find("meta", attrs={"name": "description"}),
                soup.find("meta", property="og:description")):  # fmt: skip
        text = tag["content"]
        assert len(text) <= DESCRIPTION_LENGTH
        assert text.endswith("…") and summary.startswith(text[:-1])
        assert "& its" in text  # unescaped once by the parser: stored escaped once


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("Short &amp; sweet", "Short &amp; sweet"),
        ("  Lines\n  and   spaces ", "Lines and spaces"),
        ("word " * 40, ("word " * 31).strip() + "…"),
        ("x" * 200, "x" * 159 + "…"),  # no word to cut at
        ("<b>Bold</b> text", "Bold text"),
    ],
)
def test_meta_description(html, expected):
    assert meta_description(html) == expected


def test_the_not_found_page_has_no_canonical_address(client, db):
    soup = soup_of(client, "/articles/no-such-article/", status=404)
    assert not soup.find("link", rel="canonical")
    assert not soup.find("meta", property="og:url")
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
