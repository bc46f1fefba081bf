"""Which stored answer a request gets from operations.warm_path, and which answers may be
stored at all.

An answer is the status line and headers of a response Django finished for a page in the page
cache, kept in the page's entry and replayed to every reader who asks alike. Only what is the
same for everyone may be replayed: the page's own headers (stored with it) and the site's
policy headers the outer middleware add to every response. A Set-Cookie, a Vary the page
didn't give itself ("Vary: Cookie" from a session), a CSP nonce or any other header is
request-specific: such an answer goes to that request alone, and the next is Django's again.
"""

from django.utils.http import parse_etags

# Added by the middleware outside the page cache (settings.MIDDLEWARE), the same for every
# response of a kind (HTTPS or not, 200 or 304): SecurityMiddleware, the CSP (a nonce aside),
# Permissions-Policy and X-Frame-Options.
POLICY_HEADERS = frozenset(
    {
        "content-security-policy",
        "content-security-policy-report-only",
        "cross-origin-opener-policy",
        "permissions-policy",
        "referrer-policy",
        "strict-transport-security",
        "x-content-type-options",
        "x-frame-options",
    }
)
CSP_HEADERS = ("content-security-policy", "content-security-policy-report-only")


def replayable(finished_headers, page_headers):
    """Whether a finished response's headers are the same for every reader of the page: each is
    the page's own, as stored, or a policy header without a nonce."""
    own = {(name.lower(), value) for name, value in page_headers.items()}
    for name, value in finished_headers:
        lowered = name.lower()
        if (lowered, value) in own:
            continue
        if lowered not in POLICY_HEADERS:
            return False  # Set-Cookie, a Vary of the request's, a header of its own
        if lowered in CSP_HEADERS and "'nonce-" in value:
            return False
    return True


def if_none_match_passes(target_etag, etags):
    """Django's private django.utils.cache._if_none_match_passes (5.2), copied so that a
    change of Django's internals can't break the warm path silently (tests/operations/
    test_warm_path_answers.py checks it against get_conditional_response): RFC 9110 13.1.2's
    weak comparison; True when the page has changed (200), False for 304 Not Modified."""
    if not target_etag:
        return True  # no ETag, no match
    if etags == ["*"]:
        return False  # any current representation matches "*"
    target_etag = target_etag.strip("W/")
    return target_etag not in (etag.strip("W/") for etag in etags)


def answer_kind(environ, secure):
    """What ConditionalGetMiddleware would do with this request for a page with an ETag:
    (secure, 200), (secure, 304, the ETags sent) when it depends on the page's ETag, or None
    when Django must decide (preconditions other than If-None-Match)."""
    if "HTTP_IF_MATCH" in environ or "HTTP_IF_UNMODIFIED_SINCE" in environ:
        return None
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    etags = parse_etags(if_none_match) if if_none_match else []
    if not etags:
        # If-Modified-Since counts only without a usable If-None-Match.
        return None if "HTTP_IF_MODIFIED_SINCE" in environ else (secure, 200)
    # ConditionalGetMiddleware leaves HEAD alone: 200 whatever the request's preconditions.
    return (secure, 200) if environ["REQUEST_METHOD"] == "HEAD" else (secure, 304, etags)


def answer_for(kind, headers):
    """(secure, status) of the answer a stored page gets: 304 Not Modified when the request
    sent the page's ETag (a weak comparison, as Django makes it), else 200."""
    if kind[1] == 200:
        return kind
    etag = next((value for name, value in headers.items() if name.lower() == "etag"), None)
    return (kind[0], 200) if if_none_match_passes(etag, kind[2]) else (kind[0], 304)
