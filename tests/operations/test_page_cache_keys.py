"""Who may be answered from the page cache, and what its key holds: a request the site would
refuse is refused from the cache too; absolute links come from settings (SITE_SCHEME and
SITE_DOMAIN), never from the request, so the key needs neither; and each parameter is keyed by
the value the page reads (the last one sent)."""

import re

import pytest
from django.urls import reverse

from tests.support.factories import add_treatments, make_article, make_treatment

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(series):
    treatment = make_treatment("example-treatment", summary="Example treatment text.")
    article = make_article(series, 1, title="Example first", body="Example depression text.")
    add_treatments(article, [treatment])
    return article, treatment


def public_urls(article, treatment):
    return [
        "/",
        article.series.get_absolute_url(),
        article.get_absolute_url(),
        "/treatments/",
        treatment.get_absolute_url(),
        "/search/?q=example",
        "/glossary/",
        "/help/",
        "/feed/",
        "/feed/atom/",
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/robots.txt",
    ]


def test_a_disallowed_host_is_refused_from_a_warm_cache_too(client, site):
    for url in public_urls(*site):
        assert client.get(url).status_code == 200, url
        assert client.get(url, HTTP_HOST="evil.example").status_code == 400, url
        assert client.head(url, HTTP_HOST="evil.example").status_code == 400, url


# Absolute addresses of the site in a page: canonical and og:url, JSON-LD, feeds, sitemaps.
SITE_URL = re.compile(rb"(https?)://testserver\b")


@pytest.mark.parametrize("configured", ["http", "https"])
def test_absolute_links_use_the_configured_scheme_whatever_the_request_says(
    client, site, settings, configured
):
    settings.SITE_SCHEME = configured
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The first request fills the cache: one that says the other scheme comes first.
    asked = [
        {"secure": True},
        {"HTTP_X_FORWARDED_PROTO": "https"},
        {},
        {"HTTP_X_FORWARDED_PROTO": "http"},
    ]
    for url in public_urls(*site):
        for headers in asked:
            content = client.get(url, **headers).content
            schemes = {scheme.decode() for scheme in SITE_URL.findall(content)}
            assert schemes <= {configured}, (url, headers, schemes)
    article = site[0]
    page = client.get(article.get_absolute_url(), secure=True).content.decode()
    expected = f"{configured}://testserver{article.get_absolute_url()}"
    assert f'<link rel="canonical" href="{expected}">' in page
    assert f'"url": "{expected}"' in page or f'"url":"{expected}"' in page or expected in page


def test_a_repeated_parameter_is_keyed_by_the_value_the_page_reads(client, site):
    warm = client.get("/search/?q=depression")
    assert b"Example first" in warm.content

    repeated = client.get("/search/?q=depression&q=zzzzq")
    assert b"Example first" not in repeated.content
    assert repeated.content == client.get("/search/?q=zzzzq").content
    # And the other way round: the last value read, whatever came before it.
    assert client.get("/search/?q=zzzzq&q=depression").content == warm.content


@pytest.mark.parametrize("parameter", ["page", "q", "p", "country"])
def test_the_key_holds_one_value_per_parameter(parameter):
    from django.test import RequestFactory

    from operations.page_cache import page_address

    # A page that reads the parameter: the key holds no other page's.
    path = {"country": reverse("articles:help"), "p": "/sitemap-articles.xml"}.get(
        parameter, "/search/"
    )

    def key(query):
        return page_address(RequestFactory().get(path + query))

    assert key(f"?{parameter}=GB&{parameter}=US") == key(f"?{parameter}=US")
    assert key(f"?{parameter}=US&{parameter}=GB") != key(f"?{parameter}=US")
