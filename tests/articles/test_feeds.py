import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from articles.models import Status
from tests.support.factories import make_article

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def articles(series, future):
    return [
        make_article(series, 1, title="Example first", summary="Example summary one."),
        make_article(series, 2, title="Example second"),
        make_article(series, 3, title="Example draft", status=Status.DRAFT),
        make_article(series, 4, title="Example scheduled", publish_at=future),
    ]


def test_atom_feed_has_published_articles_with_dates_and_summaries(client, articles):
    response = client.get(reverse("articles:feed_atom"))
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    entries = root.findall(f"{ATOM}entry")
    titles = [entry.find(f"{ATOM}title").text for entry in entries]
    assert titles == ["Example Series #2: Example second", "Example Series #1: Example first"]
    first = entries[1]
    assert first.find(f"{ATOM}summary").text == "Example summary one."
    assert first.find(f"{ATOM}published").text.startswith(
        articles[0].publish_at.strftime("%Y-%m-%d")
    )
    assert first.find(f"{ATOM}link").get("href") == "http://testserver/articles/example-article-1/"


def test_rss_feed_matches(client, articles):
    root = ET.fromstring(client.get(reverse("articles:feed_rss")).content)
    items = root.findall("channel/item")
    assert [item.find("title").text for item in items] == [
        "Example Series #2: Example second",
        "Example Series #1: Example first",
    ]
    assert all(item.find("pubDate").text for item in items)


def test_every_page_advertises_the_feeds(client, articles):
    for url in ["/", articles[0].get_absolute_url(), "/treatments/", "/search/"]:
        soup = BeautifulSoup(client.get(url).content, "html.parser")
        types = {link["type"] for link in soup.find_all("link", rel="alternate")}
        assert types == {"application/atom+xml", "application/rss+xml"}, url
