"""Text people type into the site's forms (reviewers' comments, readers' feedback): kept as
they typed it, without the characters they can't see."""

import unicodedata

# Control, format (bidirectional overrides, zero-width and soft hyphens) and surrogate
# characters: invisible on screen, so a comment that needs them is one made to mislead.
HIDDEN = ("Cc", "Cf", "Cs")


def clean_typed(value):
    """One line end per line, no hidden characters (line breaks and tabs stay), trimmed. Shown
    escaped, never as HTML."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        ch for ch in value if ch in "\n\t" or unicodedata.category(ch) not in HIDDEN
    ).strip()
