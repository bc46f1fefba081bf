"""deploy/nginx.conf as `make cluster` fills it in (deploy/services.py): what nginx keeps, and
what it refuses to pass on, read from the file itself (tests/operations/test_cluster.py checks
the same through a running nginx, on PostgreSQL)."""

import re
import shutil
import subprocess

import pytest

from deploy.nginx_config import self_signed_certificate
from tests.support.cluster import block, directives, filled_config


@pytest.fixture
def config(tmp_path):
    return filled_config(tmp_path)


def test_nginx_keeps_no_page(config):
    # A page nginx kept would outlive its withdrawal (s-maxage) or its instances (stale).
    pages = directives(block(config, "location /"))
    assert "proxy_pass http://trdsite;" in pages
    assert "proxy_cache" not in pages
    assert "proxy_cache_use_stale" not in directives(config)
    # Nor says whether it did, nor names the site's session cookie.
    assert "X-Cache" not in directives(config)
    assert "sessionid" not in directives(config)


def test_the_bucket_is_never_listed_nor_written(config):
    assert "return 404;" in directives(block(config, "location = /media/"))
    media = directives(block(config, "location /media/"))
    assert re.search(r"if \(\$request_method !~ \^\(GET\|HEAD\)\$\) \{\s*return 405;", media)
    assert 'set $args "";' in media  # no ?acl, ?policy... reaches the store


def test_readiness_is_not_served_to_readers(config):
    assert "return 404;" in directives(block(config, "location = /readyz"))


@pytest.mark.skipif(not shutil.which("nginx"), reason="needs nginx")
def test_nginx_takes_the_file(tmp_path, config):
    self_signed_certificate(tmp_path / "tls")
    test = subprocess.run(
        [shutil.which("nginx"), "-t", "-c", str(tmp_path / "nginx" / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert test.returncode == 0, test.stderr


def test_plain_http_redirects_to_the_sites_own_name(config):
    # Never to the Host the request came with: http://this-address/ with Host: evil.example
    # would send readers to https://evil.example/.
    redirect = directives(config.split("server {")[1])
    assert "$host" not in redirect
    assert re.search(r"return 301 https://localhost:\d+\$request_uri;", redirect)


def test_sign_in_posts_are_limited_per_address_and_nothing_else(config):
    text = directives(config)
    # The key is the address for a POST to the sign-in form only; empty (not counted) otherwise.
    assert re.search(r'"~\^POST /admin/\(login\|password_reset\)/" \$binary_remote_addr;', text)
    assert re.search(r'default "";', text)
    assert re.search(r"limit_req_zone \$signin_address zone=signin:1m rate=10r/m;", text)
    assert "limit_req_status 429;" in text
    https = text.split("server {")[2]
    assert "limit_req zone=signin burst=10 nodelay;" in https


def test_the_stores_errors_never_reach_readers(config):
    media = directives(block(config, "location /media/"))
    assert "proxy_intercept_errors on;" in media
    assert re.search(r"error_page [\d ]*\b404\b[\d ]* = @no_upload;", media)
    assert "add_header X-Content-Type-Options nosniff always;" in media
    missing = directives(block(config, "location @no_upload"))
    assert 'return 404 "Not found.\\n";' in missing
    assert "add_header X-Content-Type-Options nosniff always;" in missing
