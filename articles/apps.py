from django.apps import AppConfig
from django.db.models.signals import post_migrate


def sync_site(sender, using="default", **kwargs):
    """Keep the sites framework's domain (used in feeds and sitemaps) equal to SITE_DOMAIN, so
    changing the setting and running `migrate` is all a deployment needs."""
    from django.conf import settings
    from django.contrib.sites.models import Site

    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": settings.SITE_DOMAIN, "name": "Curing Depression"},
    )
    Site.objects.clear_cache()


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "Curing Depression content"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from . import cache

        post_migrate.connect(sync_site, sender=self)
        # Any change to what pages show starts a new page-cache generation.
        for model in self.get_models():
            post_save.connect(cache.content_changed, sender=model, dispatch_uid=f"pages-{model}")
            post_delete.connect(
                cache.content_changed, sender=model, dispatch_uid=f"pages-d-{model}"
            )
        m2m_changed.connect(cache.content_changed, dispatch_uid="pages-m2m")
