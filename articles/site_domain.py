"""Django's sites framework record, which feeds and sitemaps read for absolute links."""

from django.conf import settings
from django.contrib.sites.models import Site


def sync_site(sender=None, using="default", **kwargs):
    """Keep the sites framework's domain equal to SITE_DOMAIN, so changing the setting and
    running `migrate` is all a deployment needs (a post_migrate receiver)."""
    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": settings.SITE_DOMAIN, "name": settings.SITE_NAME},
    )
    Site.objects.clear_cache()
