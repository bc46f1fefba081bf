"""Old addresses keep working: when a public page's slug changes, its old path redirects to the
new one (django.contrib.redirects, answered by RedirectFallback on a 404)."""

from django.conf import settings
from django.contrib.redirects.middleware import RedirectFallbackMiddleware
from django.contrib.redirects.models import Redirect


def slug_saved(obj, old_slug, *, was_public, is_public):
    if not is_public:
        return  # readers see nothing of it: its addresses change nothing for them
    new_path = obj.get_absolute_url()
    redirects = Redirect.objects.filter(site_id=settings.SITE_ID)
    # The new address is live: nothing may redirect away from it (this also breaks loops, as
    # when a slug is changed back).
    redirects.filter(old_path=new_path).delete()
    if old_slug is None or old_slug == obj.slug:
        return
    old_path = obj.path_for_slug(old_slug)
    # No chains: whatever led to the old address now leads straight to the new one.
    redirects.filter(new_path=old_path).update(new_path=new_path)
    if was_public:
        Redirect.objects.update_or_create(
            site_id=settings.SITE_ID, old_path=old_path, defaults={"new_path": new_path}
        )


class RedirectFallback(RedirectFallbackMiddleware):
    """contrib.redirects' 404 fallback, minus paths with a NUL: no stored path has one, and
    PostgreSQL refuses any query that carries one (a 500 for `/%00`)."""

    def process_response(self, request, response):
        if "\x00" in request.path:
            return response
        return super().process_response(request, response)
