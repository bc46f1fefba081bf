from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article, Series, Treatment


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Article.objects.published().only("slug", "updated").order_by("pk")

    def lastmod(self, item):
        return item.updated


class TreatmentSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return Treatment.objects.published().only("slug", "updated").order_by("pk")

    def lastmod(self, item):
        return item.updated


class SeriesSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Series.objects.filter(articles__in=Article.objects.published()).distinct()

    def lastmod(self, item):
        return item.updated


class PagesSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return ["articles:home", "articles:treatment_list"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "pages": PagesSitemap,
    "series": SeriesSitemap,
    "articles": ArticleSitemap,
    "treatments": TreatmentSitemap,
}
