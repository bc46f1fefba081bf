import re
from html import escape
from urllib.parse import quote

from django.conf import settings
from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import SafeString

from .models import Article, EditorialPolicy, Person, Series, Treatment

# Django's sitemap template, with the <url> elements written by Sitemap._urls below.
SECTION_TEMPLATE = "sitemaps/section.xml"
SLUG_PLACEHOLDER = "slug-placeholder"
PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


class Sitemap(DjangoSitemap):
    """Addresses with the configured scheme (SITE_SCHEME), not the request's: the page cache
    gives one answer to everyone."""

    @property
    def protocol(self):
        return settings.SITE_SCHEME

    def _urls(self, page, protocol, domain):
        # Django's, without its per-language alternates (the site has one language), written
        # here as one text: the section's <url> elements, the one item SECTION_TEMPLATE writes.
        # Django's template spent 40 µs a URL looking up and formatting the same values (80 ms
        # of a 2,000-URL section); a dict and a list per URL brought on the garbage collector's
        # full pass every few requests (60-75 ms, a section's p95 at 10,000 articles). The same
        # elements, values and Last-Modified. Escaped by the standard library's escape, which
        # Django's calls after checking its argument for lazy text (2 µs a value), and each day
        # written by date.isoformat(), a third of strftime's time.
        fixed = {}  # values the same for every item
        for name in ("changefreq", "priority"):
            attribute = getattr(self, name, None)
            if not callable(attribute):
                fixed[name] = attribute
        origin = f"{protocol}://{domain}"
        zone = timezone.get_current_timezone()
        elements = []
        latest, every_item_has_lastmod = None, True
        for item in self.paginator.page(page).object_list:
            lastmod = self._get("lastmod", item)
            changefreq = (
                fixed["changefreq"] if "changefreq" in fixed else self._get("changefreq", item)
            )
            priority = fixed["priority"] if "priority" in fixed else self._get("priority", item)
            priority = str(priority) if priority is not None else ""
            if every_item_has_lastmod:
                every_item_has_lastmod = lastmod is not None
                if every_item_has_lastmod and (latest is None or lastmod > latest):
                    latest = lastmod
            element = f"<url><loc>{escape(origin + self._location(item))}</loc>"
            if lastmod:
                element += f"<lastmod>{lastmod.astimezone(zone).date().isoformat()}</lastmod>"
            if changefreq:
                element += f"<changefreq>{escape(changefreq)}</changefreq>"
            if priority:
                element += f"<priority>{escape(priority)}</priority>"
            elements.append(element + "</url>")
        if every_item_has_lastmod and latest:
            self.latest_lastmod = latest
        return [SafeString("\n".join(elements))] if elements else []  # escaped above


class PageSitemap(Sitemap):
    """Published pages of a model, a few thousand per sitemap file (the index lists them):
    (slug, updated) rows, not model instances, and each address from its slug without a URL
    lookup per page."""

    model = None
    changefreq = "monthly"
    limit = 2000

    def items(self):
        return self.model.objects.published().order_by("pk").values_list("slug", "updated")

    @cached_property
    def address_around_slug(self):
        before, _, after = self.model.path_for_slug(SLUG_PLACEHOLDER).partition(SLUG_PLACEHOLDER)
        return before, after

    def location(self, item):
        # path_for_slug's address with the slug put in place: what reverse() gives for a slug
        # its converter accepts, quoted as reverse() would quote any other.
        before, after = self.address_around_slug
        slug = item[0]
        return f"{before}{slug if PLAIN_SLUG.fullmatch(slug) else quote(slug, safe='')}{after}"

    def lastmod(self, item):
        return item[1]

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
