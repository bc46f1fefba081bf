"""A page is never stored under another page's address. gunicorn takes SCRIPT_NAME from a
request header when the peer is in `forwarded_allow_ips` (127.0.0.1 by default; `*` behind many
load balancers): Django then resolves PATH_INFO (`/`, the home page) while the page cache keyed
the answer by request.path (SCRIPT_NAME + PATH_INFO = `/help/`), so every later reader of
/help/ got the home page, its links prefixed with /help/. Found by an outside review (A2), live:
`curl -H 'SCRIPT_NAME: /help' https://127.0.0.1:PORT/help/`, then plain `/help/`."""

import pytest
from django.core.handlers.wsgi import WSGIHandler

from operations.warm_path import WarmPathApplication
from tests.support.wsgi_requests import (
    CountingApplication,
    answer,
    clear_page_caches,
    connections_kept,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def kept_connections():
    with connections_kept():
        yield


HELP_TITLE = b"<title>Get help now"


@pytest.mark.parametrize("in_front", [True, False], ids=["warm-path", "django-only"])
@pytest.mark.parametrize(
    ("script_name", "path_info", "victim"),
    [
        # `GET /help/` with a `SCRIPT_NAME: /help` header, as gunicorn builds its environ.
        ("/help", "/", "/help/"),
        ("/series/curing-depression", "/", "/series/curing-depression/"),
    ],
)
def test_a_script_name_never_stores_one_page_under_another_pages_address(
    seeded, in_front, script_name, path_info, victim
):
    application = WarmPathApplication(CountingApplication()) if in_front else WSGIHandler()
    clear_page_caches()
    honest = answer(WSGIHandler(), victim)
    assert honest[0] == "200 OK"
    clear_page_caches()

    # The attacker's request: same address, another page resolved.
    answer(application, path_info or "/", PATH_INFO=path_info, SCRIPT_NAME=script_name)

    for _ in range(2):  # cold, then warm
        status, headers, body = answer(application, victim)
        assert status == "200 OK"
        assert body == honest[2], f"{victim} answered with another page's bytes"


def test_the_help_page_is_the_help_page_after_a_script_name_request(seeded):
    front = WarmPathApplication(CountingApplication())
    clear_page_caches()
    answer(front, "/", PATH_INFO="/", SCRIPT_NAME="/help")
    body = answer(front, "/help/")[2]
    assert HELP_TITLE in body
    assert b'href="/help/articles/' not in body
