import re

import pytest

from articles import markdown

NASTY = [
    ("<script>alert('x')</script>", ["<script", "alert("]),
    ('<img src="x.png" onerror="alert(1)">', ["onerror"]),
    ('<a href="/" onclick="alert(1)">hi</a>', ["onclick"]),
    ("[click](javascript:alert(1))", ["javascript:"]),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', ["javascript:", "JaVaScRiPt"]),
    ("![pic](javascript:alert(1))", ["javascript:"]),
    ('<iframe src="https://example.com/"></iframe>', ["<iframe"]),
    ('<object data="x.swf"></object>', ["<object"]),
    ("![x](data:image/svg+xml;base64,PHN2Zz4=)", ["data:"]),
    ('<div style="background:url(javascript:alert(1))">x</div>', ["style=", "javascript:"]),
    ('<form action="/admin/"><input name="q"></form>', ["<form", "<input"]),
    ("<!--slot:treatments-->", ["slot:"]),
]


@pytest.mark.parametrize(("source", "forbidden"), NASTY)
def test_dangerous_markup_never_survives(source, forbidden):
    html = markdown.render(source)
    for text in forbidden:
        assert text.lower() not in html.lower()


@pytest.mark.parametrize(("source", "forbidden"), NASTY)
def test_preview_is_sanitized_too(source, forbidden):
    html = markdown.render_preview(source)
    for text in forbidden:
        assert text.lower() not in html.lower()


def test_normal_markdown_survives():
    source = (
        "## Heading two\n\n### Heading three\n\n"
        'Some *emphasis*, **strong** and a [link](https://example.org/page "Title").\n\n'
        "- one\n- two\n\n1. first\n2. second\n\n"
        "| Name | Value |\n|------|-------|\n| a | 1 |\n\n"
        "> quoted\n\n`code`\n"
    )
    html = markdown.render(source)
    for fragment in [
        '<h2 id="heading-two">Heading two</h2>',
        '<h3 id="heading-three">Heading three</h3>',
        "<em>emphasis</em>",
        "<strong>strong</strong>",
        '<a href="https://example.org/page" title="Title" rel="noopener noreferrer">link</a>',
        "<ul>\n<li>one</li>",
        "<ol>\n<li>first</li>",
        "<th>Name</th>",
        "<td>1</td>",
        "<blockquote>",
        "<code>code</code>",
    ]:
        assert fragment in html


def test_images_with_https_urls_survive():
    html = markdown.render("![A calm sky](https://example.org/sky.png)")
    assert '<img alt="A calm sky" src="https://example.org/sky.png">' in html


def test_the_page_title_is_the_only_h1():
    assert markdown.render("# Top level") == '<h2 id="top-level">Top level</h2>'


def test_heading_ids_are_stable_and_unique():
    source = "## Side effects\n\n## Side effects\n"
    first = markdown.render(source)
    assert first == markdown.render(source)
    assert 'id="side-effects"' in first and 'id="side-effects_1"' in first


def test_heading_ids_never_take_the_pages_own_ids():
    html = markdown.render("## Main\n\n## Site urgent help")
    assert 'id="main"' not in html
    assert 'id="section-main"' in html
    assert 'id="section-site-urgent-help"' in html


def test_markers_become_slots():
    html = markdown.render("Text\n\n[[treatments]]\n\n[[ Figure 3 ]]\n")
    assert "<!--slot:treatments-->" in html
    assert "<!--slot:figure:3-->" in html
    assert "[[" not in html


def test_marker_inside_a_sentence_stays_text():
    html = markdown.render("See [[treatments]] below.")
    assert html == "<p>See [[treatments]] below.</p>"


def test_preview_explains_slots():
    html = markdown.render_preview("[[treatments]]\n\n[[figure 2]]")
    assert "treatment list goes here" in html
    assert "Figure 2 goes here" in html
    assert "<!--" not in html


def test_nul_bytes_are_dropped():
    assert markdown.render("a\x00b") == "<p>ab</p>"


def test_marker_helpers_read_the_markdown():
    text = "[[figure 1]]\n\nx [[figure 4]] inline\n\n[[treatments]]\n\n [[figure 2]] \n"
    assert markdown.marker_figure_numbers(text) == {1, 2}
    assert markdown.count_treatment_markers(text) == 1


@pytest.mark.django_db
def test_dangerous_markup_reaches_no_page(client):
    from tests.support.factories import add_treatments, make_article, make_series, make_treatment

    nasty = "\n\n".join(source for source, _ in NASTY)
    series = make_series(description=nasty)
    treatment = make_treatment("example-treatment", summary=nasty, body=nasty)
    article = make_article(series, body=f"## Fine heading\n\n{nasty}\n\n[[treatments]]")
    add_treatments(article, [treatment])

    for url in [
        "/",
        series.get_absolute_url(),
        article.get_absolute_url(),
        "/treatments/",
        treatment.get_absolute_url(),
    ]:
        html = client.get(url).content.decode().lower()
        # JSON-LD is data, not script; it escapes "<", so the first "</script>" ends it.
        html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", html, flags=re.S)
        for forbidden in ["<script", "onerror", "onclick", "javascript:", "<iframe", "<object"]:
            assert forbidden not in html, (url, forbidden)
    assert 'id="fine-heading"' in client.get(article.get_absolute_url()).content.decode()
