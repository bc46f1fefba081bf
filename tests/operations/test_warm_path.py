"""The warm path (operations.warm_path) answers exactly as Django does: for every readers' page,
cold and warm, GET, HEAD and conditional GET, the same status line, the same headers in the
same order, the same bytes; and whatever it must not answer (a refused host, the HTTPS
redirect, signed-in users, drafts, unusual preconditions) goes to Django untouched.

Requests are made at the WSGI level, as gunicorn makes them (tests/support/wsgi_requests.py):
`full` is Django's own handler, `front` the warm path in front of a second Django handler that
counts the requests reaching it.
"""

from datetime import date

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from articles.models import EditorialPolicy, Person, Status
from operations.warm_path import WarmPathApplication
from tests.support.factories import client_for, make_article, make_staff
from tests.support.wsgi_requests import (
    HOST,
    CountingApplication,
    answer,
    clear_page_caches,
    connections_kept,
)

pytestmark = pytest.mark.django_db

READERS_PAGES = [
    "/",
    "/?page=1",
    "/series/curing-depression/",
    "/articles/what-is-treatment-resistant-depression/",
    "/articles/what-is-treatment-resistant-depression/?utm_source=example",
    "/treatments/",
    "/treatments/ketamine/",
    "/search/?q=depression",
    "/search/?q=",
    "/help/",
    "/help/?country=GB",
    "/glossary/",
    "/people/example-author/",
    "/editorial-policy/",
    "/privacy/",
    "/feedback/thanks/",
    "/feed/",
    "/feed/atom/",
    "/sitemap.xml",
    "/sitemap-pages.xml",
    "/sitemap-series.xml",
    "/sitemap-articles.xml",
    "/sitemap-treatments.xml",
    "/sitemap-people.xml",
    "/robots.txt",
]
# Routes that are not readers' pages answered to everyone alike: the admin and its editor
# endpoints, the feedback form's POST, review links (private to one reviewer).
NOT_READERS_PAGES = {"articles:feedback", "articles:review"}


@pytest.fixture(autouse=True)
def kept_connections():
    with connections_kept():
        yield


@pytest.fixture
def site(seeded):
    """The seed, plus what it lacks for every readers' page: people credited on the article
    (their pages) and a published editorial policy."""
    seeded.author = Person.objects.create(name="Example Author", role="Example series editor")
    seeded.reviewer = Person.objects.create(
        name="Dr Example Reviewer", credentials="example psychiatrist"
    )
    seeded.last_reviewed = date(2026, 1, 2)
    seeded.save()
    EditorialPolicy.objects.create(text="Example policy text.", published=True)
    return seeded


@pytest.fixture
def full():
    return WSGIHandler()


@pytest.fixture
def django_behind():
    return CountingApplication()


@pytest.fixture
def front(django_behind):
    return WarmPathApplication(django_behind)


def test_every_readers_route_is_covered():
    covered = {resolve(url.split("?")[0]).view_name for url in READERS_PAGES}

    def names(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.pattern.describe().startswith("'admin/"):
                    continue
                namespace = f"{pattern.namespace}:" if pattern.namespace else ""
                yield from names(pattern.url_patterns, prefix + namespace)
            elif (
                isinstance(pattern, URLPattern)
                and pattern.name
                and not str(pattern.pattern).startswith("admin/")
            ):
                yield prefix + pattern.name

    assert set(names(get_resolver().url_patterns)) - NOT_READERS_PAGES == covered


@pytest.mark.parametrize("secure", [True, False], ids=["https", "http"])
@pytest.mark.parametrize("url", READERS_PAGES)
def test_a_readers_page_is_answered_as_django_answers_it(
    site, full, front, django_behind, url, secure
):
    clear_page_caches()
    built = answer(full, url, secure=secure)  # the full path, cold
    assert built[0] == "200 OK", url
    clear_page_caches()

    assert answer(front, url, secure=secure) == built  # cold: Django builds it
    assert django_behind.calls == 1
    assert answer(front, url, secure=secure) == built  # warm: from the warm path
    assert answer(full, url, secure=secure) == built  # Django's own page-cache hit
    head = answer(full, url, method="HEAD", secure=secure)
    assert answer(front, url, method="HEAD", secure=secure) == head
    assert head[:2] == built[:2]
    assert django_behind.calls == 1

    etag = dict(built[1])["ETag"]
    for sent in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        not_modified = answer(full, url, secure=secure, HTTP_IF_NONE_MATCH=sent)
        assert not_modified[0] == "304 Not Modified"
        for _ in range(2):  # the first one is stored, the second comes from the warm path
            assert answer(front, url, secure=secure, HTTP_IF_NONE_MATCH=sent) == not_modified
        head = answer(full, url, method="HEAD", secure=secure, HTTP_IF_NONE_MATCH=sent)
        assert head[0] == "200 OK"  # Django leaves HEAD alone
        assert answer(front, url, method="HEAD", secure=secure, HTTP_IF_NONE_MATCH=sent) == head
    assert django_behind.calls == 2  # 304's answer stored once, then served by the warm path
    changed = answer(front, url, secure=secure, HTTP_IF_NONE_MATCH='"other"')
    assert changed == answer(full, url, secure=secure, HTTP_IF_NONE_MATCH='"other"') == built
    assert django_behind.calls == 2


@pytest.mark.parametrize(
    "url", ["/no-such-page/", "/articles/no-such-article/", "/treatments", "/healthz", "/readyz"]
)
def test_what_is_never_stored_is_answered_by_django(site, full, front, django_behind, url):
    for attempt in range(2):
        reference = answer(full, url)
        assert reference[0] != "200 OK" or url in ("/healthz", "/readyz")
        assert answer(front, url) == reference
        assert django_behind.calls == attempt + 1


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_refused_host_gets_djangos_400_from_a_warm_cache_too(
    site, full, front, django_behind, method
):
    url = site.get_absolute_url()
    answer(front, url)
    answer(front, url)
    calls = django_behind.calls
    for host in ("evil.example", "testserver.evil.example", "", None, "testserver:bad"):
        refused = answer(front, url, method=method, host=host)
        assert refused == answer(full, url, method=method, host=host), host
        assert django_behind.calls == calls + 1
        calls += 1
        if host is not None:  # without Host, Django takes the server's name: allowed here
            assert refused[0] == "400 Bad Request", host
    # The health checks answer whatever the host: load balancers probe by address.
    assert answer(front, "/healthz", host="10.0.0.7:8000")[0] == "200 OK"


def test_http_is_redirected_to_https_when_the_site_says_so(site, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Django's middleware reads its settings when the handler starts.
    full, django_behind = WSGIHandler(), CountingApplication()
    front = WarmPathApplication(django_behind)
    url = site.get_absolute_url()
    warm = answer(front, url, secure=True)
    assert answer(front, url, secure=True) == warm
    calls = django_behind.calls

    redirect = answer(front, url)
    assert redirect == answer(full, url)
    assert redirect[0] == "301 Moved Permanently"
    assert dict(redirect[1])["Location"] == f"https://{HOST}{url}"
    assert django_behind.calls == calls + 1
    # Behind a proxy that says the request came over HTTPS: the page, HSTS included.
    proxied = answer(front, url, HTTP_X_FORWARDED_PROTO="https")
    assert proxied == warm == answer(full, url, HTTP_X_FORWARDED_PROTO="https")
    assert "Strict-Transport-Security" in dict(proxied[1])
    assert answer(front, url, HTTP_X_FORWARDED_PROTO="http")[0] == "301 Moved Permanently"


def test_signed_in_users_never_get_a_stored_page(site, full, front, django_behind, editor):
    url = site.get_absolute_url()
    answer(front, url)
    answer(front, url)
    calls = django_behind.calls
    session = client_for(editor).cookies["sessionid"].value
    for cookie in (f"sessionid={session}", f"theme=dark; sessionid={session}"):
        mine = answer(front, url, HTTP_COOKIE=cookie)
        assert mine == answer(full, url, HTTP_COOKIE=cookie)
        assert "public" not in dict(mine[1]).get("Cache-Control", "")
        assert django_behind.calls == calls + 1
        calls += 1
    # Other cookies (a reader's preferences, say) don't stop the warm path.
    assert answer(front, url, HTTP_COOKIE="theme=dark") == answer(front, url)
    assert django_behind.calls == calls


def test_drafts_and_their_previews_are_never_stored(site, full, front, django_behind, series):
    draft = make_article(series, 2, title="Example hidden draft", status=Status.DRAFT)
    url = draft.get_absolute_url()
    staff = make_staff("example-staff", "Editors")
    cookie = f"sessionid={client_for(staff).cookies['sessionid'].value}"
    for _ in range(2):
        preview = answer(front, url, HTTP_COOKIE=cookie)
        assert preview[0] == "200 OK" and b"Example hidden draft" in preview[2]
        assert "private" in dict(preview[1])["Cache-Control"]
        hidden = answer(front, url)
        assert hidden[0] == "404 Not Found" and b"Example hidden draft" not in hidden[2]
        assert hidden == answer(full, url)
    assert django_behind.calls == 4


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_IF_MATCH": '"other"'},
        {"HTTP_IF_MATCH": "*"},
        {"HTTP_IF_UNMODIFIED_SINCE": "Sat, 01 Jan 2000 00:00:00 GMT"},
        {"HTTP_IF_MODIFIED_SINCE": "Sat, 01 Jan 2000 00:00:00 GMT"},
        {"HTTP_IF_MODIFIED_SINCE": "Fri, 01 Jan 2100 00:00:00 GMT"},
        {
            "HTTP_IF_NONE_MATCH": "not-an-etag",
            "HTTP_IF_MODIFIED_SINCE": "Fri, 01 Jan 2100 00:00:00 GMT",
        },
    ],
)
@pytest.mark.parametrize("url", ["/feed/", "/sitemap-articles.xml", "/glossary/"])
def test_other_preconditions_are_djangos_to_decide(site, full, front, django_behind, url, headers):
    answer(front, url)
    answer(front, url)
    calls = django_behind.calls
    assert answer(front, url, **headers) == answer(full, url, **headers)
    assert django_behind.calls == calls + 1


def test_an_edit_is_seen_at_once(site, front, full):
    url = site.get_absolute_url()
    answer(front, url)
    answer(front, url)
    site.title = "Example edited title"
    site.save()  # a new generation starts (operations.signals)
    edited = answer(front, url)
    assert b"Example edited title" in edited[2]
    assert answer(front, url) == edited == answer(full, url)


def test_made_up_parameters_share_the_page_and_too_many_are_refused(
    site, full, front, django_behind
):
    url = "/search/?q=depression"
    answer(front, url)
    answer(front, url)
    calls = django_behind.calls
    assert answer(front, url + "&utm_source=x&q=depression") == answer(front, url)
    assert django_behind.calls == calls
    flood = "/search/?" + "&".join(f"x{n}=1" for n in range(1100))
    assert answer(front, flood) == answer(full, flood)
    assert answer(front, flood)[0] == "400 Bad Request"


def test_the_site_is_served_through_the_warm_path():
    from trdsite import wsgi

    assert isinstance(wsgi.application, WarmPathApplication)
    assert isinstance(wsgi.application.application, WSGIHandler)
