"""Every response carries the site's browser policy: CSP, framing, sniffing, referrer,
permissions, HSTS and cookie flags; readers' pages allow no inline or eval'd script at all."""

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
