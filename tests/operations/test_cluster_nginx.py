"""deploy/nginx.conf as `make cluster` fills it in (deploy/services.py): what nginx keeps, and
what it refuses to pass on, read from the file itself (tests/operations/test_cluster.py checks
the same through a running nginx, on PostgreSQL)."""

import re
import shutil
import subprocess

import pytest

from deploy.nginx_config import self_signed_certificate
from deploy.services import Cluster, Ports


@pytest.fixture
def config(tmp_path):
    cluster = Cluster(tmp_path, Ports.free())
    (tmp_path / "nginx").mkdir()
    cluster.write_nginx_config(2)
    return (tmp_path / "nginx" / "nginx.conf").read_text()


def block(config, opening):
    """The text of the last block that starts with `opening` (`location /`: the HTTPS
    server's, after the plain HTTP one's)."""
    start = config.rindex(opening + " {") + len(opening) + 2
    depth, end = 1, start
    while depth:
        depth += {"{": 1, "}": -1}.get(config[end], 0)
        end += 1
    return config[start : end - 1]


def directives(text):
    """Its directives, comments left out."""
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


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
