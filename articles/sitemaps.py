from django.conf import settings
from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.db.models import Max
from django.urls import reverse

from .models import Article, EditorialPolicy, Person, Series, Treatment


class Sitemap(DjangoSitemap):
    """Addresses with the configured scheme (SITE_SCHEME), not the request's: the page cache
    gives one answer to everyone."""

    @property
    def protocol(self):
        return settings.SITE_SCHEME


class PageSitemap(Sitemap):
    """Published pages of a model, a few thousand per sitemap file (the index lists them)."""

    model = None
    changefreq = "monthly"
    limit = 2000

    def items(self):
        return self.model.objects.published().only("slug", "updated").order_by("pk")

    def lastmod(self, item):
        return item.updated

    def get_latest_lastmod(self):
        # For the index: one aggregate, instead of Django's walk over every item.
        return self.model.objects.published().aggregate(latest=Max("updated"))["latest"]


class ArticleSitemap(PageSitemap):
    model = Article
    priority = 0.8


class TreatmentSitemap(PageSitemap):
    model = Treatment
    priority = 0.6


class SeriesSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Series.objects.published().order_by("pk")

    def lastmod(self, item):
        return item.updated


class PeopleSitemap(Sitemap):
    """People a published page credits: only they have a public page."""

    changefreq = "monthly"
    limit = 2000

    def items(self):
        return Person.objects.published().only("slug").order_by("pk")


class PagesSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        pages = ["articles:home", "articles:treatment_list", "articles:glossary", "articles:help"]
        if EditorialPolicy.is_public():
            pages.append("articles:editorial_policy")
        return pages

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "pages": PagesSitemap,
    "series": SeriesSitemap,
    "articles": ArticleSitemap,
    "treatments": TreatmentSitemap,
    "people": PeopleSitemap,
}
