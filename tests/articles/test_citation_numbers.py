"""Citations are numbered on the page in order of first use, and the Sources list follows that
numbering; the editor's live preview numbers them the same way."""

import json
import re

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from articles import markdown
from articles.models import ArticleReference, Source, TreatmentReference
from operations.page_cache import new_generation
from tests.articles.test_views import QUERY_LIMITS
from tests.support.factories import add_treatments, make_article, make_treatment

pytestmark = pytest.mark.django_db


@pytest.fixture
def sources(db):
    return [Source.objects.create(title=f"Example Source {n}", year=2020 + n) for n in range(4)]


def cites(html_or_soup):
    soup = html_or_soup
    if isinstance(soup, str):
        soup = BeautifulSoup(soup, "html.parser")
    return [(a.get_text(), a["href"]) for a in soup.select("sup.cite a")]


def listed_titles(soup):
    return [re.search(r"Example Source \d", li.get_text())[0] for li in soup.select(".sources li")]


def page(client, obj):
    response = client.get(obj.get_absolute_url())
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def link(page_obj, sources):
    model = ArticleReference if hasattr(page_obj, "figures") else TreatmentReference
    field = page_obj._meta.model_name
    for position, source in enumerate(sources, 1):
        model.objects.create(**{field: page_obj}, reference=source, position=position)


def test_citation_order_is_first_use_then_the_uncited_in_list_order():
    html = markdown.render("One.[[cite 7]] Two.[[cite 3]] Again.[[cite 7]] Gone.[[cite 99]]")
    assert markdown.citation_order([html], [3, 5, 7, 1]) == [7, 3, 5, 1]
    # Across fields in the order given (a treatment: summary, then body).
    summary = markdown.render("[[cite 5]]")
    assert markdown.citation_order([summary, html], [3, 5, 7, 1]) == [5, 7, 3, 1]
    assert markdown.citation_order([], [3, 5]) == [3, 5]


def test_article_numbers_by_first_use_and_lists_sources_in_that_order(client, series, sources):
    a, b, c, d = sources
    article = make_article(
        series, body=f"First.[[cite {c.pk}]] Second.[[cite {a.pk}]]\n\nFirst again.[[cite {c.pk}]]"
    )
    link(article, [a, b, c, d])  # b and d listed, never cited

    soup = page(client, article)

    assert cites(soup.select_one(".article-body")) == [
        ("[1]", "#source-1"),
        ("[2]", "#source-2"),
        ("[1]", "#source-1"),
    ]
    assert listed_titles(soup) == [
        "Example Source 2",
        "Example Source 0",
        "Example Source 1",
        "Example Source 3",
    ]
    assert [li["id"] for li in soup.select(".sources li")] == [f"source-{n}" for n in range(1, 5)]


def test_json_ld_lists_citations_in_the_pages_order(client, series, sources):
    a, b, c, _ = sources
    article = make_article(series, body=f"Claim.[[cite {b.pk}]]")
    link(article, [a, b])
    treatment = make_treatment("example-cited", summary=f"Claim.[[cite {c.pk}]]")
    link(treatment, [a, c])

    for obj, names in (
        (article, ["Example Source 1", "Example Source 0"]),
        (treatment, ["Example Source 2", "Example Source 0"]),
    ):
        data = [
            json.loads(script.string)
            for script in page(client, obj).select('script[type="application/ld+json"]')
        ][0]
        citations = data.get("citation") or data["mainEntityOfPage"]["citation"]
        assert [item["name"] for item in citations] == names


def test_treatment_numbers_its_summary_then_its_body(client, sources):
    a, b, c, _ = sources
    treatment = make_treatment(
        "example-numbered",
        summary=f"Summary.[[cite {b.pk}]]",
        body=f"Body.[[cite {a.pk}]] Summary's again.[[cite {b.pk}]] New.[[cite {c.pk}]]",
    )
    link(treatment, [a, b, c])

    soup = page(client, treatment)

    assert [text for text, _ in cites(soup.select_one(".article-body"))] == [
        "[1]",
        "[2]",
        "[1]",
        "[3]",
    ]
    assert listed_titles(soup) == [
        "Example Source 1",
        "Example Source 0",
        "Example Source 2",
    ]


def test_a_treatment_listed_in_an_article_does_not_number_its_citations_there(
    client, series, sources
):
    a, b, *_ = sources
    treatment = make_treatment("example-listed", summary=f"Treatment claim.[[cite {b.pk}]]")
    article = make_article(series, body=f"Article claim.[[cite {a.pk}]]\n\n[[treatments]]")
    add_treatments(article, [treatment])
    link(article, [a])

    soup = page(client, article)

    assert cites(soup) == [("[1]", "#source-1")]
    assert listed_titles(soup) == ["Example Source 0"]


def test_preview_shows_exactly_the_pages_numbers(client, series, sources):
    a, b, c, _ = sources
    body = (
        f"Claim.[[cite {c.pk}]] Another.[[cite {a.pk}]]\n\n- In a list.[[cite {c.pk}]]\n\n"
        f"| Table |\n|---|\n| Cell.[[cite {b.pk}]] |"
    )
    article = make_article(series, body=body)
    link(article, [a, b, c])

    preview = markdown.render_preview(body, known_sources={a.pk, b.pk, c.pk})

    assert cites(preview) == cites(page(client, article).select_one(".article-body"))
    assert "[source" not in preview
    assert [sup["data-source"] for sup in BeautifulSoup(preview, "html.parser").select("sup")] == [
        str(c.pk),
        str(a.pk),
        str(c.pk),
        str(b.pk),
    ]


def test_preview_marks_a_number_with_no_source(sources):
    preview = markdown.render_preview(
        f"Known.[[cite {sources[0].pk}]] Unknown.[[cite 9999]] Also.[[cite 8888]]",
        known_sources={sources[0].pk},
    )
    soup = BeautifulSoup(preview, "html.parser")
    assert cites(soup) == [("[1]", "#source-1")]
    assert [s.get_text() for s in soup.select(".cite-missing")] == [
        "[no source 9999]",
        "[no source 8888]",
    ]
    note = soup.select_one(".slot-note").get_text()
    assert "[[cite 9999]], [[cite 8888]], but there are no sources with those numbers" in note


def test_the_editors_preview_endpoint_numbers_and_marks(editor_client, sources):
    response = editor_client.post(
        reverse("markdownx_markdownify"),
        {"content": f"A.[[cite {sources[2].pk}]] B.[[cite {sources[1].pk}]] C.[[cite 424242]]"},
    )
    soup = BeautifulSoup(response.content, "html.parser")
    assert cites(soup) == [("[1]", "#source-1"), ("[2]", "#source-2")]
    assert "there is no source with that number" in soup.select_one(".slot-note").get_text()


@pytest.mark.parametrize("kind", ["article", "treatment"])
def test_numbering_adds_no_query(client, series, sources, kind, django_assert_max_num_queries):
    def make(n, body):
        if kind == "article":
            obj = make_article(series, n, body=body)
        else:
            obj = make_treatment(f"example-counted-{n}", summary=body, body=body)
        link(obj, sources)
        return obj

    def count(obj):
        client.get(obj.get_absolute_url())  # the urgent-help callout is cached from here on
        new_generation()  # a page-cache miss: what the view itself costs
        # As pinned for every reader's page (test_views.py).
        with django_assert_max_num_queries(QUERY_LIMITS[kind]) as queries:
            assert client.get(obj.get_absolute_url()).status_code == 200
        return len(queries)

    cited = make(1, " ".join(f"Claim.[[cite {s.pk}]]" for s in reversed(sources)))
    uncited = make(2, "No citations.")
    assert count(cited) == count(uncited)
