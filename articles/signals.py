"""What else a saved page changes, kept out of `save()` (simonw/simonwillisonblog's
blog/signals.py): its search index entry (and its article's, for a listed treatment), redirects
when its address changed, the review links of a draft that went live or went, and the pages
marking a glossary term that changed."""

import time

from django.apps import apps
from django.db.models.signals import post_delete, post_save, pre_save

from . import redirects, search
from .models import Article, ArticleTreatment, Publishable, ReviewLink, Status, Term, Treatment


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


def page_deleted(sender, instance, **kwargs):
    search.remove(instance)
    # A draft gone live (articles.drafts.go_live deletes it) or withdrawn: its review is over.
    if instance.live_page_id:
        ReviewLink.end_for(instance)
    else:
        redirects.page_deleted(instance)


def treatment_list_changed(sender, instance, raw=False, **kwargs):
    # An article is found by the names of the treatments it lists: the admin's inline, a draft
    # going live (its list copied) and a restored version change the list after the article is
    # saved.
    if not raw:
        search.index_all(Article.objects.filter(pk=instance.article_id), words=False)


def term_saving(sender, instance, raw=False, **kwargs):
    if not raw:
        stored = Term.objects.filter(pk=instance.pk).first() if instance.pk else None
        instance._marking_before = stored.marking() if stored else None


def term_saved(sender, instance, raw=False, **kwargs):
    # Raw saves (the seed's loaddata, a restore) come with their pages' HTML as it was marked.
    if not raw:
        mark_again(getattr(instance, "_marking_before", None), instance.marking())


def term_deleted(sender, instance, **kwargs):
    mark_again(instance.marking(), None)


# How long a term's publish spends marking pages (about 1 ms each): a few thousand pages, within
# the request; the rest are marked when first read (Publishable.with_fresh_marks).
MARKING_SECONDS = 3.0


def mark_again(before, after):
    """A glossary term published, unpublished or changed while published: the pages that may
    mark it (whose text holds one of its names, old or new, or that mark it) are flagged
    `marks_stale` in one statement, then marked again from their stored HTML for up to
    MARKING_SECONDS, in the same transaction; readers get the glossary and the marks together
    on the next page-cache generation (the term's save starts one), each page still stale
    being marked by the first request that reads it. Bounded so that a term every page uses
    can't hold the publish past the server's timeout (10,000 pages take some 10 s of marking:
    `make bench ARGS=--scale`). A term's draft changes no page."""
    if before == after:
        return
    markings = [marking for marking in (before, after) if marking]
    names = {name for marking in markings for name in marking[0].names}
    slugs = {marking[0].slug for marking in markings}
    for model in (Article, Treatment):
        model.objects.mentioning(names, marked=slugs).update(marks_stale=True)
    left = MARKING_SECONDS
    for model in (Article, Treatment):
        started = time.monotonic()
        model.objects.filter(marks_stale=True).render_again(seconds=max(left, 0))
        left -= time.monotonic() - started


def connect():
    for model in apps.get_app_config("articles").get_models():
        if issubclass(model, Publishable):
            post_save.connect(page_saved, sender=model, dispatch_uid=f"page-saved-{model}")
            post_delete.connect(page_deleted, sender=model, dispatch_uid=f"page-deleted-{model}")
    pre_save.connect(term_saving, sender=Term, dispatch_uid="term-saving")
    post_save.connect(term_saved, sender=Term, dispatch_uid="term-saved")
    post_delete.connect(term_deleted, sender=Term, dispatch_uid="term-deleted")
    for signal in (post_save, post_delete):
        signal.connect(
            treatment_list_changed,
            sender=ArticleTreatment,
            dispatch_uid=f"treatment-list-changed-{signal is post_save}",
        )
