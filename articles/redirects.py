"""Old addresses keep working: when a public page's slug changes, its old path redirects to the
new one (django.contrib.redirects, answered by RedirectFallback on a 404).

The rule: a redirect leads only from an address readers once saw to the page's current live
address. Rows follow their page wherever it moves, public or not (so its old addresses come back
when it is published again), but one is answered only while its target is a page the public can
open: a redirect never leads to a 404 (the page unpublished, scheduled or gone) and never shows
where a page readers can't see has moved to. A page that takes an old address removes its
redirect once it is public there (until then readers still follow the redirect)."""

from django.conf import settings
from django.contrib.redirects.middleware import RedirectFallbackMiddleware
from django.contrib.redirects.models import Redirect
from django.http import HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve

from .models import Article, Treatment

# The models whose pages redirect, by the URL name of their public page.
PAGE_MODELS = {"article_detail": Article, "treatment_detail": Treatment}


def site_redirects():
    return Redirect.objects.filter(site_id=settings.SITE_ID)


def slug_saved(obj, old_slug, *, was_public, is_public):
    """Keep the redirects to `obj` (a page, not a draft of one) in step with its save."""
    new_path = obj.get_absolute_url()
    old_path = obj.path_for_slug(old_slug) if old_slug not in (None, obj.slug) else None
    if old_path:
        # Redirects follow the page, and chains are flattened: whatever led to the old address
        # now leads straight to the new one (answered only while the page is public).
        site_redirects().filter(new_path=old_path).update(new_path=new_path)
        # Back where it once was: that address no longer leads anywhere but here.
        site_redirects().filter(old_path=new_path, new_path=new_path).delete()
    if not is_public:
        # Not public: its new address stays hidden and takes nothing from the page that was
        # there before (that page's redirect still leads readers on).
        return
    # The new address is live: nothing may redirect away from it (this also breaks loops, as
    # when a slug is changed back).
    site_redirects().filter(old_path=new_path).delete()
    if old_path and was_public:
        Redirect.objects.update_or_create(
            site_id=settings.SITE_ID, old_path=old_path, defaults={"new_path": new_path}
        )


def page_deleted(obj):
    """A deleted page leaves no redirect to where it was."""
    site_redirects().filter(new_path=obj.get_absolute_url()).delete()


def leads_to_a_live_page(path):
    """Whether `path`, a redirect's target, is an address the public can open now: a page's
    only while it is published (`published()`); other paths (redirects made by hand in the
    admin) as they are."""
    try:
        match = resolve(path)
    except Resolver404:
        return True  # off the site's own pages: the redirect's maker answers for it
    model = PAGE_MODELS.get(match.url_name) if match.namespace == "articles" else None
    if model is None:
        return True
    return model.objects.published().filter(slug=match.kwargs.get("slug")).exists()


class RedirectFallback(RedirectFallbackMiddleware):
    """contrib.redirects' 404 fallback, answering only redirects to a live page
    (`leads_to_a_live_page`), and never paths with a NUL: no stored path has one, and
    PostgreSQL refuses any query that carries one (a 500 for `/%00`)."""

    def process_response(self, request, response):
        if "\x00" in request.path:
            return response
        answer = super().process_response(request, response)
        if isinstance(answer, HttpResponsePermanentRedirect) and not leads_to_a_live_page(
            answer["Location"]
        ):
            return response
        return answer
