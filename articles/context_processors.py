from .models import UrgentHelp
from .views import site_url_for


def site(request):
    """What every page's frame needs: the urgent-help callout and the site's own address."""
    callout, helplines = UrgentHelp.for_pages()
    return {
        "urgent_help": callout,
        "helplines": helplines,
        "site_url": site_url_for(request),
    }
