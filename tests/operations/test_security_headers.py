"""Every response carries the site's browser policy: CSP, framing, sniffing, referrer,
permissions, HSTS and cookie flags; readers' pages allow no inline or eval'd script at all."""

import os
import subprocess
import sys

import pytest

PUBLIC = [
    "/",
    "/articles/what-is-treatment-resistant-depression/",
    "/treatments/",
    "/search/?q=ketamine",
    "/feed/atom/",
    "/sitemap.xml",
    "/no-such-page/",
]


def directives(response):
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def assert_common_headers(response):
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert "upgrade-insecure-requests" in policy
    return policy


@pytest.mark.parametrize("url", PUBLIC)
def test_public_responses_carry_the_strict_policy(client, seeded, url):
    for attempt in ("built", "from the page cache"):
        response = client.get(url, secure=True)
        assert response.status_code in (200, 404), attempt
        policy = assert_common_headers(response)
        assert policy["style-src"] == ["'self'"], attempt
        assert policy["default-src"] == ["'self'"]
        assert not any("unsafe" in value for values in policy.values() for value in values)


def test_public_pages_hold_nothing_the_policy_would_block(client, seeded):
    """No inline script, style element, style or event attribute: the strict policy costs
    readers nothing. (JSON-LD is data, not script, and CSP leaves it alone.)"""
    from bs4 import BeautifulSoup

    for url in PUBLIC[:4]:
        soup = BeautifulSoup(client.get(url).content, "html.parser")
        assert not soup.find("style"), url
        for script in soup.find_all("script"):
            assert script.get("type") == "application/ld+json" or script.get("src"), url
        for tag in soup.find_all(True):
            assert "style" not in tag.attrs, (url, tag.name)
            assert not any(name.startswith("on") for name in tag.attrs), (url, tag.name)


@pytest.mark.parametrize(
    "url",
    ["/admin/login/", "/admin/", "/admin/articles/article/", "/admin/articles/article/1/change/"],
)
def test_admin_responses_relax_styles_only(client, editor_client, seeded, url):
    response = (client if "login" in url else editor_client).get(url, secure=True)
    assert response.status_code == 200
    policy = assert_common_headers(response)
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_cookies_are_secure_httponly_and_same_site(client, seeded, editor):
    response = client.get("/admin/login/", secure=True)
    csrf = response.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": editor.username, "password": "example-password"},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


POLICY_IN_A_FRESH_PROCESS = """
import django
django.setup()
from django.test import RequestFactory
from operations.security import ContentSecurityPolicyMiddleware
from django.http import HttpResponse
middleware = ContentSecurityPolicyMiddleware(lambda request: HttpResponse())
for path in ("/", "/admin/"):
    print(middleware(RequestFactory().get(path))["Content-Security-Policy"])
"""


def test_the_policy_reads_the_same_in_every_process():
    # Instances share one page cache, and the warm path sends the headers another process stored:
    # each process must word the policy alike, whatever its hash seed.
    def policy(seed):
        env = {
            **os.environ,
            "PYTHONHASHSEED": str(seed),
            "DJANGO_SETTINGS_MODULE": "tests.settings",
        }
        return subprocess.run(
            [sys.executable, "-c", POLICY_IN_A_FRESH_PROCESS],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    policies = {policy(seed) for seed in range(6)}
    assert len(policies) == 1, policies
    assert next(iter(policies)).startswith("default-src 'self'; script-src 'self'")
