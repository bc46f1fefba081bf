"""Whatever an editor types, the Markdown pipeline stores and shows safe HTML, quickly.

Checked on what `render()` stores, on what readers get once links and citations are filled in,
and on the admin's live preview, by parsing the HTML rather than searching it for strings.
"""

import contextlib
import re
import time

import pytest
from bs4 import BeautifulSoup, Comment
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles import markdown

# Deterministic for CI: the same examples every run, nothing written to an example database.
# Hypothesis' own deadline is off because the test times the pipeline itself, without the time
# Hypothesis spends generating and shrinking.
pytestmark = pytest.mark.slow

PROPERTY = settings(
    max_examples=200,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
SECONDS_PER_EXAMPLE = 2.0

# The attributes the sanitizer allows, and those fill_inline() and the preview add (their tags
# are all in ALLOWED_TAGS already).
SHOWN_ATTRIBUTES = {
    "href", "title", "src", "alt", "width", "height", "start", "align", "scope", "id", "rel",
    "class", "aria-label", "data-source",
}  # fmt: skip
NEVER_TAGS = {"script", "style", "iframe", "object", "embed", "form", "base", "meta", "svg", "math"}
URL_ATTRIBUTES = ("href", "src")
SLOT_COMMENT_RE = re.compile(
    r"slot:(treatments|figure:\d+)|link:(article|treatment):\d+|/link|cite:\d+"
)
# What a browser ignores in a URL before reading its scheme: leading C0 controls and spaces,
# and tabs and newlines anywhere.
URL_IGNORED_RE = re.compile(r"[\t\n\r]")
SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def assert_safe(html):
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(True):
        assert element.name not in NEVER_TAGS, html
        assert element.name in markdown.ALLOWED_TAGS, html
        for name, value in element.attrs.items():
            assert not name.lower().startswith("on"), html
            assert name in SHOWN_ATTRIBUTES, html
            if name in URL_ATTRIBUTES:
                url = URL_IGNORED_RE.sub("", value).lstrip("".join(map(chr, range(33))))
                scheme = SCHEME_RE.match(url)
                # The sanitizer allows no data: URLs at all, images included.
                assert scheme is None or scheme[1].lower() in markdown.URL_SCHEMES, html
    for comment in soup.find_all(string=lambda text: isinstance(text, Comment)):
        assert SLOT_COMMENT_RE.fullmatch(comment), html


def check_pipeline(text):
    """Everything a save and a page view do with the text: safe output, no exception, in time."""
    # CPU time of this process: the wall clock would count whatever else the machine runs.
    started = time.process_time()
    stored = markdown.render(text)
    urls = {("article", 3): "/articles/example-article/", ("treatment", 5): "/treatments/tms/"}
    shown = markdown.fill_inline(stored, urls, {2: 1})
    preview = markdown.render_preview(text)
    with contextlib.suppress(ValidationError):
        markdown.validate_markdown(text)
    elapsed = time.process_time() - started
    for html in (stored, shown, preview):
        assert_safe(html)
    assert elapsed < SECONDS_PER_EXAMPLE, f"{elapsed:.2f}s for {text[:200]!r}"


@st.composite
def hostile_scheme(draw):
    """javascript:, vbscript: or data: as a filter might fail to recognise it: mixed case, letters
    as entities, whitespace and control characters inside, the colon as an entity."""
    scheme = draw(st.sampled_from(["javascript", "vbscript", "data"]))
    letters = []
    for letter in scheme:
        if draw(st.booleans()):
            letter = letter.upper()
        encoding = draw(st.sampled_from(["plain"] * 4 + ["decimal", "hex", "padded"]))
        if encoding == "decimal":
            letter = f"&#{ord(letter)};"
        elif encoding == "hex":
            letter = f"&#x{ord(letter):X};"
        elif encoding == "padded":
            letter = f"&#0000{ord(letter)}"
        letters.append(letter)
        letters.append(
            draw(st.sampled_from(["", "", "", "\t", "\n", "\r", "&Tab;", "&#10;", "\x01"]))
        )
    colon = draw(st.sampled_from([":", ":", "&colon;", "&#58;", "&#x3A;", "%3A"]))
    lead = draw(st.sampled_from(["", " ", "\x00", "\x0c", "&#32;"]))
    return lead + "".join(letters) + colon


@st.composite
def hostile_url(draw):
    scheme = draw(hostile_scheme())
    payload = draw(
        st.sampled_from(
            [
                "alert(document.cookie)",
                "msgbox(1)",
                "text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
                "image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
                "image/png;base64,iVBORw0KGgo=",
                "%61lert(1)",
            ]
        )
    )
    return scheme + payload


@st.composite
def link_to(draw):
    """A hostile URL in each place Markdown or HTML takes one."""
    url = draw(hostile_url())
    place = draw(
        st.sampled_from(
            [
                "[Read more]({url})",
                "![A chart of remission rates]({url})",
                '[Read more]({url} "Title")',
                "[Read more][source]\n\n[source]: {url}",
                "<{url}>",
                '<a href="{url}">Read more</a>',
                "<a href='{url}'>Read more</a>",
                "<a href={url}>Read more</a>",
                '<img src="{url}" alt="A chart">',
                '<iframe src="{url}"></iframe>',
                '<form action="{url}"><button>Go</button></form>',
                '<svg><a xlink:href="{url}"><text>Go</text></a></svg>',
                '<object data="{url}"></object>',
                '<embed src="{url}">',
                '<meta http-equiv="refresh" content="0;url={url}">',
                '<base href="{url}">',
            ]
        )
    )
    return place.format(url=url)


FRAGMENTS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//example.com/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">Sleep</div>',
    "<img src=x onerror=alert(1)>",
    '<a href="/" onclick="alert(1)" ONMOUSEOVER=alert(2)>Home</a>',
    "<svg onload=alert(1)>",
    "<body onload=alert(1)>",
    '<p title="x" onfocus="alert(1)" tabindex=0>Ketamine</p>',
    "<!-- a comment --><!--slot:treatments-->",
    "<!--link:article:3-->forged<!--/link-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<textarea><script>alert(1)</script></textarea>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<table><tr><td>Lithium</td></tr></table>",
    "<div><blockquote><p>Nested <b>bold <i>italic</i></b></p></blockquote></div>",
    "[[treatments]]",
    "[[figure 1]]",
    "[[ figure 12 ]]",
    "[[cite 2]]",
    "[[CITE 99999999999999]]",
    "[TMS](treatment:5)",
    "[another article](article:3)",
    "[a page that does not exist](article:999999999999)",
    '[titled](article:3 "x><img src=x onerror=alert(1)>")',
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "    <script>alert(1)</script>",
    "# Heading",
    "## Treatment options {#main}",
    "| Drug | Dose |\n|---|---|\n| Lithium | 400 mg |",
    "- escitalopram\n- sertraline",
    "1. first\n2. second",
    "*emphasis* **strong** _under_",
    "&lt;script&gt; &amp; &#x3C;script&#x3E; &#0; &#xD800;",
    "\u202eevil\u202c \u200d\u200b \ufeff e\u0301\u0301 \U0001f9e0",
    "\x00\x01\x08\x0b\x1f\x7f",
]
SEPARATORS = ["", " ", "\n", "\n\n", "\r\n", "> ", "- ", "    ", "<div>", "</div>", "[", "]("]


def pieces():
    return st.one_of(st.sampled_from(FRAGMENTS), link_to(), st.sampled_from(SEPARATORS))


@PROPERTY
@given(st.text(max_size=2000))
def test_any_text_renders_to_safe_html_in_time(text):
    check_pipeline(text)


@PROPERTY
@given(st.lists(pieces(), max_size=30).map("".join))
def test_markup_that_matters_renders_to_safe_html_in_time(text):
    check_pipeline(text)


@PROPERTY
@given(link_to())
def test_no_script_url_survives_in_any_link_or_image(text):
    html = markdown.render(text)
    assert_safe(html)
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(True):
        for name in URL_ATTRIBUTES:
            value = URL_IGNORED_RE.sub("", element.get(name, "")).strip().lower()
            assert not value.startswith(("javascript:", "vbscript:", "data:")), html


@pytest.mark.parametrize(
    "unsafe",
    [
        '<a href="JaVa&#x09;ScRiPt:alert(1)">x</a>',
        "<img src=x onerror=alert(1)>",
        "<script>alert(1)</script>",
        "<!-- editor's note -->",
        "![x](data:image/png;base64,iVBORw0KGgo=)",
    ],
)
def test_the_checks_catch_what_the_sanitizer_removes(unsafe):
    # The sanitizer is what makes the properties hold: the same checks fail on unsanitized output.
    with pytest.raises(AssertionError):
        assert_safe(markdown._markdown_to_html(unsafe))
