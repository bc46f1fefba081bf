import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest

from articles.models import Article, Status
from articles.sitemaps import ArticleSitemap
from operations.page_cache import new_generation
from tests.support.factories import make_article, make_articles, make_series, make_treatment

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


def test_a_section_costs_the_same_queries_however_many_pages(
    client, series, django_assert_max_num_queries
):
    def count(url):
        client.get(url)
        new_generation()  # a page-cache miss: what the view itself costs
        with django_assert_max_num_queries(2) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    make_article(series, 1)
    small = count("/sitemap-articles.xml")
    make_articles(make_series(title="Example more", slug="example-more"), 60)
    assert count("/sitemap-articles.xml") == small


def test_sections_split_by_page_with_each_day_in_the_site_time_zone(
    client, series, settings, monkeypatch
):
    settings.TIME_ZONE = "Pacific/Auckland"  # 13 hours ahead of UTC in January
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    pages = [make_article(series, number, slug=f"example-{number}") for number in (1, 2, 3)]
    late = datetime(2026, 1, 1, 23, 30, tzinfo=UTC)
    Article.objects.filter(pk=pages[2].pk).update(updated=late)

    first = locations(client, "/sitemap-articles.xml")
    second = client.get("/sitemap-articles.xml?p=2")

    assert list(first) == [f"http://testserver{page.get_absolute_url()}" for page in pages[:2]]
    assert locations(client, "/sitemap-articles.xml?p=2") == {
        f"http://testserver{pages[2].get_absolute_url()}": "2026-01-02"
    }
    assert second["Last-Modified"] == "Thu, 01 Jan 2026 23:30:00 GMT"
    assert set(locations(client, "/sitemap.xml")) >= {
        "http://testserver/sitemap-articles.xml",
        "http://testserver/sitemap-articles.xml?p=2",
    }
