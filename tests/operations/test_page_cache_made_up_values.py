"""Made-up *values* of a parameter a page reads can't fill the page cache either
(test_page_cache_filling.py covers made-up names). A treatment's page, a series' and a person's
read `page` through Paginator.get_page(), which answers any value (`?page=abc`, `?page=99999`)
with the first or the last page: 200, stored under a key of its own. With Redis (REDIS_URL, the
cluster's has no maxmemory) each such request writes ~12 KB that stays for PAGE_CACHE_TIMEOUT (a
day): found through the cluster with 100 requests of `?page=<random>` adding 100 keys."""

import pytest
from django.core.cache import caches

from tests.support.factories import add_treatments, make_article, make_treatment

pytestmark = pytest.mark.django_db

MADE_UP = ("made-up-1", "made-up-2", "99999", "0", "-1", "2.0")
# The first page, written as a page number can be: answered from the page's one entry.
FIRST_PAGE = ("1", "01", "+1", " 1", "\u0661")  # the last is an Arabic-Indic 1


@pytest.fixture
def treatment(series):
    treatment = make_treatment("example-treatment", summary="Example treatment text.")
    article = make_article(series, 1, title="Example first", body="Example depression text.")
    add_treatments(article, [treatment])
    return treatment


def stored_pages():
    return len(caches["pages"]._cache)  # the tests' page cache: each process's own memory


@pytest.mark.parametrize("query", ["?page=", "?q=example&page="])
def test_made_up_page_numbers_are_not_pages_of_their_own(client, treatment, query):
    path = treatment.get_absolute_url() if query == "?page=" else "/search/"
    caches["pages"].clear()
    assert client.get(path + query.removesuffix("page=").rstrip("&?")).status_code == 200
    assert stored_pages() == 1  # the page itself: it has one page of articles or results

    for value in MADE_UP:
        assert client.get(f"{path}{query}{value}").status_code == 404, value
    for value in FIRST_PAGE:
        assert client.get(f"{path}{query}{value}").status_code == 200, value
    # Each was answered as the one page there is, or refused: none is stored as a page of its
    # own, so no one can write to the cache as fast as they can send requests.
    assert stored_pages() == 1
