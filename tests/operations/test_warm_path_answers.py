"""What the warm path (operations.warm_path) may replay. A stored answer goes to every reader
who asks alike, so an answer carrying anything of one request's (a Set-Cookie, a Vary of its
own, a CSP nonce, a header the page didn't give itself) is never stored; and its ETag check,
once Django's private `_if_none_match_passes`, is a copy checked here against Django's public
behaviour."""

import pytest
from django.core.cache import caches
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.cache import get_conditional_response
from django.utils.http import parse_etags

from operations import page_cache
from operations.warm_answers import if_none_match_passes
from operations.warm_path import WarmPathApplication
from tests.support.wsgi_requests import answer

pytestmark = pytest.mark.django_db

URL = "/example/"
PAGE_HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": "13",
    "Cache-Control": "public, max-age=60, s-maxage=60",
    "ETag": '"example"',
}
POLICY = [("X-Frame-Options", "DENY"), ("Content-Security-Policy", "default-src 'self'")]


class StoringApplication:
    """Stands for Django with the page cache: it stores the page (as PageCacheMiddleware does
    behind the warm path) and finishes the response with the page's headers plus `extra`."""

    def __init__(self, extra):
        self.extra = extra
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        key = page_cache.page_key(page_cache.current_generation(), URL)
        entry = (b"Example page.", PAGE_HEADERS, {})
        environ[page_cache.ENTRY_ENVIRON_KEY] = (key, entry, True)
        start_response("200 OK", [*PAGE_HEADERS.items(), *POLICY, *self.extra])
        return [b"Example page."]


def stored_answers():
    key = page_cache.page_key(page_cache.current_generation(), URL)
    return caches["pages"].get(key)[2]


def test_an_answer_of_the_page_and_policy_headers_is_replayed():
    django = StoringApplication([])
    front = WarmPathApplication(django)
    first = answer(front, URL, secure=True)
    assert answer(front, URL, secure=True) == first
    assert django.calls == 1
    assert list(stored_answers()) == [(True, 200)]


@pytest.mark.parametrize(
    "extra",
    [
        ("Set-Cookie", "csrftoken=example; Path=/; SameSite=Lax"),
        ("Vary", "Cookie"),
        ("Content-Security-Policy", "script-src 'self' 'nonce-ZXhhbXBsZQ'"),
        ("Content-Security-Policy-Report-Only", "script-src 'nonce-ZXhhbXBsZQ'"),
        ("X-Example-Request-Id", "example-1"),
        ("Cache-Control", "private"),  # a page header with another value
    ],
    ids=["set-cookie", "vary", "csp-nonce", "report-only-nonce", "own-header", "changed-header"],
)
def test_an_answer_with_a_request_specific_header_is_never_replayed(extra):
    django = StoringApplication([extra])
    front = WarmPathApplication(django)
    for attempt in range(1, 3):
        status, headers, _ = answer(front, URL, secure=True)
        assert extra in headers
        assert django.calls == attempt  # Django answers each, the page stored all the same
        assert stored_answers() == {}


def test_a_page_that_used_the_csp_nonce_is_never_stored(rf):
    def view(request):
        request._csp_nonce = "ZXhhbXBsZQ"  # as django-csp keeps it once a template read it
        return HttpResponse(f'<script nonce="{request._csp_nonce}">example()</script>')

    request = rf.get(URL)
    page_cache.PageCacheMiddleware(view)(request)
    assert page_cache.ENTRY_ENVIRON_KEY not in request.META
    key = page_cache.page_key(page_cache.current_generation(), URL)
    assert caches["pages"].get(key) is None

    plain = rf.get(URL)
    page_cache.PageCacheMiddleware(lambda request: HttpResponse("Example."))(plain)
    assert caches["pages"].get(key) is not None


@pytest.mark.parametrize("page_etag", ['"abc"', 'W/"abc"', None])
@pytest.mark.parametrize(
    "sent",
    ['"abc"', 'W/"abc"', '"other"', '"other", "abc"', 'W/"other", W/"abc"', "*", '"abcW"'],
)
def test_the_etag_check_agrees_with_django(page_etag, sent):
    request = RequestFactory().get(URL, HTTP_IF_NONE_MATCH=sent)
    django = get_conditional_response(request, etag=page_etag, response=HttpResponse())
    assert if_none_match_passes(page_etag, parse_etags(sent)) == (django.status_code == 200)
