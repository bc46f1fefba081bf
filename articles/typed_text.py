"""Text people type into the site, made safe to store and to show anywhere.

`normalise()` is applied to every text field of the content models (`typed_fields`), however
the text arrives: a form, an import, a restore or the shell. `clean_typed()` is stricter, for
what readers and outside reviewers type (comments, feedback): without the characters they can't
see, trimmed.
"""

import re
import unicodedata

# C0 and C1 controls other than tab, line feed and carriage return (CR LF is how browsers send
# a line break), lone surrogates, and U+FFFE and U+FFFF: no keyboard types them, XML (feeds,
# sitemaps) can't carry them, and YAML reads U+0085 as a line break. Django's feeds answer 500
# on a vertical tab (U+000B), which Word pastes for a manual line break.
UNSTORABLE_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# A line end written some other way: a carriage return alone, or Unicode's line and paragraph
# separators (which YAML also reads as line breaks).
OTHER_LINE_END_RE = re.compile("\r(?!\n)|[\u2028\u2029]")

# Control, format (bidirectional overrides, zero-width and soft hyphens) and surrogate
# characters: invisible on screen, so a comment that needs them is one made to mislead.
HIDDEN = ("Cc", "Cf", "Cs")


def normalise(value):
    """`value` in Unicode NFC, without control characters but tab and line ends, with every
    line end as typed in a form (LF or CR LF)."""
    if value.isascii() and not UNSTORABLE_RE.search(value) and "\r" not in value:
        return value
    value = OTHER_LINE_END_RE.sub("\n", UNSTORABLE_RE.sub("", value))
    # After the removal: a control character between a letter and its accent kept them apart.
    return unicodedata.normalize("NFC", value)


def clean_typed(value):
    """One line end per line, no hidden characters (line breaks and tabs stay), trimmed. Shown
    escaped, never as HTML."""
    value = normalise(value).replace("\r\n", "\n")
    return "".join(
        ch for ch in value if ch in "\n\t" or unicodedata.category(ch) not in HIDDEN
    ).strip()
