from django.conf import settings

from .models import EditorialPolicy, UrgentHelp
from .readers import site_origin


def site(request):
    """What every page's frame needs: the urgent-help card, the site's own address and name,
    and whether the editorial policy is shown (then the footer links to it). Both are cached: a
    page costs no query for them."""
    return {
        **UrgentHelp.for_pages().page_context(),
        "site_url": site_origin(),
        "site_name": settings.SITE_NAME,
        "editorial_policy_public": EditorialPolicy.is_public(),
    }
