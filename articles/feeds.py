from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .models import Article
from .readers import site_origin

FEED_SIZE = 50


class ArticlesFeed(Feed):
    title = settings.SITE_NAME
    url_name = "articles:feed_rss"
    # Atom (RFC 4287) needs an author for the feed or for every entry; not every article
    # has one, the series always does.
    author_name = settings.SITE_NAME
    description = (
        f"New articles of {settings.SITE_NAME}, a series explaining treatment-resistant "
        "depression (TRD) and its treatments."
    )

    # Links are absolute, from settings: syndication would otherwise take the scheme from the
    # request, and the page cache gives one answer to everyone.
    def link(self):
        return site_origin() + reverse("articles:home")

    def feed_url(self):
        return site_origin() + reverse(self.url_name)

    def item_link(self, item):
        return site_origin() + item.get_absolute_url()

    def items(self):
        return (
            Article.objects.published()
            .for_lists()
            .select_related("series", "author")
            .order_by("-publish_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item):
        return f"{item.series.title} #{item.number}: {item.title}"

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated

    def item_author_name(self, item):
        return item.author.name if item.author else None


class AtomArticlesFeed(ArticlesFeed):
    feed_type = Atom1Feed
    url_name = "articles:feed_atom"
    subtitle = ArticlesFeed.description
