"""Images written in Markdown (`![alt text](address)`): every one describes itself to readers
who can't see it, and one on a line of its own shows as a block, not inside a sentence.

The alt text is what a screen reader says, and what shows when the image doesn't load, so an
image without it is refused on save (`markdown.problem`), wherever the text comes from (the
admin, an import). An image that only decorates, which readers lose nothing by not seeing,
says so with the alt text `decorative`, `![decorative](/media/...)`, and reaches readers with
`alt=""`, which tells screen readers to skip it. Both rules read the sanitized HTML of the
pipeline (`markdown._formatted`), so images written as HTML (`<img>`) follow them too.

This module imports nothing from the project: `markdown` calls it.
"""

import re
from html.parser import HTMLParser

DECORATIVE = "decorative"

# The sanitizer (nh3) writes every attribute as name="value", with `"` inside a value escaped,
# so a tag is matched whole even when a value holds a `>`.
IMG_TAG = r'<img(?:\s+[^\s"\'>/=]+="[^"]*")*\s*/?>'
DECORATIVE_ALT_RE = re.compile(rf'(\salt=")\s*{DECORATIVE}\s*(")', re.IGNORECASE)
IMG_TAG_RE = re.compile(IMG_TAG)
# Python-Markdown gives an image on a line of its own (blank lines around it) a paragraph of
# its own; the class lets the site's stylesheet show it as a block. The sanitizer strips
# classes from anything an editor types, so only this can add it.
STANDALONE_RE = re.compile(rf"<p>\s*({IMG_TAG})\s*</p>")
STANDALONE_CLASS = "image-block"


class _Images(HTMLParser):
    """The (address, alt text) of every <img> in some HTML; alt text None when absent."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            values = dict(attrs)
            self.found.append((values.get("src") or "", values.get("alt")))

    handle_startendtag = handle_starttag


def images(html):
    """(address, alt text) of each image in sanitized HTML, in order."""
    if "<img" not in html:
        return []
    parser = _Images()
    parser.feed(html)
    parser.close()
    return parser.found


def without_alt(html):
    """The addresses of the images in `html` that have no alt text (and are not marked
    `decorative`), in order, each once."""
    missing = [src for src, alt in images(html) if not (alt or "").strip()]
    return list(dict.fromkeys(missing))


def missing_alt_problem(html):
    """Why the images in `html` can't be published as they are, naming each, or None."""
    missing = without_alt(html)
    if not missing:
        return None
    names = ", ".join(f"“{src}”" if src else "with no address" for src in missing)
    example = missing[0] or "/media/…"
    subject = f"The images {names} have" if len(missing) > 1 else f"The image {names} has"
    return (
        f"{subject} no description (alt text) for readers who can't see it. Describe what it "
        f"shows between the square brackets, as in ![A chart of …]({example}), or, if it is "
        f"only decoration, write ![{DECORATIVE}]({example})."
    )


def for_readers(html):
    """Sanitized HTML as readers get it: decorative images with alt="", and an image alone in
    its paragraph marked to show as a block."""
    if "<img" not in html:
        return html
    html = IMG_TAG_RE.sub(lambda tag: DECORATIVE_ALT_RE.sub(r"\1\2", tag[0]), html)
    return STANDALONE_RE.sub(rf'<p class="{STANDALONE_CLASS}">\1</p>', html)
