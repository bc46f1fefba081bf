"""Bad input never breaks the site.

Text that would make the Markdown pipeline slow or crash is refused when saved, with the reason,
and is shown safely if it is stored some other way; unusual but harmless text renders quickly.
Public addresses and query strings nobody links to get a 4xx or an ordinary page, never a 500.
"""

import time

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles import markdown
from articles.models import Article, Status
from tests.support.admin_forms import form_data, form_errors
from tests.support.factories import make_article, make_treatment

pytestmark = pytest.mark.django_db

# RENDER_SECONDS for the formatting, and some room for validating and saving around it. Counted
# in this process's CPU time, not the wall clock: on a busy machine (CI runs the suite on two
# processes, helpers and benchmarks share the cores) wall time measured the neighbours.
SECONDS = markdown.RENDER_SECONDS + 1


def table(rows, columns):
    head = "| " + " | ".join(f"Week {n}" for n in range(columns)) + " |"
    rule = "|" + "---|" * columns
    row = "| " + " | ".join("12 mg" for _ in range(columns)) + " |"
    return "\n".join([head, rule, *[row] * rows])


PROSE = (
    "Treatment-resistant depression is depression that has not improved after two adequate "
    "courses of antidepressants. Many people still recover with the next step.\n\n"
)

# Text refused by validation, and a word from the reason the editor is given.
REFUSED = {
    "a 1 MB body": (PROSE * 6_000, "the limit is 100,000"),
    "a table of 2,000 rows and 20 columns": (table(2_000, 20), "the limit is 100,000"),
    "10,000 nested blockquotes": (">" * 10_000 + " Quoted.", "nested 10000 levels deep"),
    "10,000 nested lists on one line": ("- " * 10_000 + "item", "nested 10000 levels deep"),
    "lists indented 200 levels deep": (
        "\n".join("    " * level + "- item" for level in range(200)),
        "nested 21 levels deep on line 21",
    ),
    "emphasis nested 1,000 deep": ("*" * 3_000 + "deep" + "*" * 3_000, "nested too deeply"),
    # Quadratic in Python-Markdown: each `[` is matched against the rest of the paragraph.
    "50,000 unclosed brackets": ("[" * 50_000, "takes too long to format"),
    # Quadratic in the HTML parser Python-Markdown uses: each tag is read to the end of the text.
    "30,000 unclosed HTML tags": ("<a " * 30_000, "takes too long to format"),
    # Quadratic: each heading splits the rest of its block again.
    "24,000 setext headings without blank lines": ("Sleep\n=\n" * 12_000, "takes too long"),
}

# Unusual but harmless text, rendered, and a fragment of what readers get.
RENDERED = {
    "a table of 400 rows and 20 columns": (table(400, 20), "<td>12 mg</td>"),
    # On letters with no composed form: text is stored in NFC, which composes "e" and U+0301.
    "10,000 combining marks": ("Ta" + "x\u0301" * 10_000, "x\u0301" * 10_000),
    "right-to-left overrides and zero-width joiners": (
        "Dose \u202e03 mg\u202c, \u200dsertraline\u200b\u2060 \ufeff" * 2_000,
        "\u202e03 mg\u202c",
    ),
    "emoji sequences": (
        "Family 👨\u200d👩\u200d👧 and 🧠 🏳️\u200d🌈 " * 3_000,
        "👨\u200d👩\u200d👧",
    ),
    "prose up to the length limit": (
        PROSE * (markdown.MAX_LENGTH // len(PROSE)),
        "<p>Treatment-resistant depression",
    ),
    "20 levels of nested lists": (
        "\n".join("    " * level + f"- level {level + 1}" for level in range(20)),
        "<li>level 20</li>",
    ),
    "a rule of 40 spaced dashes": ("Before\n\n" + "- " * 40 + "\n\nAfter", "<hr>"),
}


def new_article(series, body):
    return Article(
        series=series, number=7, title="Example", slug="example", summary="Example.", body=body
    )


@pytest.mark.parametrize(("text", "reason"), REFUSED.values(), ids=REFUSED.keys())
def test_text_that_cannot_be_formatted_is_refused_quickly_with_the_reason(series, text, reason):
    article = new_article(series, text)
    started = time.process_time()
    with pytest.raises(ValidationError) as refused:
        article.full_clean()
    elapsed = time.process_time() - started

    assert elapsed < SECONDS
    [message] = refused.value.message_dict["body"]
    assert reason in message


@pytest.mark.parametrize(("text", "fragment"), RENDERED.values(), ids=RENDERED.keys())
def test_unusual_text_is_rendered_quickly(series, text, fragment):
    article = new_article(series, text)
    started = time.process_time()
    article.full_clean()
    article.save()
    elapsed = time.process_time() - started

    assert elapsed < SECONDS
    assert fragment in article.body_html


@pytest.mark.parametrize(
    "text",
    [REFUSED[name][0] for name in ("50,000 unclosed brackets", "emphasis nested 1,000 deep")]
    + ["<script>alert(1)</script>\n\n" + "> " * 500 + "quoted", "<b>Bold</b> " * 20_000],
    ids=["unclosed brackets", "nested emphasis", "nested quotes", "over the length limit"],
)
def test_text_stored_without_validation_is_shown_escaped(client, series, text):
    # A shell, a data migration or an import can save without full_clean(): the page still works.
    started = time.process_time()
    article = make_article(series, body=text)
    assert time.process_time() - started < SECONDS

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    body = BeautifulSoup(article.body_html, "html.parser")
    assert not body.find(["script", "b", "blockquote"])
    assert body.get_text().split() == text.split()


def test_a_nul_character_is_dropped_from_a_body_however_it_is_saved(series):
    # The model stores text normalised (tests/articles/test_stored_text.py); admin forms refuse a
    # NUL with a message before that, and the preview says so.
    article = new_article(series, "Sertraline\x00 and sleep.")
    article.full_clean()
    article.save()
    assert article.body == "Sertraline and sleep."


def test_render_drops_nul_characters_stored_without_validation():
    assert markdown.render("Sertraline\x00 and *sleep*.") == (
        "<p>Sertraline and <em>sleep</em>.</p>"
    )


def test_marker_checks_stay_fast_on_long_runs_of_blank_lines(series):
    # The marker patterns once rescanned a run of blank lines from each of its lines: a minute at
    # this size.
    blank_lines = "\n" * 99_000
    text = f"Intro.\n{blank_lines}Text.\n\n[[treatments]]\n \t\n[[TREATMENTS]]\r\n"
    started = time.process_time()
    with pytest.raises(ValidationError, match="more than once"):
        new_article(series, text).full_clean()
    figures = markdown.marker_figure_numbers(f"Intro.\n{blank_lines}Text.\n[[figure 3]]\r\n")
    assert time.process_time() - started < SECONDS
    assert figures == {3}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("- " * 50 + "item", "nested 50 levels deep on line 1"),
        (PROSE * 6_000, "the limit is 100,000"),
        ("[" * 50_000, "takes too long to format"),
        ("Sertraline\x00 and sleep.", "null character"),
    ],
    ids=["too deep", "1 MB", "too slow", "NUL"],
)
def test_preview_says_quickly_why_text_would_be_refused(editor_client, text, reason):
    started = time.process_time()
    response = editor_client.post(reverse("markdownx_markdownify"), {"content": text})

    assert time.process_time() - started < SECONDS
    assert response.status_code == 200
    assert reason in BeautifulSoup(response.content, "html.parser").p.get_text()


@pytest.fixture
def article_form(editor_client, series):
    article = make_article(series, status=Status.DRAFT)
    url = reverse("admin:articles_article_change", args=[article.pk])
    return url, form_data(editor_client.get(url))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (PROSE * 700, "the limit is 100,000"),
        (
            "Before the list.\n\n" + "".join(f"{'    ' * n}- step {n}\n" for n in range(25)),
            "nested 21 levels deep on line 23",
        ),
        ("*" * 3_000 + "deep" + "*" * 3_000, "nested too deeply"),
    ],
    ids=["too long", "too deep", "too deeply emphasised"],
)
def test_admin_refuses_the_body_and_keeps_the_editors_text(
    editor_client, article_form, text, reason
):
    url, data = article_form
    data["body"] = text

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert any(reason in error for error in form_errors(response))
    assert form_data(response)["body"] == text
    assert not Article.objects.filter(body=text).exists()


def test_admin_refuses_a_nul_character(editor_client, article_form):
    url, data = article_form
    data["body"] = "Sertraline\x00 and sleep."

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "Null characters are not allowed." in form_errors(response)


def test_admin_refuses_a_treatment_summary_that_nests_too_deeply(editor_client):
    treatment = make_treatment("ketamine", status=Status.DRAFT)
    url = reverse("admin:articles_treatment_change", args=[treatment.pk])
    data = form_data(editor_client.get(url))
    data["summary"] = "> " * 30 + "Quoted."

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert any("nested 30 levels deep" in error for error in form_errors(response))
    assert form_data(response)["summary"] == "> " * 30 + "Quoted."


# Addresses and query strings nobody links to. Percent-encoded bytes reach the site as the raw
# bytes a client sent, as they would from a real server: %FF and %C0%AF are not UTF-8.
ODD_SLUGS = {
    "10,000 characters": "a" * 10_000,
    "NUL": "%00",
    "byte FF": "%FF",
    "overlong slash": "%C0%AF",
    "encoded surrogate": "%ED%A0%80",
    "dot dot": "..",
    "encoded dot dot": "%2E%2E",
    "unicode": "caf%C3%A9-%F0%9F%A7%A0",
    "script tag": "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "newline": "a%0D%0Ab",
    "space": "%20",
}
SLUG_ROUTES = ["/series/{}/", "/articles/{}/", "/treatments/{}/", "/sitemap-{}.xml", "/{}/"]
ODD_PAGES = {
    "20 digits": "99999999999999999999",
    "negative": "-1",
    "zero": "0",
    "word": "abc",
    "exponent": "1e9",
    "fraction": "1.5",
    "5,000 digits": "9" * 5_000,
    "empty": "",
    "NUL": "%00",
    "byte FF": "%FF",
    "twice": "1&page=2",
}
ODD_QUERIES = {
    "NUL": "%00",
    "100 KB": "treatment%20" * 8_000,
    "lone quote": "%22",
    "OR": "OR",
    "minus": "-",
    "star": "*",
    "ampersand": "%26",
    "websearch operators": "%22sleep%22%20-or%20OR%20-%22%20*%20:*%20!%20%3C-%3E%20(%20)",
    "backslash and quote": "%5C%27",
    "percent and underscore": "%25_",
    "unicode": "%E2%80%AEd%C3%A9pression%20%F0%9F%A7%A0",
    "not UTF-8": "%FF%FE%C0%AF",
    "repeated": "sleep&q=lithium",
    "raw bytes": "\xff\xfe",
}


def odd_requests():
    """(test id, path, query string, the status expected)."""
    for slug_name, slug in ODD_SLUGS.items():
        for route in SLUG_ROUTES:
            yield f"{route.format('slug')} {slug_name}", route.format(slug), "", 404
    for page_name, page in ODD_PAGES.items():
        # A page of a list that isn't there is a 404, on list views and on the pages that list
        # things beside their own content alike (answered as the nearest page, each made-up
        # value was a page of its own in the page cache).
        status = 200 if page == "" else 404
        for route in ["/", "/treatments/", "/series/example-series/", "/treatments/ketamine/"]:
            yield f"{route} page {page_name}", route, f"page={page}", status
        yield f"search page {page_name}", "/search/", f"q=depression&page={page}", status
        sitemap_status = 200 if page_name == "twice" else 404
        yield f"sitemap page {page_name}", "/sitemap-articles.xml", f"p={page}", sitemap_status
    for query_name, query in ODD_QUERIES.items():
        yield f"search {query_name}", "/search/", f"q={query}", 200
    for route in ["/feed/", "/feed/atom/", "/sitemap.xml", "/sitemap-pages.xml", "/robots.txt"]:
        for query in ["page=abc", "%FF=%FE", "x=" + "a" * 100_000]:
            yield f"{route} {query[:12]}", route, query, 200
    yield "sitemap section past its end", "/sitemap-pages.xml", "p=99999999999999999999", 404


ODD_REQUESTS = list(odd_requests())


@pytest.fixture
def content(series):
    article = make_article(series)
    treatment = make_treatment("ketamine")
    article.treatments.add(treatment)
    return article


@pytest.mark.parametrize(
    ("path", "query", "status"),
    [request[1:] for request in ODD_REQUESTS],
    ids=[request[0] for request in ODD_REQUESTS],
)
def test_odd_addresses_get_a_4xx_or_a_page_never_a_500(client, content, path, query, status):
    response = client.get(path, QUERY_STRING=query)

    assert response.status_code == status


def test_search_shows_a_query_with_markup_as_text(client, content):
    response = client.get("/search/", {"q": '<script>alert(1)</script>"><img src=x onerror=1>'})

    soup = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 200
    assert not soup.select("script:not([type]), img[onerror]")
    assert "alert(1)" in soup.get_text()


def test_markdown_endpoints_refuse_readers(client):
    preview = client.post(reverse("markdownx_markdownify"), {"content": "[" * 50_000})
    upload = client.post(reverse("markdownx_upload"), {"image": "\x00" * 10})

    assert (preview.status_code, upload.status_code) == (403, 403)


def test_the_length_limit_counts_each_line_break_once(series):
    # Browsers send each line break typed in a form as CR LF: 10,000 lines of "Example." are
    # 90,000 typed characters, 100,000 sent.
    lines = "Example.\r\n" * 10_000
    at_the_limit = new_article(series, lines + "x" * 10_000)
    at_the_limit.full_clean()

    with pytest.raises(ValidationError) as refused:
        new_article(series, lines + "x" * 10_001).full_clean()
    [message] = refused.value.message_dict["body"]
    assert message.startswith("This text is 100,001 characters long; the limit is 100,000.")
