"""The site's Content-Security-Policy: strict for readers, relaxed for styles only in the admin."""

from functools import cached_property

from csp.constants import HEADER, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.urls import reverse

# django-csp's per-response overrides (its decorators); a response without them gets the policy
# of its kind as it stands in settings.
OVERRIDES = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")


def in_settings_order(policy):
    """The policy's directives in the order settings list them.

    django-csp joins them in the order of a set, which changes with each process's hash seed:
    two instances sharing a page cache would send the same policy in different words, and the
    warm path (operations.warm_path) serves the bytes another process stored.
    """
    order = list(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"])
    rank = {name: n for n, name in enumerate(order)}
    parts = [part for part in policy.split("; ") if part]
    return "; ".join(
        sorted(parts, key=lambda part: (rank.get(part.split(" ", 1)[0], len(order)), part))
    )


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """settings.CONTENT_SECURITY_POLICY everywhere, except that the admin may use inline styles.

    Django's admin is script-clean, but reversion-compare's history pages carry `style`
    attributes and a `<style>` element; styles can't run code, scripts stay 'self' only.

    The policy is the same for every response of a kind (readers' or the admin's), so it is
    built once per kind rather than per response as django-csp does: on a page-cache hit that
    rebuilding cost more than the rest of the request. Responses with their own policy
    (django-csp's decorators, nonces, report-only) still go through django-csp.
    """

    @cached_property
    def admin_prefix(self):
        return reverse("admin:index")

    @cached_property
    def policies(self):
        return {
            False: in_settings_order(build_policy()),
            True: in_settings_order(build_policy(update={"style-src": [UNSAFE_INLINE]})),
        }

    def is_admin(self, request):
        return request.path_info.startswith(self.admin_prefix)

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if self.is_admin(request):
            parts.update = {**(parts.update or {}), "style-src": [UNSAFE_INLINE]}
        return parts

    def process_response(self, request, response):
        plain = (
            not any(hasattr(response, name) for name in OVERRIDES)
            and not getattr(request, "_csp_nonce", None)
            and not getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            and not settings.DEBUG  # django-csp leaves Django's debug pages alone
        )
        if not plain:
            return super().process_response(request, response)
        if HEADER not in response:
            response[HEADER] = self.policies[self.is_admin(request)]
        return response
