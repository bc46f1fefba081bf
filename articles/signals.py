"""What else a saved page changes, kept out of `save()` (simonw/simonwillisonblog's
blog/signals.py): its search index entry, redirects when its address changed, and the review
links of a draft that went live or went."""

from django.apps import apps
from django.db.models.signals import post_delete, post_save

from . import redirects, search
from .models import Publishable, ReviewLink, Status


def page_saved(sender, instance, raw=False, **kwargs):
    # Raw saves (loaddata, a revision restore) store rows as they were: a restore rebuilds the
    # search index itself, and a backup carries its redirects.
    if raw:
        return
    search.index(instance)
    if instance.live_page_id:
        return  # a draft's address is its live page's until it goes live
    if instance.status == Status.PUBLISHED:
        # A page reviewed before it was ever public: its review is over once it is signed off.
        ReviewLink.end_for(instance)
    # As stored: the instance may hold values as they were given (a publish time as text).
    is_public = type(instance).objects.published().filter(pk=instance.pk).exists()
    redirects.slug_saved(
        instance, instance.loaded.get("slug"), was_public=instance.was_public, is_public=is_public
    )


def draft_deleted(sender, instance, **kwargs):
    # Gone live (articles.drafts.go_live deletes it) or withdrawn: its review is over.
    if instance.live_page_id:
        ReviewLink.end_for(instance)


def connect():
    for model in apps.get_app_config("articles").get_models():
        if issubclass(model, Publishable):
            post_save.connect(page_saved, sender=model, dispatch_uid=f"page-saved-{model}")
            post_delete.connect(draft_deleted, sender=model, dispatch_uid=f"draft-gone-{model}")
