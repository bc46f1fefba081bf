from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from .models import Article

FEED_SIZE = 50


class ArticlesFeed(Feed):
    title = settings.SITE_NAME
    link = reverse_lazy("articles:home")
    # Atom (RFC 4287) needs an author for the feed or for every entry; not every article
    # has one, the series always does.
    author_name = settings.SITE_NAME
    description = (
        f"New articles of {settings.SITE_NAME}, a series explaining treatment-resistant "
        "depression (TRD) and its treatments."
    )

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
    subtitle = ArticlesFeed.description
