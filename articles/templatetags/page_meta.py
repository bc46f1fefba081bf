"""What the <head> of a readers' page says about it."""

from html import unescape

from django import template
from django.utils.html import escape, strip_tags

register = template.Library()

# Search engines show about this much of a description; longer ones are cut mid-sentence.
DESCRIPTION_LENGTH = 160


@register.filter
def meta_description(html, length=DESCRIPTION_LENGTH):
    """The rendered (escaped) text as one line of at most `length` characters, cut after a
    word with "…", escaped again: `{% filter %}` gets its contents as rendered HTML."""
    text = " ".join(unescape(strip_tags(str(html))).split())
    if len(text) > length:
        cut = text[: length - 1]
        if " " in cut:
            cut = cut[: cut.rindex(" ")]
        text = cut.rstrip(" ,;:.-–—") + "…"
    return escape(text)
