"""Glossary terms marked in a page's stored HTML: the first use of each term links to its entry
on the glossary page, and its definition follows the paragraph, in a <details> a reader opens
in place, without JavaScript.

Part of the Markdown pipeline, after `markdown.render()`: models pass the published terms in
as data (`Entry`) and store the result, so a reader's request never marks anything. It imports
nothing from the project.

The rules, for editors (README, "Glossary"):

- Only text is marked: never in headings, links (internal link slots included), code, `abbr`,
  struck-through text, superscripts or subscripts; the treatment list is a slot, filled per
  request with unmarked summaries (`unmarked()`).
- Whole words only. A one-word name with a capital letter after its first letter (an
  abbreviation such as "ECT" or "mRNA") is matched as written; other names ("Electroconvulsive
  therapy", "Ketamine") in any case, with any spacing between their words.
- The first use of a term on the page, by any of its names, is marked, and nothing after it.
  Where names overlap, the longest wins ("Treatment Resistant Depression" before a term
  "Depression"), and the text of a term already marked is never marked for another.
- The definition follows the paragraph holding the mark (or closes the list item, table cell
  or quote it is in).

What marking adds is recognised by its classes, which the sanitizer strips from anything an
editor types, so `unmarked()` gives back the HTML exactly as it was before marking.
"""

import html
import re
from dataclasses import dataclass
from functools import lru_cache

from django.utils.html import escape


@dataclass(frozen=True)
class Entry:
    """A published glossary term, as marking needs it."""

    slug: str
    names: tuple  # the term and its other names, as written
    url: str  # its entry on the glossary page
    definition_html: str  # sanitized


# Ids the page itself owns start with "site-" (markdown.heading_id keeps headings off them).
ID_PREFIX = "site-term-"
# Marks and definitions, as mark() writes them and unmarked() removes them. aria-details tells
# screen readers the mark has details, and where (a closed <details> can't describe it: its
# content is not rendered).
MARK = '<a class="term" href="{url}" aria-details="{id}">{text}</a>'
DEFINITION = (
    '<details class="term-definition" id="{id}"><summary>What “{text}” means</summary>'
    '<div class="term-definition-text">{definition}</div></details>'
)
# Only pages that mark a term hold this: the sanitizer strips classes from what editors type.
MARKED = 'class="term"'
MARK_RE = re.compile(r'<a class="term" href="[^"]*" aria-details="([^"]*)">(.*?)</a>', re.S)
DEFINITION_RE = re.compile(r'<details class="term-definition" id="[^"]*">.*?</details>', re.S)

# Text inside these is never marked.
UNMARKED_INSIDE = {"a", "abbr", "code", "pre", "del", "sub", "sup", "h1", "h2", "h3", "h4", "h5"}
UNMARKED_INSIDE |= {"h6", "th"}
# A definition goes after a paragraph, or at the end of the other blocks text sits in directly.
AFTER_BLOCK = "p"
INSIDE_BLOCKS = {"li", "dd", "dt", "td", "blockquote", "div", "figcaption", "figure"}
VOID = {"br", "hr", "img", "wbr"}

TOKEN_RE = re.compile(
    r"<!--(.*?)-->|<(/?)([a-zA-Z][a-zA-Z0-9]*)(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.S
)
ENTITY_RE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")
# Internal links in a definition (article:3) are not resolved here: their text stays.
INTERNAL_LINK_RE = re.compile(r'<a href="(?:article|treatment):[^"]*"[^>]*>(.*?)</a>', re.S)


def is_abbreviation(name):
    """One word with a capital after its first letter: "ECT", "TRD", "mRNA"."""
    return not any(c.isspace() for c in name) and any(c.isupper() for c in name[1:])


# Between the words of a name: any spacing, as the sanitizer writes it (a no-break space as
# `&nbsp;`).
SPACING = r"(?:\s|&nbsp;|&#160;|&#xa0;)+"


def _name_pattern(name):
    # As the sanitizer writes text: &, < and > as references, quotes as they are ("St John's").
    words = [re.escape(html.escape(word, quote=False)) for word in name.split()]
    pattern = SPACING.join(words)
    return pattern if is_abbreviation(name) else f"(?i:{pattern})"


@lru_cache(maxsize=16)
def _matcher(entries):
    """(compiled pattern, [entry of each group]) for every name of `entries`, longest first."""
    names = sorted(
        ((name.strip(), entry) for entry in entries for name in entry.names if name.strip()),
        key=lambda pair: -len(pair[0]),
    )
    if not names:
        return None, []
    alternatives = "|".join(f"(?P<n{i}>{_name_pattern(name)})" for i, (name, _) in enumerate(names))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)"), [entry for _, entry in names]


def _inside_entity(text, start, end):
    """Whether a match from start to end cuts through a character reference (&amp;)."""
    for entity in ENTITY_RE.finditer(text):
        if entity.start() < start < entity.end() or entity.start() < end < entity.end():
            return True
    return False


def without_internal_links(definition_html):
    """A definition as shown: links to pages by number (`[text](treatment:5)`, which a
    definition doesn't resolve) become their text."""
    return INTERNAL_LINK_RE.sub(r"\1", definition_html)


def _definition(entry, text):
    definition = without_internal_links(entry.definition_html)
    return DEFINITION.format(text=text, id=escape(ID_PREFIX + entry.slug), definition=definition)


def mark(html, entries, already=()):
    """(`html` with the first use of each of `entries` marked, slugs marked). Terms whose slug
    is in `already` were marked earlier on the page (a treatment's summary before its body)."""
    pattern, by_group = _matcher(tuple(entries))
    used = set(already)
    marked = []
    if pattern is None:
        return html, marked
    out = []
    stack = []  # open elements: [name, definitions to place when it closes]
    outside = []  # definitions with no block to follow: at the end
    in_link_slot = 0
    position = 0

    def mark_text(text):
        if in_link_slot or any(name in UNMARKED_INSIDE for name, _ in stack):
            return text
        pieces, start = [], 0
        search_from = 0
        while match := pattern.search(text, search_from):
            entry = by_group[int(match.lastgroup[1:])]
            if entry.slug in used or _inside_entity(text, match.start(), match.end()):
                search_from = match.end() if entry.slug in used else match.start() + 1
                continue
            used.add(entry.slug)
            marked.append(entry.slug)
            found = match.group()
            pieces += [
                text[start : match.start()],
                MARK.format(url=escape(entry.url), id=escape(ID_PREFIX + entry.slug), text=found),
            ]
            block = next(
                (item for item in reversed(stack) if item[0] in INSIDE_BLOCKS | {AFTER_BLOCK}),
                None,
            )
            (block[1] if block else outside).append(_definition(entry, found))
            start = search_from = match.end()
        pieces.append(text[start:])
        return "".join(pieces)

    for token in TOKEN_RE.finditer(html):
        out.append(mark_text(html[position : token.start()]))
        position = token.end()
        comment, closing, name = token.group(1), token.group(2), (token.group(3) or "").lower()
        if comment is not None:
            if comment.startswith("link:"):
                in_link_slot += 1
            elif comment == "/link":
                in_link_slot = max(0, in_link_slot - 1)
            out.append(token.group())
        elif not closing:
            out.append(token.group())
            if name not in VOID and not token.group().endswith("/>"):
                stack.append([name, []])
        else:
            depth = next((i for i in range(len(stack) - 1, -1, -1) if stack[i][0] == name), None)
            if depth is None:
                out.append(token.group())
                continue
            # Elements left open inside it close with it, and their definitions follow it.
            definitions = [definition for _, held in stack[depth:] for definition in held]
            del stack[depth:]
            if name == AFTER_BLOCK:
                out += [token.group(), *definitions]
            else:
                out += [*definitions, token.group()]
    out.append(mark_text(html[position:]))
    for _, definitions in stack:
        outside.extend(definitions)
    out += outside
    return "".join(out), marked


def unmarked(html):
    """Stored HTML as it was before `mark()`: for the treatment list in an article (never
    marked), plain text, word counts and reading level."""
    if 'class="term' not in html:
        return html
    return MARK_RE.sub(r"\2", DEFINITION_RE.sub("", html))


def marked_slugs(html):
    """The slugs of the terms marked in stored HTML, in page order."""
    return [found.removeprefix(ID_PREFIX) for found, _ in MARK_RE.findall(html)]
