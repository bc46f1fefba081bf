"""The site's sitemap sections say what Django's own sitemap framework says for the same pages.

articles/sitemaps.py writes each <url> element itself and reads (slug, updated) rows instead of
model instances, for speed at 10,000 pages. Here each section is compared with a plain
django.contrib.sitemaps.Sitemap over the same published pages (model instances, their
get_absolute_url(), Django's own _urls() and template): the same elements and values in the same
order, and the same Last-Modified, for every section and page of it."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.test import RequestFactory
from django.urls import reverse

from articles.models import Article, Person, Series, Status, Treatment
from articles.sitemaps import SITEMAPS
from tests.support.factories import make_article, make_series, make_treatment

pytestmark = pytest.mark.django_db


class Plain(Sitemap):
    """Django's Sitemap, told only what the site's section is configured with."""

    section = None

    def __init__(self):
        ours = SITEMAPS[self.section]
        self.limit = ours.limit
        self.changefreq = ours.changefreq
        self.priority = getattr(ours, "priority", None)
        self.protocol = settings.SITE_SCHEME


class PlainPages(Plain):
    section = "pages"

    def items(self):
        return list(SITEMAPS["pages"]().items())

    def location(self, item):
        return reverse(item)


class PlainSeries(Plain):
    section = "series"

    def items(self):
        return Series.objects.published().order_by("pk")

    def lastmod(self, item):
        return item.updated


class PlainArticles(Plain):
    section = "articles"

    def items(self):
        return Article.objects.published().order_by("pk")

    def lastmod(self, item):
        return item.updated


class PlainTreatments(PlainArticles):
    section = "treatments"

    def items(self):
        return Treatment.objects.published().order_by("pk")


class PlainPeople(Plain):
    section = "people"

    def items(self):
        return Person.objects.published().order_by("pk")


PLAIN = {
    plain.section: plain
    for plain in (PlainPages, PlainSeries, PlainArticles, PlainTreatments, PlainPeople)
}


def canonical(content):
    """The XML's elements and values, whatever the whitespace between elements."""
    return ET.canonicalize(content.decode(), strip_text=True)


@pytest.fixture
def site():
    """Pages published over several days, some not public, more than one sitemap page of
    articles (its limit made small), a person credited and one not."""
    series = make_series()
    author = Person.objects.create(name="Example Author")
    Person.objects.create(name="Example Uncredited")
    days = [datetime(2026, 3, day, 23, 30, tzinfo=UTC) for day in (2, 5, 4, 9, 1)]
    for number, day in enumerate(days, start=1):
        with time_machine.travel(day, tick=False):
            make_article(series, number=number, author=author)
    make_article(series, number=6, slug="example-draft", status=Status.DRAFT)
    with time_machine.travel(datetime(2026, 2, 1, tzinfo=UTC), tick=False):
        make_treatment("example-first")
        make_treatment("example_second")
    make_treatment("example-draft-treatment", status=Status.DRAFT)


@pytest.mark.parametrize("section", list(SITEMAPS))
def test_each_section_says_what_djangos_sitemap_says(client, site, section, monkeypatch, settings):
    # Days as the site's time zone has them: 23:30 UTC is the next day in Auckland.
    settings.TIME_ZONE = "Pacific/Auckland"
    # Two articles a sitemap page, so that the sections have several pages.
    monkeypatch.setattr(SITEMAPS["articles"], "limit", 2)
    pages = 3 if section == "articles" else 1
    for page in range(1, pages + 1):
        ours = client.get(f"/sitemap-{section}.xml", {"p": page})
        request = RequestFactory().get(f"/sitemap-{section}.xml", {"p": page})
        plain = sitemap(request, {section: PLAIN[section]}, section=section)
        plain.render()

        assert ours.status_code == plain.status_code == 200
        assert canonical(ours.content) == canonical(plain.content)
        assert ours.get("Last-Modified") == plain.get("Last-Modified")
        assert ET.fromstring(ours.content), "an empty section"
