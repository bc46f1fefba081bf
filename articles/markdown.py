"""The one Markdown pipeline: Markdown in, sanitized HTML out.

Models call `render()` on save and store the result; requests never re-render. The admin's live
preview calls `render_preview()`, which is the same pipeline plus visible notes for the slots.

Slots let an article body say where content kept elsewhere goes. An editor writes, on a line of
its own:

    [[treatments]]   the article's treatment list, rendered from the Treatment entries
    [[figure 2]]     figure number 2 of the article (image and alt text kept in the Figure)

Inline, an editor can cite a source and link to another page by its number, which survives
slug changes:

    ... as studies show.[[cite 12]]          source 12 (its number in the Sources admin list)
    [read about TMS](treatment:4)            a link to treatment 4, article:N for articles

Slots are stored as HTML comments, which the sanitizer strips from anything an editor types, so a
slot can only come from this syntax. Views fill them per request with `fill_inline()`, and links
to pages that are not public become plain text for readers.

A page numbers its citations in order of first use ([1], [2], ...; `citation_order()`), whatever
the sources' own numbers, and its Sources list follows that numbering; the preview numbers them
the same way.

Text beyond what the pipeline can format in good time (too long, nested too deeply, or markup
that makes Python-Markdown slow) is refused on save by `validate_markdown`, with the reason; if
such text arrives some other way, `render()` shows it escaped, as plain paragraphs.
"""

import itertools
import re
import sys
import time
from dataclasses import dataclass
from functools import lru_cache
from html import unescape

import markdown
import nh3
from django.core.exceptions import ValidationError
from django.utils.html import escape, strip_tags
from markdown.extensions import Extension
from markdown.extensions.toc import slugify
from markdown.treeprocessors import Treeprocessor

from . import markdown_brackets, markdown_images, text_nodes

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p",
    "pre", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "ul",
}  # fmt: skip
HEADING_ATTRIBUTES = {"id"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align", "scope"},
    **{f"h{level}": HEADING_ATTRIBUTES for level in range(2, 7)},
}
URL_SCHEMES = {"http", "https", "mailto", "tel", "article", "treatment"}
LINK_KINDS = ("article", "treatment")

MARKER_RE = re.compile(r"<p>\[\[\s*(treatments|figure\s+(\d{1,4}))\s*\]\]</p>", re.IGNORECASE)
SLOT_RE = re.compile(r"<!--slot:(treatments|figure:(\d+))-->")
LINK_RE = re.compile(r'<a href="(article|treatment):(\d{1,12})"[^>]*>(.*?)</a>', re.DOTALL)
LINK_SLOT_RE = re.compile(r"<!--link:(article|treatment):(\d+)-->(.*?)<!--/link-->", re.DOTALL)
CITE_RE = text_nodes.CITE_RE
CITE_SLOT_RE = re.compile(r"<!--cite:(\d+)-->")

# Some 15,000 words: several times the longest article, and a bound on the time to format.
MAX_LENGTH = 100_000
# Quotes and lists nested deeper make Python-Markdown slow (cubic in the depth) and then recurse
# past Python's limit; no page needs more than a few levels.
MAX_DEPTH = 20
# Prose, even MAX_LENGTH of it, formats in a tenth of this; only text that is mostly table cells
# or list items comes near it.
RENDER_SECONDS = 2.0
# The quotes (>), list markers and indentation (4 columns a level) that open a line, counted
# generously: a level too many here costs nothing at MAX_DEPTH.
LINE_NESTING_RE = re.compile(r"^[ \t]*(?:(?:>|[*+-](?=[ \t])|\d{1,9}[.)](?=[ \t]))[ \t]*)+", re.M)
LEVEL_RE = re.compile(r">|[*+-]|\d{1,9}[.)]| {4}|\t")
# `- - -` and `* * * *` are rules, not lists.
RULE_RE = re.compile(r"[ \t]*([*_-])(?:[ \t]*\1){2,}\s*")


class _DemoteH1(Treeprocessor):
    """The page title is the page's only h1, so `# Heading` in a body becomes an h2."""

    def run(self, root):
        for element in root.iter("h1"):
            element.tag = "h2"


class _DemoteH1Extension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's API name
        # Before the toc treeprocessor (priority 5) so ids are assigned to the final headings.
        md.treeprocessors.register(_DemoteH1(md), "trd_demote_h1", 6)


def heading_id(value, separator):
    """Stable heading ids from the heading text. Ids the page itself uses ("main", the skip
    link's target, and every "site-..." id) are left to the page."""
    slug = slugify(value, separator) or "section"
    return f"section-{slug}" if slug == "main" or slug.startswith("site-") else slug


def _markdown_to_html(text):
    md = markdown.Markdown(
        extensions=["tables", "fenced_code", "sane_lists", "toc", _DemoteH1Extension()],
        extension_configs={"toc": {"toc_depth": "2-6", "slugify": heading_id}},
        output_format="html",
    )
    return md.convert(text)


def sanitize(html):
    # Attribute values with `<` and `>` as entities: the slot patterns below then never match
    # inside an attribute.
    return text_nodes.plain_attributes(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="noopener noreferrer",
            strip_comments=True,
        )
    )


def _to_slot(match):
    figure_number = match.group(2)
    name = f"figure:{int(figure_number)}" if figure_number else "treatments"
    return f"<!--slot:{name}-->"


class _OutOfTime(BaseException):
    """Not an Exception, so no `except Exception` inside Python-Markdown can swallow it."""


def _with_time_limit(seconds, function, *args):
    """`function(*args)`, stopped with _OutOfTime once `seconds` have passed.

    Python-Markdown takes quadratic time or worse on some inputs well under MAX_LENGTH (runs of
    `[`, unclosed HTML tags, many headings or rules in one block; its maintainers keep
    Python-Markdown/markdown#798 open as "someday-maybe"), so no size limit bounds the time. A
    trace function runs on every Python call in this thread only, so it stops the work in any
    kind of server worker; it makes formatting two to three times slower, which save and preview
    can afford. A debugger's or coverage's trace function keeps running under it.

    The time is this thread's CPU time: on a busy server a page's wall-clock time grows with
    the load, and an editor's ordinary text would be refused for the others' work."""
    deadline = time.thread_time() + seconds
    previous = sys.gettrace()
    # Reading the clock is a system call: every 32nd call is often enough (calls are short).
    calls = itertools.count()

    def trace(frame, event, arg):
        if not next(calls) & 31 and time.thread_time() > deadline:
            raise _OutOfTime
        return previous(frame, event, arg) if previous else None

    sys.settrace(trace)
    try:
        return function(*args)
    finally:
        sys.settrace(previous)


def _nesting_problem(text):
    """Why the quotes and lists in `text` nest too deeply to format, or None."""
    for match in LINE_NESTING_RE.finditer(text):
        depth = len(LEVEL_RE.findall(match[0]))
        if depth <= MAX_DEPTH:
            continue
        end = text.find("\n", match.start())
        if RULE_RE.fullmatch(text, match.start(), len(text) if end < 0 else end):
            continue
        line = text.count("\n", 0, match.start()) + 1
        return (
            f"Quotes and lists are nested {depth} levels deep on line {line:,}; at most "
            f"{MAX_DEPTH} levels can be shown."
        )
    return None


def typed_length(text):
    """The length of `text` as the editor typed it. Browsers send each line break in a form as
    two characters (CR LF); the editor typed one."""
    return len(text) - text.count("\r\n")


def _formatted(text):
    """(sanitized HTML, None), or (None, why the text can't be formatted)."""
    if (length := typed_length(text)) > MAX_LENGTH:
        return None, (
            f"This text is {length:,} characters long; the limit is {MAX_LENGTH:,}. Split it "
            "into more than one page."
        )
    return _formatted_within_length(text)


TOO_SLOW_MESSAGE = (
    "This text takes too long to format: look for long runs of unclosed brackets or HTML "
    "tags, or thousands of headings or lines without a blank line between them."
)


# Cached because a save formats the same text twice: to validate it, then to store it.
@lru_cache(maxsize=8)
def _formatted_within_length(text):
    if message := _nesting_problem(text):
        return None, message
    # Refused before formatting, rather than after RENDER_SECONDS of it.
    if markdown_brackets.too_costly(text):
        return None, TOO_SLOW_MESSAGE
    try:
        html = _with_time_limit(RENDER_SECONDS, _markdown_to_html, text)
    except RecursionError:
        return None, "Emphasis, links or HTML tags are nested too deeply to format. Simplify them."
    except _OutOfTime:
        return None, TOO_SLOW_MESSAGE
    return sanitize(html), None


def problem(text):
    """Why `text` can't be saved as Markdown, or None."""
    if "\x00" in text:
        return "The text contains a null character (often pasted from another program); remove it."
    html, message = _formatted(text)
    return message or markdown_images.missing_alt_problem(html)


def validate_markdown(text):
    """Model field validator: the admin shows the reason and keeps the editor's text."""
    if message := problem(text):
        raise ValidationError(message, code="markdown")


def _to_html(text):
    text = text.replace("\x00", "")
    html, _ = _formatted(text)
    if html is None:
        # Saved without validation (a shell, an import): shown as written, escaped, in paragraphs.
        paragraphs = [part.strip() for part in re.split(r"\n\s*\n", text)]
        html = "".join(f"<p>{escape(part)}</p>\n" for part in paragraphs if part)
    return markdown_images.for_readers(html)


def render(text):
    """Markdown to sanitized HTML, with `[[...]]` marker lines turned into slots."""
    html = text_nodes.cite_slots(MARKER_RE.sub(_to_slot, _to_html(text)))
    return LINK_RE.sub(lambda m: f"<!--link:{m[1]}:{int(m[2])}-->{m[3]}<!--/link-->", html)


def plain_html(text):
    """Markdown to sanitized HTML for text without slots (e.g. the urgent-help callout)."""
    return SLOT_RE.sub("", _to_html(text))


def render_preview(text, known_sources=None):
    """What the admin's live preview shows: `render()` with each slot explained in place, and
    citations numbered in order of first use, as the page will number them. `known_sources`
    (ids), when given, marks citations of sources that don't exist: a save refuses them."""

    def note(match):
        if match.group(1) == "treatments":
            label = "The treatment list goes here, rendered from the Treatment entries."
        else:
            label = f"Figure {match.group(2)} goes here (its image and alt text are set below)."
        return f'<p class="slot-note"><em>{escape(label)}</em></p>'

    html = SLOT_RE.sub(note, render(text))
    html = LINK_SLOT_RE.sub(lambda m: f'<a href="#" title="Link to {m[1]} {m[2]}">{m[3]}</a>', html)
    cited = cited_ids(html)
    known = set(cited) if known_sources is None else set(cited) & set(known_sources)
    numbers = {pk: number for number, pk in enumerate(citation_order([html], known), 1)}

    def cite(match):
        source = int(match[1])
        if source in numbers:
            # data-source lets the form's script number on across fields (a treatment's summary,
            # then its body), as the page does.
            return citation(numbers[source], source=source)
        return f'<sup class="cite-missing">[no source {source}]</sup>'

    html = CITE_SLOT_RE.sub(cite, html)
    if unknown := [pk for pk in dict.fromkeys(cited) if pk not in known]:
        message = unknown_citations_message(unknown)
        html = f'<p class="slot-note"><strong>{escape(message)}</strong></p>\n{html}'
    if message := problem(text):
        html = f'<p class="slot-note"><strong>{escape(message)}</strong></p>\n{html}'
    return html


def unknown_citations_message(ids):
    """What a save says of citations whose source does not exist."""
    names = citation_names(ids)
    if len(ids) == 1:
        return (
            f"The text cites {names}, but there is no source with that number. Look it up in "
            "Sources (the number to type is in the list), or add the source there."
        )
    return (
        f"The text cites {names}, but there are no sources with those numbers. Look them up in "
        "Sources (the number to type is in the list), or add the sources there."
    )


@dataclass(frozen=True)
class Slot:
    kind: str  # "html", "treatments" or "figure"
    html: str = ""
    figure_number: int | None = None


def split_slots(html):
    """Split stored HTML into a list of Slot: sanitized HTML runs and the slots between them."""
    # HTML stored before attributes were made plain may hold slot-shaped text in one.
    html = text_nodes.plain_attributes(html)
    parts = []
    position = 0
    for match in SLOT_RE.finditer(html):
        if match.start() > position:
            parts.append(Slot("html", html=html[position : match.start()]))
        if match.group(2):
            parts.append(Slot("figure", figure_number=int(match.group(2))))
        else:
            parts.append(Slot("treatments"))
        position = match.end()
    if position < len(html):
        parts.append(Slot("html", html=html[position:]))
    return parts


# Spaces around a marker line, not newlines: `\s*` after `^` would rescan a run of blank lines
# from each of its lines, quadratic in the run.
LINE_SPACE = r"[^\S\n]*"


def marker_figure_numbers(text):
    """Figure numbers that `[[figure N]]` lines in Markdown refer to, for validation."""
    return {
        int(n)
        for n in re.findall(
            rf"^{LINE_SPACE}\[\[\s*figure\s+(\d{{1,4}})\s*\]\]{LINE_SPACE}$", text, re.I | re.M
        )
    }


def count_treatment_markers(text):
    return len(
        re.findall(rf"^{LINE_SPACE}\[\[\s*treatments\s*\]\]{LINE_SPACE}$", text, re.I | re.M)
    )


def linked_ids(html):
    """The ids each kind of internal link in stored HTML points at: {"article": {3}, ...}."""
    found = {kind: set() for kind in LINK_KINDS}
    for match in LINK_SLOT_RE.finditer(html):
        found[match[1]].add(int(match[2]))
    return found


def cited_ids(html):
    return [int(match[1]) for match in CITE_SLOT_RE.finditer(html)]


def citation_order(htmls, listed_ids):
    """The order a page numbers its sources in: those cited in `htmls` (stored HTML, in the
    order the page shows them), by first use, then the other `listed_ids` in list order.
    Citations of sources not listed are left out (readers' pages drop them)."""
    listed = list(dict.fromkeys(listed_ids))
    cited = [pk for html in htmls for pk in cited_ids(html) if pk in set(listed)]
    return list(dict.fromkeys([*cited, *listed]))


def citation(number, source=None):
    """A citation as readers see it: [number], linking to the Sources list; the preview adds
    the source's id (`source`)."""
    data = f' data-source="{int(source)}"' if source is not None else ""
    return (
        f'<sup class="cite"{data}><a href="#source-{number}" aria-label="Source {number}">'
        f"[{number}]</a></sup>"
    )


def markdown_link_ids(text):
    """Internal link targets written in Markdown, for validation before saving."""
    found = {kind: set() for kind in LINK_KINDS}
    for kind, number in re.findall(r"\]\(\s*(article|treatment):(\d{1,12})\s*\)", text):
        found[kind].add(int(number))
    return found


def markdown_cited_ids(text):
    """The sources `[[cite N]]` in Markdown cites, in order of first use: those in its text,
    as readers get them, not those in code, titles, alt text or addresses."""
    return list(dict.fromkeys(cited_ids(render(text))))


def citation_names(ids):
    """Citations as an editor types them: "[[cite 3]], [[cite 5]]"."""
    return ", ".join(f"[[cite {n}]]" for n in ids)


def missing_citations(text, listed_ids):
    """The `[[cite N]]` in Markdown whose source N is not among `listed_ids`, as written
    ("[[cite 3]], [[cite 5]]"); "" when every citation has its source."""
    return citation_names(sorted(set(markdown_cited_ids(text)) - set(listed_ids)))


def missing_citations_message(text, listed_ids):
    """Why a page's text can't be published with these sources listed, or ""."""
    missing = sorted(set(markdown_cited_ids(text)) - set(listed_ids))
    if not missing:
        return ""
    if len(missing) == 1:
        return (
            f"The text cites {citation_names(missing)}, but that source is not in the Sources list."
        )
    return (
        f"The text cites {citation_names(missing)}, but those sources are not in the Sources list."
    )


def missing_figures(text, numbers):
    """The `[[figure N]]` lines in Markdown with no figure N among `numbers`, as written; ""
    when every marker has its figure."""
    return ", ".join(f"[[figure {n}]]" for n in sorted(marker_figure_numbers(text) - set(numbers)))


def fill_inline(html, urls, source_numbers):
    """Fill link and citation slots for readers.

    `urls` maps ("article", id) to the address of a public page; links to anything else become
    their plain text. `source_numbers` maps a Source id to its number on the page (see
    `citation_order`); citations of sources not listed are dropped."""

    def link(match):
        url = urls.get((match[1], int(match[2])))
        return f'<a href="{escape(url)}">{match[3]}</a>' if url else match[3]

    def cite(match):
        number = source_numbers.get(int(match[1]))
        return "" if number is None else citation(number)

    # HTML stored before attributes were made plain may hold slot-shaped text in one.
    html = text_nodes.plain_attributes(html)
    return CITE_SLOT_RE.sub(cite, LINK_SLOT_RE.sub(link, html))


HEADING_RE = re.compile(r'<h([23]) id="([^"]+)">(.*?)</h\1>', re.DOTALL)
ANY_SLOT_RE = re.compile(r"<!--.*?-->", re.DOTALL)


def plain_text(html):
    """Stored HTML as the words a reader reads: for search, snippets and word counts."""
    return " ".join(unescape(strip_tags(ANY_SLOT_RE.sub(" ", html))).split())


def table_of_contents(html):
    """The h2 and h3 headings of stored HTML, as [{"level", "id", "title"}], for the page's
    contents list."""
    return [
        {"level": int(level), "id": anchor, "title": unescape(strip_tags(title)).strip()}
        for level, anchor, title in HEADING_RE.findall(html)
    ]
