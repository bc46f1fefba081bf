"""What a reader's search costs doesn't grow with what they type: at most search.MAX_WORDS words
are searched (and the reader is told), only the best matches are ranked exactly, PostgreSQL
cancels a statement past search.TIMEOUT_MS, and a page number no search can have is a 404
before any searching."""

import os
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from articles import search
from tests.support.factories import make_article

pytestmark = pytest.mark.django_db

URL = reverse("articles:search")
ON_POSTGRES = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's ranking and time limit"
)
# Words that every generated page has (operations/management/commands/generate_content.py).
EVERY_PAGE_WORDS = (
    "generated example text load scale testing ordinary words sentences pages realistic size "
    "nothing paragraph health information kind example paragraphs repeat small changes"
)
PHRASES = (
    '"generated example text" "ordinary words" "realistic size" "health information" '
    '"small changes" "example paragraphs" "load and scale" "thousands of pages"'
)


def database_cpu_seconds():
    """CPU time so far of this connection's PostgreSQL server process (on this machine)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        pytest.skip("the database server's processes are not on this machine")
    utime, stime = stat.read_text().rsplit(")", 1)[1].split()[11:13]
    return (int(utime) + int(stime)) / os.sysconf("SC_CLK_TCK")


def search_cpu_seconds(text, repeat=5):
    """CPU time of ranking a query and loading its first page, of this process and the
    database's, per search (summed over several: the kernel counts in 10 ms ticks)."""
    parsed = search.parse(search.clean_query(text))
    search.load(search.ranked_ids(parsed)[:10], parsed)  # warm
    started = time.process_time() + database_cpu_seconds()
    for _ in range(repeat):
        search.load(search.ranked_ids(parsed)[:10], parsed)
    return (time.process_time() + database_cpu_seconds() - started) / repeat


@pytest.mark.slow
@ON_POSTGRES
def test_a_long_search_costs_about_what_a_short_one_does(seeded):
    """A query of many words that every page has cost many times a one-word query (ts_rank of
    every match, with the square of the words): each word order is a cache miss a reader can
    send over and over. At 1,000 articles, 22 words took 30 times one word's time."""
    call_command(
        "generate_content",
        articles=1000,
        series=5,
        treatments=20,
        sources=50,
        force=True,
        verbosity=0,
    )
    assert len(search.clean_query(EVERY_PAGE_WORDS)) <= search.MAX_QUERY_LENGTH
    one_word = search_cpu_seconds("generated")
    many_words = search_cpu_seconds(EVERY_PAGE_WORDS)
    phrases = search_cpu_seconds(PHRASES)
    assert many_words <= 3 * one_word + 0.02, (one_word, many_words)
    assert phrases <= 3 * one_word + 0.02, (one_word, phrases)


def test_only_the_first_words_are_searched_and_the_reader_is_told(client, series):
    words = [f"exampleword{letter}" for letter in "abcdefghij"]
    make_article(series, 1, title="Example page", body=" ".join(words[: search.MAX_WORDS]))
    response = client.get(URL, {"q": " ".join(words)})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    # Every word was required: with the last two searched, nothing would be found.
    assert [li.a.get_text(" ", strip=True) for li in soup.select(".search-results li")] == [
        "#1 Example page"
    ]
    searched = " ".join(words[: search.MAX_WORDS])
    assert soup.select_one(".search-note").get_text(" ", strip=True) == (
        f"A search uses at most {search.MAX_WORDS} words, so only “{searched}” was searched."
    )


def test_the_word_limit_counts_different_words_that_are_searched():
    # Stop words and repeats cost nothing, and are not counted.
    text = "what is the best sleep sleep advice for a b c d e f"
    parsed = search.parse(text)
    assert not parsed.shortened_to
    assert len(parsed.groups) == 8  # sleep once
    # A phrase that would pass the limit is left out whole; one phrase alone keeps its start.
    parsed = search.parse('one two three four five six seven "eight nine"')
    assert parsed.shortened_to == "one two three four five six seven"
    assert len(parsed.groups) == 7
    parsed = search.parse('"one two three four five six seven eight nine ten"')
    first_eight = ("one", "two", "three", "four", "five", "six", "seven", "eight")
    assert parsed.groups[0].phrases == (first_eight,)


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "11", "99999", "99999999999999999999"])
def test_a_page_no_search_can_have_is_a_404_before_searching(client, db, monkeypatch, page):
    def searched(*args):
        raise AssertionError("searched for a page that can't exist")

    monkeypatch.setattr(search, "ranked_ids", searched)
    assert client.get(URL, {"q": "sleep", "page": page}).status_code == 404
    assert client.get(URL, {"page": page}).status_code == 404


def test_the_last_page_a_search_can_have_is_searched(client, series, monkeypatch):
    make_article(series, 1, title="Example sleep page")
    calls = []
    ranked_ids = search.ranked_ids
    monkeypatch.setattr(search, "ranked_ids", lambda parsed: calls.append(1) or ranked_ids(parsed))
    last = search.MAX_RESULTS // 10
    assert client.get(URL, {"q": "sleep", "page": str(last)}).status_code == 404  # one result
    assert client.get(URL, {"q": "sleep", "page": "1"}).status_code == 200
    assert len(calls) == 2


@ON_POSTGRES
# As in a request: the search's own transaction. (serialized_rollback: the flush after it then
# leaves the database to the next such test as Django expects, without its content types.)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_search_past_its_time_limit_is_cancelled_and_says_so(client, series, monkeypatch):
    make_article(series, 1, title="Example sleep page")

    def slow_ranking(models, query, limit):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(5)")
        return []

    monkeypatch.setattr(search, "TIMEOUT_MS", 50)
    monkeypatch.setattr(search.postgres, "ranked", slow_ranking)
    response = client.get(URL, {"q": "sleep"})
    assert response.status_code == 503  # cancelled: slept out, it would have found nothing
    soup = BeautifulSoup(response.content, "html.parser")
    assert "This search took too long" in soup.select_one('[role="status"]').get_text()
    assert not soup.select(".search-results")


@ON_POSTGRES
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_time_limit_is_the_searchs_alone(client, series):
    make_article(series, 1, title="Example sleep page")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        before = cursor.fetchone()[0]
    response = client.get(URL, {"q": "sleep"})
    assert response.status_code == 200
    assert "Example sleep page" in response.content.decode()
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == before
