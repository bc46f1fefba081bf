"""When the database or the cache is down, readers get a friendly page or a slower one, never a
traceback, and the site recovers by itself once the service is back."""

import logging
import uuid
from unittest import mock

import psycopg
import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse

from articles.models import UrgentHelp
from tests.support.servers import (
    TcpProxy,
    fetch,
    free_port,
    get,
    is_up,
    manage,
    redis_cache_through,
    serve,
    site_env,
    stop,
)

pytestmark = pytest.mark.slow

ARTICLE = "/articles/what-is-treatment-resistant-depression/"
POSTGRES, REDIS = ("127.0.0.1", 5432), ("127.0.0.1", 6379)


def database_down():
    return mock.patch.object(
        BaseDatabaseWrapper,
        "ensure_connection",
        side_effect=OperationalError("connection refused (test: database down)"),
    )


@pytest.fixture
def reader():
    # As a browser sees it: the site's error handlers, not the test client's re-raised errors.
    return Client(raise_request_exception=False)


def test_database_down_gives_a_friendly_503_with_urgent_help(reader, seeded):
    UrgentHelp.for_pages()  # in the cache, as on a running site
    with database_down():
        response = reader.get(reverse("articles:treatment_list"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in response
    text = response.content.decode()
    assert "We'll be back in a moment" in text
    assert "Samaritans" in text  # the editors' helplines, from the cache
    assert "Traceback" not in text


def test_urgent_help_shows_even_with_nothing_cached(reader, seeded, monkeypatch):
    # Nor kept by this process from an earlier test.
    monkeypatch.setattr(UrgentHelp, "last_seen", None)
    with database_down():
        response = reader.get("/")
    assert response.status_code == 503
    assert "call your local emergency number or a crisis line now" in response.content.decode()


def test_cached_pages_keep_serving_while_the_database_is_down(reader, seeded):
    assert reader.get(ARTICLE).status_code == 200
    with database_down():
        response = reader.get(ARTICLE)
        assert response.status_code == 200
        assert "Treatment Resistant Depression" in response.content.decode()
        assert reader.get(reverse("articles:search") + "?q=ketamine").status_code == 503


def test_health_checks(reader, seeded):
    assert reader.get("/healthz").content == b"ok\n"
    assert reader.get("/readyz").json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
    }
    with database_down():
        assert reader.get("/healthz").status_code == 200  # the process is alive
        response = reader.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_health_checks_answer_probes_by_address_over_plain_http(reader, db, settings):
    """Load balancers probe each instance by its own address, without TLS: neither the host
    check nor the HTTPS redirect may stand in the way."""
    settings.SECURE_SSL_REDIRECT = True
    assert reader.get("/", HTTP_HOST="10.0.0.7:8000").status_code == 400  # not for pages
    for path in ("/healthz", "/readyz"):
        response = reader.get(path, HTTP_HOST="10.0.0.7:8000")
        assert response.status_code == 200, path
        assert "no-cache" in response["Cache-Control"]


def test_the_site_recovers_when_the_database_returns(reader, seeded):
    with database_down():
        assert reader.get("/").status_code == 503
    assert reader.get("/").status_code == 200
    assert reader.get("/readyz").status_code == 200


def test_other_errors_are_still_500s(reader, seeded):
    with mock.patch("articles.views.HomeView.get", side_effect=ValueError("example bug")):
        response = reader.get("/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


@pytest.mark.skipif(not is_up(REDIS), reason="needs Redis on 127.0.0.1:6379")
def test_redis_down_serves_from_the_database(reader, seeded, settings, caplog):
    proxy = TcpProxy(REDIS)
    proxy.restore()
    shared = redis_cache_through(proxy, retry_after=0)
    settings.CACHES = {"default": shared, "pages": shared}  # as with REDIS_URL
    try:
        assert reader.get(ARTICLE).status_code == 200
        proxy.cut()
        with caplog.at_level(logging.WARNING, logger="operations.cache_backend"):
            response = reader.get(ARTICLE)
            assert response.status_code == 200
            assert "Treatment Resistant Depression" in response.content.decode()
            ready = reader.get("/readyz")
        assert "Cache unavailable" in caplog.text
        assert ready.status_code == 200
        assert ready.json() == {"status": "degraded", "database": "ok", "cache": "unavailable"}
        proxy.restore()
        assert reader.get("/readyz").json()["cache"] == "ok"
    finally:
        proxy.cut()


@pytest.mark.skipif(not is_up(POSTGRES), reason="needs PostgreSQL on 127.0.0.1:5432")
def test_a_real_instance_survives_postgresql_going_away_and_coming_back(tmp_path):
    """gunicorn with persistent connections, PostgreSQL behind a proxy that is cut and
    restored: a 503 while it is away, pages again once it is back, no restart."""
    name = f"trdsite_faults_{uuid.uuid4().hex[:12]}"
    admin = psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    proxy = TcpProxy(POSTGRES)
    proxy.restore()
    env = site_env(tmp_path)
    env.update(DATABASE_URL=f"postgres://postgres@127.0.0.1:{proxy.port}/{name}", CONN_MAX_AGE="60")
    server = None
    try:
        for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"], ["seed", "-v0"]):
            manage(env, *command)
        port = free_port()
        server = serve(env, port)
        assert "Curing Depression #1" in get(port, ARTICLE)

        proxy.cut()
        assert "Curing Depression #1" in get(port, ARTICLE)  # from the page cache
        status, body = fetch(port, "/search/?q=ketamine")
        assert status == 503 and "We'll be back in a moment" in body
        status, body = fetch(port, "/readyz")
        assert status == 503 and '"database": "unavailable"' in body
        assert fetch(port, "/healthz") == (200, "ok\n")

        proxy.restore()
        assert "Ketamine" in get(port, "/search/?q=ketamine")
        assert fetch(port, "/readyz")[0] == 200
    finally:
        if server:
            stop(server)
        proxy.cut()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_pages_keep_serving_when_the_generation_ends_while_the_database_is_down(reader, seeded):
    from django.core.cache import cache

    from articles.models import urgent_help
    from operations.page_cache import GENERATION_KEY

    assert reader.get(ARTICLE).status_code == 200
    cache.delete(GENERATION_KEY)  # as when it expires
    cache.delete(urgent_help.CACHE_KEY)
    with database_down():
        assert reader.get(ARTICLE).status_code == 200  # the generation this process last used
        response = reader.get("/search/?q=ketamine")
    assert response.status_code == 503
    assert "Samaritans" in response.content.decode()  # the callout this process last showed
