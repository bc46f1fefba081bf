"""A session cookie alone doesn't make a signed-in user. Anyone can send a made-up one
(`Cookie: sessionid=junk`), and it used to skip the warm path and the page cache both: every
such request built the page from the database, 60,093 req/s down to 229, an easy denial of
service. Now such a request is answered from the cache once its session is looked up and holds
no user; signed-in users (and staff previewing drafts) never are, and nothing answered to a
request carrying a session cookie is ever stored."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import DatabaseError
from django.test import Client
from django.utils import timezone

from operations.page_cache import cacheable, current_generation, page_key
from operations.warm_path import WarmPathApplication
from tests.support.factories import client_for
from tests.support.wsgi_requests import CountingApplication, answer, connections_kept

pytestmark = pytest.mark.django_db

MADE_UP = "example0made0up0session0key00000"  # well-formed: looked up, found nowhere


def reader_with(session_key):
    reader = Client()
    reader.cookies["sessionid"] = session_key
    return reader


def stored(url):
    return caches["pages"].get(page_key(current_generation(), url)) is not None


def expired_session_of(user):
    key = client_for(user).cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    return key


def anonymous_session():
    """A session that holds something, but no user."""
    session = SessionStore()
    session["example"] = "value"
    session.create()
    return session.session_key


@pytest.mark.parametrize(
    ("session", "lookups"),
    [
        (lambda editor: "junk", 0),  # not even well-formed: no query
        (lambda editor: MADE_UP, 1),
        (lambda editor: anonymous_session(), 1),
        (expired_session_of, 1),  # a reader signed in once, whose session has expired
    ],
    ids=["junk", "made-up", "anonymous-session", "expired"],
)
def test_a_session_without_a_user_is_answered_from_the_cache(
    client, article, editor, renders, django_assert_num_queries, session, lookups
):
    url = article.get_absolute_url()
    page = client.get(url)
    reader = reader_with(session(editor))
    renders.clear()

    with django_assert_num_queries(lookups):  # the session's look-up alone
        response = reader.get(url)

    assert renders == []
    assert response.status_code == 200
    assert response.content == page.content
    assert response["ETag"] == page["ETag"]
    assert response["Cache-Control"] == page["Cache-Control"]
    assert not response.cookies


@pytest.mark.parametrize("session", ["junk", MADE_UP])
@pytest.mark.parametrize("page", ["article", "glossary"])
def test_a_page_built_for_a_session_cookie_is_never_stored(client, article, session, page):
    # It may have gone through the session (an article's view asks whether staff is looking:
    # "Vary: Cookie", the cookie deleted), which no one else's answer may carry; the glossary's
    # doesn't, and isn't stored either.
    url = article.get_absolute_url() if page == "article" else "/glossary/"
    assert reader_with(session).get(url).status_code == 200
    assert not stored(url)
    client.get(url)
    assert stored(url)


def test_a_signed_in_user_never_gets_a_stored_page(client, article, editor, renders):
    url = article.get_absolute_url()
    client.get(url)
    renders.clear()

    response = client_for(editor).get(url)

    assert response.status_code == 200
    assert "articles/article_detail.html" in renders
    assert "public" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("path", ["article", "/", "/glossary/", "/search/?q=example"])
def test_a_signed_in_users_page_is_theirs_alone(article, editor, path):
    url = article.get_absolute_url() if path == "article" else path
    response = client_for(editor).get(url)

    assert response.status_code == 200
    # Not a shared cache's, nor a browser's to show to the next account.
    assert "private" in response["Cache-Control"]


def test_a_signed_in_users_page_is_never_stored(article, editor):
    url = article.get_absolute_url()
    assert client_for(editor).get(url).status_code == 200
    assert not stored(url)


def test_a_made_up_session_gets_the_readers_answer_through_the_warm_path(article):
    # The warm path leaves session cookies to Django, which answers from the same entry; its
    # answer is the readers' own, and isn't kept as theirs (it went through a session).
    url = article.get_absolute_url()
    behind = CountingApplication()
    front = WarmPathApplication(behind)
    with connections_kept():
        reader = answer(front, url)
        assert answer(front, url) == reader
        assert behind.calls == 1
        for cookie in ("sessionid=junk", f"theme=dark; sessionid={MADE_UP}"):
            assert answer(front, url, HTTP_COOKIE=cookie) == reader
        assert behind.calls == 3
        assert answer(front, url) == reader
        assert behind.calls == 3


def test_a_session_that_cant_be_read_counts_as_signed_in(rf, monkeypatch):
    # Django then answers as for a signed-in user: nothing from the cache, nothing stored.
    def unreachable(self):
        raise DatabaseError("example: the database is down")

    monkeypatch.setattr(SessionStore, "load", unreachable)
    request = rf.get("/glossary/", HTTP_COOKIE=f"sessionid={MADE_UP}")
    assert not cacheable(request)
    assert cacheable(rf.get("/glossary/"))  # no cookie, nothing to look up
