"""`[[cite N]]` becomes a citation only in text: never in attributes, URLs or code.

A marker in a link's title, an `<abbr title>` or an image's alt text once had the citation's HTML
pasted into the attribute, its quotes closing the attribute early (and `rel` lost); text shaped
like a slot comment in an attribute was filled or split like a slot. Checked on examples, and as
a property over random Markdown with markers in every position: what is stored, what readers get
and the preview stay well-formed and sanitized.
"""

import re
from html.parser import HTMLParser

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles import markdown
from tests.articles.test_markdown_properties import assert_safe

URLS = {("article", 3): "/articles/example-article/", ("treatment", 5): "/treatments/tms/"}
NUMBERS = {1: 1, 2: 2}
VOID = {"br", "hr", "img", "wbr"}
EXTERNAL = re.compile(r"https?://")
TAG_RE = re.compile(r'<[a-zA-Z][^>"]*(?:"[^"]*"[^>"]*)*>')


class _Structure(HTMLParser):
    """Every element closed in order, and no link inside a link."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open = []
        self.problems = []
        self.loose_text = []  # text outside code, where a marker must not stay

    def handle_starttag(self, tag, attrs):
        if tag == "a" and "a" in self.open:
            self.problems.append("a link inside a link")
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1:]}")
        else:
            self.open.pop()

    def handle_data(self, data):
        if not {"code", "pre"} & set(self.open):
            self.loose_text.append(data)


def assert_well_formed(html):
    structure = _Structure()
    structure.feed(html)
    structure.close()
    assert not structure.problems, (structure.problems, html)
    assert not structure.open, html
    for tag in TAG_RE.findall(html):
        # No markup inside an attribute value.
        assert "<" not in tag[1:] and ">" not in tag[:-1], html
    soup = BeautifulSoup(html, "html.parser")
    for link in soup.find_all("a", href=EXTERNAL):
        assert link.get("rel") == ["noopener", "noreferrer"], html
    return structure.loose_text


def check(text):
    stored = markdown.render(text)
    shown = markdown.fill_inline(stored, URLS, NUMBERS)
    preview = markdown.render_preview(text)
    for html in (stored, shown, preview):
        assert_safe(html)
        loose_text = assert_well_formed(html)
        assert not any(markdown.CITE_RE.search(part) for part in loose_text), html
    return stored, shown


@pytest.mark.parametrize(
    "text",
    [
        '[x](https://example.com/ "[[cite 1]]")',
        '<abbr title="[[cite 2]]">TRD</abbr>',
        "![A chart [[cite 1]]](https://example.com/chart.png)",
        '![A chart](https://example.com/chart.png "[[cite 1]]")',
        '<span title="[[cite 2]]">Example</span>',
        "[x](https://example.com/[[cite 1]])",
        '[x][ref]\n\n[ref]: https://example.com/ "[[cite 2]]"',
    ],
)
def test_a_marker_in_an_attribute_stays_as_typed(text):
    stored, shown = check(text)

    assert "[[cite" in stored
    assert "<!--cite" not in stored
    assert "<sup" not in shown


@pytest.mark.parametrize(
    "text",
    ["`[[cite 1]]`", "```\n[[cite 1]]\n```", "    [[cite 1]]", "<code>[[cite 2]]</code>"],
)
def test_a_marker_in_code_is_shown_as_typed(text):
    stored, shown = check(text)

    assert re.fullmatch(r"\[\[cite [12]\]\]", BeautifulSoup(shown, "html.parser").code.text.strip())
    assert "<sup" not in shown


def test_a_marker_inside_a_link_is_cited_right_after_it():
    _, shown = check(
        "See [the guide [[cite 1]]](https://example.com/) and [TMS [[cite 2]]](treatment:5)."
    )

    assert shown == (
        '<p>See <a href="https://example.com/" rel="noopener noreferrer">the guide </a>'
        + markdown.citation(1)
        + ' and <a href="/treatments/tms/">TMS </a>'
        + markdown.citation(2)
        + ".</p>"
    )


def test_markers_in_text_still_cite():
    _, shown = check("One.[[cite 1]] *Two.[[cite 2]]*\n\n| a |\n|---|\n| b [[cite 1]] |")

    soup = BeautifulSoup(shown, "html.parser")
    assert [a.get_text() for a in soup.select("sup.cite a")] == ["[1]", "[2]", "[1]"]


def test_only_markers_in_text_count_as_cited():
    text = (
        '`[[cite 7]]` [x](https://example.com/ "[[cite 8]]") ![[[cite 9]]](https://example.com/a.png)'
        " Text.[[cite 3]] [link [[cite 4]]](article:3)"
    )
    assert markdown.markdown_cited_ids(text) == [3, 4]
    assert markdown.missing_citations(text, [3]) == "[[cite 4]]"


@pytest.mark.parametrize(
    "stored",
    [
        '<p><a href="https://example.com/" title="<!--cite:1-->" '
        'rel="noopener noreferrer">x</a></p>',
        '<p><abbr title="<!--link:article:3-->x<!--/link-->">TRD</abbr></p>',
    ],
)
def test_html_stored_before_the_fix_is_not_filled_inside_attributes(stored):
    shown = markdown.fill_inline(stored, URLS, NUMBERS)

    assert_well_formed(shown)
    assert "<sup" not in shown and "/articles/" not in shown


def test_html_stored_before_the_fix_is_not_split_inside_attributes():
    stored = (
        '<p><a href="https://example.com/" title="<!--slot:treatments-->" '
        'rel="noopener noreferrer">x</a></p>'
    )

    [part] = markdown.split_slots(stored)

    assert part.kind == "html"
    assert_well_formed(part.html)


# Markers, and slot-shaped text an editor could type, in every position Markdown and the allowed
# HTML offer: link text, title and address, image alt, title and address, reference
# definitions, abbr and span titles, code spans, fenced and indented code, headings, tables,
# lists, quotes, emphasis, autolinks.
MARKERS = [
    "[[cite 1]]",
    "[[ CITE 2 ]]",
    "[[cite 99]]",
    "[[cite 1]][[cite 2]]",
    "[[figure 1]]",
    "[[treatments]]",
    "<!--cite:1-->",
    "<!--slot:treatments-->",
    "<!--link:article:3-->x<!--/link-->",
    '"><sup>',
    "&lt;!--cite:1--&gt;",
]
POSITIONS = [
    "{m}",
    "Text {m} more.",
    "[{m}]({url})",
    "[x {m} y]({url})",
    '[x]({url} "{m}")',
    "[x]({url}{m})",
    "![{m}]({img})",
    '![x]({img} "{m}")',
    "![x]({img}{m})",
    '[x][r]\n\n[r]: {url} "{m}"',
    '<abbr title="{m}">TRD</abbr>',
    "<span title='{m}'>{m}</span>",
    '<a href="{url}" title="{m}">{m}</a>',
    '<img src="{img}" alt="{m}" title="{m}">',
    "`{m}`",
    "```\n{m}\n```",
    "    {m}",
    "<pre><code>{m}</code></pre>",
    "# Heading {m}",
    "| {m} | b |\n|---|---|\n| c {m} | d |",
    "- {m}\n- [x]({url} '{m}')",
    "> {m}",
    "*{m}* **{m}**",
    "<{url}{m}>",
    "<sup>{m}</sup> <sub>{m}</sub>",
]
LINK_URLS = ["https://example.com/page", "article:3", "treatment:5", "/relative", "mailto:a@b.c"]
IMAGE_URLS = ["https://example.com/chart.png", "/media/uploads/chart.png"]
SEPARATORS = ["", " ", "\n", "\n\n", "> ", "- "]


@st.composite
def marked_markdown(draw):
    pieces = []
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.sampled_from(POSITIONS))
        pieces.append(draw(st.sampled_from(SEPARATORS)))
        pieces.append(
            position.replace("{m}", draw(st.sampled_from(MARKERS)))
            .replace("{url}", draw(st.sampled_from(LINK_URLS)))
            .replace("{img}", draw(st.sampled_from(IMAGE_URLS)))
        )
    return "".join(pieces)


@pytest.mark.slow
@settings(
    max_examples=300,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(marked_markdown())
def test_markers_anywhere_keep_the_output_well_formed_and_sanitized(text):
    check(text)
