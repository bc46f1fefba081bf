"""The site's Content-Security-Policy: strict for readers, relaxed for styles only in the admin."""

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.urls import reverse


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """settings.CONTENT_SECURITY_POLICY everywhere, except that the admin may use inline styles.

    Django's admin is script-clean, but reversion-compare's history pages carry `style`
    attributes and a `<style>` element; styles can't run code, scripts stay 'self' only.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(reverse("admin:index")):
            parts.update = {**(parts.update or {}), "style-src": [UNSAFE_INLINE]}
        return parts
