"""The one Markdown pipeline: Markdown in, sanitized HTML out.

Models call `render()` on save and store the result; requests never re-render. The admin's live
preview calls `render_preview()`, which is the same pipeline plus visible notes for the slots.

Slots let an article body say where content kept elsewhere goes. An editor writes, on a line of
its own:

    [[treatments]]   the article's treatment list, rendered from the Treatment entries
    [[figure 2]]     figure number 2 of the article (image and alt text kept in the Figure)

Inline, an editor can cite a source and link to another page by its number, which survives
slug changes:

    ... as studies show.[[cite 12]]          source 12, numbered as in the page's Sources list
    [read about TMS](treatment:4)            a link to treatment 4, article:N for articles

Slots are stored as HTML comments, which the sanitizer strips from anything an editor types, so a
slot can only come from this syntax. Views fill them per request with `fill_inline()`, and links
to pages that are not public become plain text for readers.
"""

import re
from dataclasses import dataclass
from html import unescape

import markdown
import nh3
from django.utils.html import escape, strip_tags
from markdown.extensions import Extension
from markdown.extensions.toc import slugify
from markdown.treeprocessors import Treeprocessor

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
CITE_RE = re.compile(r"\[\[\s*cite\s+(\d{1,12})\s*\]\]", re.IGNORECASE)
CITE_SLOT_RE = re.compile(r"<!--cite:(\d+)-->")


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
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _to_slot(match):
    figure_number = match.group(2)
    name = f"figure:{int(figure_number)}" if figure_number else "treatments"
    return f"<!--slot:{name}-->"


def render(text):
    """Markdown to sanitized HTML, with `[[...]]` marker lines turned into slots."""
    html = sanitize(_markdown_to_html(text.replace("\x00", "")))
    html = MARKER_RE.sub(_to_slot, html)
    html = LINK_RE.sub(lambda m: f"<!--link:{m[1]}:{int(m[2])}-->{m[3]}<!--/link-->", html)
    return CITE_RE.sub(lambda m: f"<!--cite:{int(m[1])}-->", html)


def plain_html(text):
    """Markdown to sanitized HTML for text without slots (e.g. the urgent-help callout)."""
    return SLOT_RE.sub("", sanitize(_markdown_to_html(text.replace("\x00", ""))))


def render_preview(text):
    """What the admin's live preview shows: `render()` with each slot explained in place."""

    def note(match):
        if match.group(1) == "treatments":
            label = "The treatment list goes here, rendered from the Treatment entries."
        else:
            label = f"Figure {match.group(2)} goes here (its image and alt text are set below)."
        return f'<p class="slot-note"><em>{escape(label)}</em></p>'

    html = SLOT_RE.sub(note, render(text))
    html = LINK_SLOT_RE.sub(lambda m: f'<a href="#" title="Link to {m[1]} {m[2]}">{m[3]}</a>', html)
    return CITE_SLOT_RE.sub(lambda m: f"<sup>[source {m[1]}]</sup>", html)


@dataclass(frozen=True)
class Slot:
    kind: str  # "html", "treatments" or "figure"
    html: str = ""
    figure_number: int | None = None


def split_slots(html):
    """Split stored HTML into a list of Slot: sanitized HTML runs and the slots between them."""
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


def marker_figure_numbers(text):
    """Figure numbers that `[[figure N]]` lines in Markdown refer to, for validation."""
    return {
        int(n) for n in re.findall(r"^\s*\[\[\s*figure\s+(\d{1,4})\s*\]\]\s*$", text, re.I | re.M)
    }


def count_treatment_markers(text):
    return len(re.findall(r"^\s*\[\[\s*treatments\s*\]\]\s*$", text, re.I | re.M))


def linked_ids(html):
    """The ids each kind of internal link in stored HTML points at: {"article": {3}, ...}."""
    found = {kind: set() for kind in LINK_KINDS}
    for match in LINK_SLOT_RE.finditer(html):
        found[match[1]].add(int(match[2]))
    return found


def cited_ids(html):
    return [int(match[1]) for match in CITE_SLOT_RE.finditer(html)]


def markdown_link_ids(text):
    """Internal link targets written in Markdown, for validation before saving."""
    found = {kind: set() for kind in LINK_KINDS}
    for kind, number in re.findall(r"\]\(\s*(article|treatment):(\d{1,12})\s*\)", text):
        found[kind].add(int(number))
    return found


def markdown_cited_ids(text):
    return {int(number) for number in CITE_RE.findall(text)}


def fill_inline(html, urls, source_numbers):
    """Fill link and citation slots for readers.

    `urls` maps ("article", id) to the address of a public page; links to anything else become
    their plain text. `source_numbers` maps a Reference id to its number in the Sources list;
    citations of sources not listed are dropped."""

    def link(match):
        url = urls.get((match[1], int(match[2])))
        return f'<a href="{escape(url)}">{match[3]}</a>' if url else match[3]

    def cite(match):
        number = source_numbers.get(int(match[1]))
        if number is None:
            return ""
        return (
            f'<sup class="cite"><a href="#source-{number}" aria-label="Source {number}">'
            f"[{number}]</a></sup>"
        )

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
