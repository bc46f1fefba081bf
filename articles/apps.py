from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = f"{settings.SITE_NAME} content"

    def ready(self):
        from . import signals, typed_fields
        from .site_domain import sync_site

        typed_fields.install(self.get_models())

        post_migrate.connect(sync_site, sender=self)
        signals.connect()
