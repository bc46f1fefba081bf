"""Sanitized HTML read tag by tag, so that what the Markdown pipeline adds to it goes into text.

Two steps of the pipeline work on the sanitizer's output with patterns, and both once reached
into attributes: `[[cite N]]` in a link's title, an image's alt text or an `<abbr title>` became a
citation's HTML pasted inside the attribute (its quotes closing it early), and an attribute
holding text shaped like a slot comment was filled or split like one. So:

- `plain_attributes()` writes `<` and `>` in attribute values as entities (the sanitizer leaves
  them bare). The value means the same, and a slot comment can then only be a real comment.
- `cite_slots()` turns `[[cite N]]` into a slot only in text: never in attributes (titles, alt
  text, URLs), never in code, and a marker inside a link is placed right after the link, since a
  citation is itself a link and links don't nest.

Imports nothing from the project.
"""

import re

CITE_RE = re.compile(r"\[\[\s*cite\s+(\d{1,12})\s*\]\]", re.IGNORECASE)
# A comment, or a tag with its attributes (the sanitizer always quotes values with `"`).
TOKEN_RE = re.compile(r'<!--.*?-->|<(/?)([a-zA-Z][a-zA-Z0-9]*)(?:[^>"]|"[^"]*")*>', re.S)
QUOTED_RE = re.compile(r'"[^"]*"')
BARE_IN_VALUE_RE = re.compile(r'="[^"]*[<>]')
# Text inside these is shown as written.
VERBATIM = {"code", "pre"}


def _plain_value(match):
    return match[0].replace("<", "&lt;").replace(">", "&gt;")


def plain_attributes(html):
    """`html` with `<` and `>` in attribute values written as entities."""
    # Sanitized text writes `<` and `>` as entities, so a bare one after `="` is almost always
    # in an attribute: most HTML has none, and is returned without reading it tag by tag.
    if not BARE_IN_VALUE_RE.search(html):
        return html

    def tag(match):
        token = match[0]
        if token.startswith("<!--") or '"' not in token:
            return token
        return QUOTED_RE.sub(_plain_value, token)

    return TOKEN_RE.sub(tag, html)


def cite_slots(html):
    """Sanitized `html` with each `[[cite N]]` in its text turned into a `<!--cite:N-->` slot."""
    if not CITE_RE.search(html):
        return html
    html = plain_attributes(html)
    out = []
    verbatim = 0
    links = 0
    after_link = []  # slots of markers inside the link being read
    position = 0

    def text(value):
        if verbatim:
            return value
        slots = [f"<!--cite:{int(match[1])}-->" for match in CITE_RE.finditer(value)]
        if links:
            after_link.extend(slots)
            return CITE_RE.sub("", value)
        return CITE_RE.sub(lambda match: f"<!--cite:{int(match[1])}-->", value)

    for token in TOKEN_RE.finditer(html):
        out.append(text(html[position : token.start()]))
        out.append(token[0])
        position = token.end()
        closing, name = token[1], (token[2] or "").lower()
        step = -1 if closing else 1
        if name in VERBATIM:
            verbatim = max(0, verbatim + step)
        elif name == "a":
            links = max(0, links + step)
            if not links:
                out.extend(after_link)
                after_link.clear()
    out.append(text(html[position:]))
    out.extend(after_link)
    return "".join(out)
