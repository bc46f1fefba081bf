"""What load balancers and readers get when something underneath is down.

/healthz: the process answers (no database, no cache). /readyz: whether the database and the
cache answer. Both are answered by HealthCheckMiddleware, first in MIDDLEWARE. The site's 500
handler turns a database that can't be reached into a friendly 503 that still shows where to get
urgent help.
"""

import logging
import sys
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache

from articles.models.urgent_help import CACHE_KEY, HelpContacts, UrgentHelp

logger = logging.getLogger(__name__)

RETRY_AFTER = 30  # seconds; what a 503 tells browsers and proxies


@never_cache
def healthz(request):
    return HttpResponse("ok\n", content_type="text/plain")


def database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.warning("Readiness: database unavailable", exc_info=True)
        return False


def cache_ok():
    # The cache backend hides Redis errors (operations.cache_backend), so check by a round
    # trip; a file cache on a full or read-only disk raises instead.
    key, token = "readyz", uuid.uuid4().hex
    try:
        cache.set(key, token, 10)
        return cache.get(key) == token
    except Exception:
        logger.warning("Readiness: cache unavailable", exc_info=True)
        return False


@never_cache
def readyz(request):
    """503 when the database can't be reached: this instance can't serve pages that aren't
    cached. A cache that can't be reached is reported but stays 200: every instance shares it,
    and pages still come from the database, only slower."""
    database, shared_cache = database_ok(), cache_ok()
    status = 503 if not database else 200
    return JsonResponse(
        {
            "status": "ok" if database and shared_cache else "degraded" if database else "down",
            "database": "ok" if database else "unavailable",
            "cache": "ok" if shared_cache else "unavailable",
        },
        status=status,
    )


class HealthCheckMiddleware:
    """Answers /healthz and /readyz before anything else runs: load balancers probe each
    instance by its own address over plain HTTP, which the host check (ALLOWED_HOSTS) and the
    HTTPS redirect would otherwise refuse, and a probe needs no session, cache or headers."""

    checks = {"/healthz": healthz, "/readyz": readyz}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        check = self.checks.get(request.path_info)
        return check(request) if check else self.get_response(request)


def service_unavailable(request):
    """The page readers see while the database is down; it needs neither database nor request
    context processors (they read the database), only what the cache may still hold."""
    contacts = cache.get(CACHE_KEY) or UrgentHelp.last_seen or HelpContacts(None, [], [])
    html = loader.get_template("503.html").render(
        {
            "request": request,
            **contacts.page_context(),
            "site_name": settings.SITE_NAME,
        }
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    """handler500: a database that can't be reached is a 503 (temporary, retry), not a 500."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        logger.error("Database unavailable: %s", error)
        try:
            return service_unavailable(request)
        except Exception:  # the friendly page must never turn into a traceback
            logger.exception("The 503 page failed")
            return HttpResponse("Service unavailable\n", status=503, content_type="text/plain")
    # As Django's own handler: no request context processors (they may be what failed).
    return HttpResponseServerError(
        loader.get_template("500.html").render({"site_name": settings.SITE_NAME})
    )
