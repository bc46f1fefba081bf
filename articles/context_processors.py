from django.conf import settings

from .models import UrgentHelp
from .readers import site_url_for


def site(request):
    """What every page's frame needs: the urgent-help callout, the site's own address and name."""
    callout, helplines = UrgentHelp.for_pages()
    return {
        "urgent_help": callout,
        "helplines": helplines,
        "site_url": site_url_for(request),
        "site_name": settings.SITE_NAME,
    }
