"""Glossary terms in pages and on the glossary page: marked when a page is saved (published
terms only, unless switched off for the term or the page), rendered again when a term is
published, changed, unpublished or deleted (live pages and drafts, nothing else on them), and
listed A to Z on /glossary/ at a pinned query count."""

import json
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import drafts, term_marks
from articles.admin.edit_tokens import edit_token
from articles.models import Article, Status, Treatment
from operations.page_cache import new_generation
from tests.articles.test_views import QUERY_LIMITS
from tests.support.factories import add_treatments, make_article, make_term, make_treatment

pytestmark = pytest.mark.django_db

GLOSSARY = "/glossary/"
BODY = "## Exampleword heading\n\nFirst Exampleword here.\n\nSecond Exampleword there."


def soup_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def marks(page_html):
    return [a.get_text() for a in BeautifulSoup(page_html, "html.parser").select("a.term")]


def stored(page):
    page.refresh_from_db()
    return page


# Marked when a page is saved


def test_an_article_marks_the_first_use_of_a_published_term(client, series):
    make_term()
    article = make_article(series, body=BODY)

    body = soup_of(client, article.get_absolute_url()).select_one(".article-body")
    (link,) = body.select("a.term")
    assert (link.get_text(), link["href"]) == ("Exampleword", "/glossary/#example-term")
    assert link.find_parent("p").get_text().startswith("First")
    definition = body.select_one("details.term-definition")
    assert definition.summary.get_text() == "What “Exampleword” means"
    assert definition["id"] == link["aria-details"]
    assert definition.select_one(".term-definition-text").get_text(strip=True) == (
        "An example definition of Example term."
    )
    # What readers read, counted and searched: the text alone, not the definitions.
    assert (
        article.plain_text
        == "Exampleword heading First Exampleword here. Second Exampleword there."
    )
    assert article.word_count == 8
    assert article.toc == [
        {"level": 2, "id": "exampleword-heading", "title": "Exampleword heading"}
    ]


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW, Status.UNPUBLISHED])
def test_terms_not_published_are_not_marked(series, status):
    make_term(status=status)
    assert marks(make_article(series, body=BODY).body_html) == []


def test_editors_switch_marking_off_for_a_term_or_a_page(series):
    make_term(mark_in_pages=False)
    make_term("Other example", other_names="")
    text = "Exampleword and Other example."
    assert marks(make_article(series, body=text).body_html) == ["Other example"]
    assert marks(make_article(series, 2, body=text, mark_terms=False).body_html) == []


def test_a_treatment_page_is_one_page_and_never_marks_the_terms_it_explains(client, series):
    explained = make_treatment("example-explained", summary="Exampleword in the summary.")
    make_term(treatment=explained)
    make_term("Other example", other_names="")
    treatment = make_treatment(
        "example-other",
        summary="Exampleword in the summary.",
        body="Exampleword again in the body, and Other example.",
    )
    assert marks(treatment.summary_html) == ["Exampleword"]
    assert marks(treatment.body_html) == ["Other example"]
    explained.save()
    assert marks(stored(explained).summary_html) == []

    body = soup_of(client, treatment.get_absolute_url()).select_one(".article-body")
    assert [a.get_text() for a in body.select("a.term")] == ["Exampleword", "Other example"]
    soup = soup_of(client, treatment.get_absolute_url())
    description = json.loads(soup.find("script", type="application/ld+json").string)
    assert description["description"] == "Exampleword in the summary."


def test_the_treatment_list_in_an_article_is_never_marked(client, series):
    make_term()
    treatment = make_treatment("example-listed", summary="Exampleword in the summary.")
    article = make_article(series, body="No term here.\n\n[[treatments]]")
    add_treatments(article, [treatment])
    assert marks(stored(treatment).summary_html) == ["Exampleword"]

    soup = soup_of(client, article.get_absolute_url())
    section = soup.select_one(".treatment-section")
    assert "Exampleword in the summary." in section.get_text()
    assert not soup.select(".article-body a.term, .article-body details")


# Rendered again when a term changes


@pytest.fixture
def pages(series, publisher):
    """A live article with a draft, and a treatment, all using "Exampleword"."""
    article = make_article(series, body=BODY)
    draft = drafts.start_draft(article)
    draft.body = "Draft Exampleword text."
    draft.save()
    treatment = make_treatment("example-page", summary="A summary with Exampleword.")
    return [stored(article), stored(draft), stored(treatment)]


def html_of(page):
    return "".join(getattr(page, name) for name in type(page).html_fields)


def test_publishing_a_term_marks_live_pages_and_drafts_and_touches_nothing_else(pages):
    before = [
        (page.updated, edit_token(page), page.plain_text, page.word_count, drafts.fingerprint(page))
        for page in pages
    ]
    versions = Version.objects.count()

    term = make_term(status=Status.REVIEW)
    assert [marks(html_of(stored(page))) for page in pages] == [[], [], []]
    term.status = Status.PUBLISHED
    term.save()

    assert [marks(html_of(stored(page))) for page in pages] == [["Exampleword"]] * 3
    assert before == [
        (page.updated, edit_token(page), page.plain_text, page.word_count, drafts.fingerprint(page))
        for page in pages
    ]
    assert Version.objects.count() == versions


def test_changing_unpublishing_and_deleting_a_published_term_marks_pages_again(pages):
    term = make_term()
    article = pages[0]

    term.definition = "A changed example definition."
    term.save()
    assert "A changed example definition." in stored(article).body_html

    term.other_names = "Changedword"
    term.save()
    assert [marks(html_of(stored(page))) for page in pages] == [[], [], []]
    term.other_names = "Exampleword"
    term.save()
    assert marks(stored(article).body_html) == ["Exampleword"]

    term.mark_in_pages = False
    term.save()
    assert marks(stored(article).body_html) == []
    term.mark_in_pages = True
    term.save()
    term.status = Status.UNPUBLISHED
    term.save()
    assert [marks(html_of(stored(page))) for page in pages] == [[], [], []]
    term.status = Status.PUBLISHED
    term.save()
    assert marks(stored(article).body_html) == ["Exampleword"]

    term.delete()
    assert [marks(html_of(stored(page))) for page in pages] == [[], [], []]


def test_names_beyond_ascii_are_found_in_any_case_on_every_database(series):
    # SQLite's LIKE folds the case of ASCII letters only; marking folds it for all.
    article = make_article(series, body="A text about EXAMPLÉWORD.")
    term = make_term(term="Exampléword", other_names="", status=Status.REVIEW)
    term.status = Status.PUBLISHED
    term.save()
    assert marks(stored(article).body_html) == ["EXAMPLÉWORD"]
    term.status = Status.UNPUBLISHED
    term.save()
    assert marks(stored(article).body_html) == []


def test_a_page_marking_a_term_is_rendered_again_whatever_its_text_says(series):
    # However its mark came to be, a page that marks a withdrawn term loses the mark.
    term = make_term()
    article = make_article(series, body="First Exampleword here.")
    Article.objects.filter(pk=article.pk).update(plain_text="")
    term.status = Status.UNPUBLISHED
    term.save()
    assert marks(stored(article).body_html) == []


def test_a_term_that_is_not_published_reads_no_page(pages):
    term = make_term(status=Status.DRAFT)
    with CaptureQueriesContext(connection) as queries:
        term.definition = "Another example definition."
        term.save()
        term.delete()
    # The page cache's own queries (the next scheduled page) aside: no page is looked for.
    pages_read = [q["sql"] for q in queries.captured_queries if '"plain_text"' in q["sql"]]
    assert pages_read == []


def test_a_page_switching_marking_off_goes_live_with_it(series, publisher):
    make_term()
    article = make_article(series, body=BODY)
    draft = drafts.start_draft(article)
    draft.mark_terms = False
    draft.save()
    assert marks(stored(article).body_html) == ["Exampleword"]

    drafts.publish(draft, publisher)

    live = stored(article)
    assert (live.mark_terms, marks(live.body_html)) == (False, [])


def test_a_scheduled_draft_still_goes_live_after_a_term_is_published(pages, publisher):
    article, draft, _ = pages
    draft.title = "Example scheduled title"
    draft.status = Status.REVIEW
    draft.save()
    at = timezone.now() + timedelta(hours=1)
    drafts.schedule(draft, publisher, at)

    make_term()  # marks the draft's text: its sign-off still stands
    assert marks(stored(draft).body_html) == ["Exampleword"]
    with time_machine.travel(at + timedelta(minutes=1)):
        drafts.apply_due()

    live = stored(article)
    assert live.title == "Example scheduled title"
    assert marks(live.body_html) == ["Exampleword"]
    assert not Article.objects.filter(live_page=article).exists()


def test_a_cached_page_shows_a_newly_published_term_at_once(client, pages):
    url = pages[0].get_absolute_url()
    client.get(url)
    make_term()
    assert marks(client.get(url).content.decode()) == ["Exampleword"]


def test_reading_a_page_with_marks_costs_no_more_queries(
    client, series, django_assert_max_num_queries
):
    make_term()
    make_term("Other example", other_names="")
    article = make_article(series, body="Exampleword and Other example.")
    client.get(article.get_absolute_url())
    new_generation()
    with django_assert_max_num_queries(QUERY_LIMITS["article"]):
        response = client.get(article.get_absolute_url())
    assert len(marks(response.content.decode())) == 2


# The glossary page


def test_the_glossary_lists_published_terms_a_to_z_with_what_readers_need(client, series):
    explained = make_treatment("example-explained", name="Example Treatment")
    unpublished = make_treatment("example-hidden", status=Status.DRAFT)
    make_term("Zed example", other_names="Zedword\nAnother name", treatment=explained)
    make_term("alpha example", other_names="", treatment=unpublished)
    make_term("Example draft", other_names="", status=Status.DRAFT)
    make_term("<script>alert(1)</script>", slug="example-script", other_names="")
    article = make_article(series, body="Zedword and alpha example.")
    make_article(series, 2, slug="example-draft", body="Zedword.", status=Status.DRAFT)

    soup = soup_of(client, GLOSSARY)

    terms = [dt.get_text() for dt in soup.select("dl.glossary dt")]
    assert terms == ["<script>alert(1)</script>", "alpha example", "Zed example"]
    assert [a.get_text() for a in soup.select(".glossary-letters a")] == ["#", "A", "Z"]
    assert not soup.select("main script")
    zed = soup.select_one("#zed-example").find_next_sibling("dd")
    assert zed.select_one(".glossary-names").get_text() == "Also called: Zedword, Another name"
    assert "An example definition of Zed example." in zed.get_text()
    assert [a["href"] for a in zed.select("a")] == [
        explained.get_absolute_url(),
        article.get_absolute_url(),
    ]
    alpha = soup.select_one("#alpha-example").find_next_sibling("dd")
    assert unpublished.get_absolute_url() not in str(alpha)
    assert [a["href"] for a in alpha.select("a")] == [article.get_absolute_url()]
    assert "Example draft" not in soup.get_text()


def test_the_glossary_describes_itself_in_json_ld(client, db):
    make_term(other_names="Exampleword\nExampleword two")
    soup = soup_of(client, GLOSSARY)
    data = [json.loads(s.string) for s in soup.find_all("script", type="application/ld+json")]
    glossary = next(item for item in data if item["@type"] == "DefinedTermSet")
    assert glossary["url"] == "http://testserver/glossary/"
    assert glossary["hasDefinedTerm"] == [
        {
            "@type": "DefinedTerm",
            "name": "Example term",
            "alternateName": ["Exampleword", "Exampleword two"],
            "description": "An example definition of Example term.",
            "url": "http://testserver/glossary/#example-term",
            "inDefinedTermSet": "http://testserver/glossary/",
        }
    ]


def test_an_empty_glossary_says_so(client, db):
    assert "No terms are published yet." in soup_of(client, GLOSSARY).get_text()


def test_the_glossary_query_count_is_pinned(client, series, django_assert_max_num_queries):
    def count():
        client.get(GLOSSARY)
        new_generation()
        with django_assert_max_num_queries(3) as queries:
            assert client.get(GLOSSARY).status_code == 200
        return len(queries)

    make_term(treatment=make_treatment("example-first"))
    make_article(series, body="Exampleword.")
    small = count()

    for n in range(20):
        make_term(f"Example {n}", other_names=f"Exampleword{n}", treatment=make_treatment(f"t-{n}"))
    for n in range(2, 12):
        make_article(series, n, body=" ".join(f"Exampleword{i}" for i in range(20)))
    make_treatment("example-many", summary="Exampleword3 and Exampleword4.")
    assert count() == small
    assert len(soup_of(client, GLOSSARY).select(".glossary-pages li")) > 20


def test_the_glossary_is_linked_from_every_page_and_in_the_sitemap(client, article):
    for url in ("/", article.get_absolute_url(), GLOSSARY):
        assert soup_of(client, url).select_one(f'.site-footer a[href="{GLOSSARY}"]'), url
    assert "http://testserver/glossary/" in client.get("/sitemap-pages.xml").content.decode()
    assert reverse("articles:glossary") == GLOSSARY


def test_marking_again_stores_what_rendering_again_would(seeded):
    # Publishing a term marks pages from their stored HTML, not from their Markdown: the same.
    make_term("Example stored term", other_names="depression\nECT")
    assert term_marks.marked_slugs(Article.objects.get().body_html)
    for model in (Article, Treatment):
        for page in model.objects.all():
            page.render_markdown()
            rendered = [getattr(page, name) for name in model.html_fields]
            page.mark_terms_again()
            assert [getattr(page, name) for name in model.html_fields] == rendered, page
            for name in model.html_fields:
                setattr(page, name, term_marks.unmarked(getattr(page, name)))
            page.mark_terms_again()
            assert [getattr(page, name) for name in model.html_fields] == rendered, page


def test_a_term_many_pages_use_marks_what_it_can_in_time_and_the_rest_on_first_read(
    client, series, monkeypatch
):
    from articles import signals

    articles = [make_article(series, n, body="Exampleword here.") for n in range(1, 4)]
    # No time to mark any page within the publish: all are left for their first reader.
    monkeypatch.setattr(signals, "MARKING_SECONDS", 0)
    make_term()
    assert [stored(a).marks_stale for a in articles] == [True, True, True]
    assert [marks(stored(a).body_html) for a in articles] == [[], [], []]

    response = client.get(articles[0].get_absolute_url())
    assert marks(response.content.decode()) == ["Exampleword"]
    assert (stored(articles[0]).marks_stale, marks(stored(articles[0]).body_html)) == (
        False,
        ["Exampleword"],
    )
    # A save marks the page as it renders it.
    articles[1].save()
    assert not stored(articles[1]).marks_stale

    call_command("mark_terms", stdout=StringIO())
    assert [marks(stored(a).body_html) for a in articles] == [["Exampleword"]] * 3
    assert not Article.objects.filter(marks_stale=True).exists()


def test_a_stale_page_costs_its_first_reader_two_queries_once(client, series, monkeypatch):
    from articles import signals

    article = make_article(series, body="Exampleword here.")

    def queries_to_read():
        new_generation()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(article.get_absolute_url()).status_code == 200
        return len(queries)

    client.get(article.get_absolute_url())
    fresh = queries_to_read()
    monkeypatch.setattr(signals, "MARKING_SECONDS", 0)
    make_term()
    # The published terms, and the write of the page's marks.
    assert queries_to_read() == fresh + 2
    assert queries_to_read() == fresh
