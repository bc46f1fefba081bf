"""A page on paper (Chromium with print media emulated), as people print it for an appointment:
the urgent-help numbers and whose they are, the page's address, its review dates and sources,
the addresses of its links; no navigation or forms."""

import pytest
from django.core.management import call_command

from articles.models import Article, ArticleReference, Source
from tests.support.browser import CHROMIUM

pytest_plugins = ["tests.support.browser_fixtures"]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Chromium at {CHROMIUM}"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ARTICLE_SLUG = "what-is-treatment-resistant-depression"
# What a selector's elements show on paper: visible or not, and the text their ::after adds.
ON_PAPER = """selector => [...document.querySelectorAll(selector)].map(element => ({
  shown: element.getClientRects().length > 0 && getComputedStyle(element).visibility !== 'hidden',
  after: getComputedStyle(element, '::after').content,
  text: element.innerText,
}))"""


@pytest.fixture
def printed(browsers):
    call_command("seed", verbosity=0)
    article = Article.objects.get(slug=ARTICLE_SLUG)
    article.body += "\n\nSee [the ketamine page](treatment:7) and [a study](https://example.org/s)."
    article.last_reviewed = article.publish_at.date()
    article.save()
    source = Source.objects.create(title="Example printed source", url="https://example.org/src")
    ArticleReference.objects.create(article=article, reference=source, position=1)
    reader = browsers.reader()
    reader.page.emulate_media(media="print")
    reader.page.goto(article.get_absolute_url())
    return reader.page


def on_paper(page, selector):
    return page.evaluate(ON_PAPER, selector)


def test_urgent_help_prints_with_every_number_and_whose_it_is(printed):
    numbers = on_paper(printed, ".urgent-help a[href^='tel:']")
    assert numbers and all(number["shown"] for number in numbers)
    texts = " ".join(number["text"] for number in numbers)
    assert "999" in texts and "Samaritans" in texts  # the names, hidden on a phone screen
    help_now = on_paper(printed, ".urgent-help a.help-now")[0]
    assert help_now["shown"] and "/help/" in help_now["after"]


def test_the_page_prints_its_address_review_dates_and_sources(printed):
    address = on_paper(printed, ".site-footer .print-only")[0]
    assert address["shown"] and f"/articles/{ARTICLE_SLUG}/" in address["text"]
    assert on_paper(printed, ".review-dates")[0]["shown"]
    disclaimer = on_paper(printed, ".site-footer .disclaimer")[0]
    assert disclaimer["shown"] and "not medical advice" in disclaimer["text"]
    sources = on_paper(printed, ".sources a[href^='http']")
    assert any("example.org/src" in source["after"] for source in sources)


def test_links_print_their_addresses(printed):
    internal = on_paper(printed, ".article-body a[href^='/']")
    assert any("/treatments/" in link["after"] for link in internal)
    external = on_paper(printed, ".article-body a[href^='http']")
    assert any("https://example.org/s" in link["after"] for link in external)


def test_navigation_and_forms_stay_off_paper(printed):
    for selector in (".site-header nav", ".page-feedback", ".pager"):
        assert not any(element["shown"] for element in on_paper(printed, selector)), selector
