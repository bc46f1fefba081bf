import xml.etree.ElementTree as ET

import pytest

from articles.models import Status
from tests.support.factories import make_article, make_treatment

pytestmark = pytest.mark.django_db
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def locations(client, url):
    root = ET.fromstring(client.get(url).content)
    return {
        loc.text: (lastmod.text if (lastmod := url.find(f"{NS}lastmod")) is not None else None)
        for url in root
        for loc in [url.find(f"{NS}loc")]
    }


def test_sitemap_index_and_sections(client, series, future):
    public = make_article(series, 1)
    make_article(series, 2, status=Status.DRAFT, slug="example-draft")
    make_article(series, 3, publish_at=future, slug="example-scheduled")
    make_treatment("example-treatment")

    sections = locations(client, "/sitemap.xml")
    assert set(sections) == {
        f"http://testserver/sitemap-{name}.xml"
        for name in ("pages", "series", "articles", "treatments", "people")
    }
    articles = locations(client, "/sitemap-articles.xml")
    assert list(articles) == [f"http://testserver{public.get_absolute_url()}"]
    assert articles[f"http://testserver{public.get_absolute_url()}"].startswith(
        public.updated.strftime("%Y-%m-%d")
    )
    assert "http://testserver/treatments/example-treatment/" in locations(
        client, "/sitemap-treatments.xml"
    )
    assert set(locations(client, "/sitemap-pages.xml")) == {
        "http://testserver/",
        "http://testserver/treatments/",
        "http://testserver/glossary/",
        "http://testserver/help/",
    }


def test_robots_points_at_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text
