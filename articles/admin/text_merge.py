"""One text field saved by two editors: merged line by line against the version both started
from (merge3, the three-way merge of Bazaar and Breezy), so that changes to different
paragraphs (a Markdown paragraph is a line) both survive and only a paragraph changed by both is
left to the editor. Without that version, every place where the two texts differ is left to the
editor. Pure text: nothing here knows about forms or models."""

import hashlib
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import mark_safe
from merge3 import Merge3

MINE, THEIRS, EDIT = "mine", "theirs", "edit"
CHOICES = (MINE, THEIRS, EDIT)
# Words, runs of spaces and single signs: what the highlighting of a conflict compares.
TOKENS = re.compile(r"\s+|\w+|[^\w\s]")
# A Markdown list item's first line (in a quote or not): "- ", "* ", "+ ", "1. ", "1) ".
LIST_ITEM = re.compile(r"^(?:[ \t]*>)*[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")


@dataclass(frozen=True)
class Block:
    """A run of the merged text: agreed (`conflict` False, its `text` settled, `theirs_only`
    when it is their change merged in) or changed by both (their text and yours)."""

    text: str = ""
    conflict: bool = False
    theirs: str = ""
    yours: str = ""
    theirs_only: bool = False
    key: str = ""


def lines(text):
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").splitlines(keepends=True)


def merge(base, theirs, yours, name=""):
    """Blocks of the three-way merge; with no base (None), of the two texts compared."""
    if base is None:
        blocks = _two_way(lines(theirs), lines(yours))
    else:
        blocks = []
        for kind, *groups in Merge3(lines(base), lines(theirs), lines(yours)).merge_groups():
            if kind == "conflict":
                _, their_lines, your_lines = groups
                blocks.append(
                    Block(conflict=True, theirs="".join(their_lines), yours="".join(your_lines))
                )
            else:
                blocks.append(Block(text="".join(groups[0]), theirs_only=kind == "a"))
    return keyed(blocks, name)


def _two_way(their_lines, your_lines):
    matcher = SequenceMatcher(None, their_lines, your_lines, autojunk=False)
    blocks = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            blocks.append(Block(text="".join(their_lines[i1:i2])))
        else:
            theirs, yours = "".join(their_lines[i1:i2]), "".join(your_lines[j1:j2])
            blocks.append(Block(conflict=True, theirs=theirs, yours=yours))
    return blocks


def keyed(blocks, name):
    """Each conflict named by what it holds, so that a choice made on the form finds its
    conflict again when the merge is redone on the next save, and fits no other."""
    seen = {}
    named = []
    for block in blocks:
        if block.conflict:
            digest = hashlib.sha256(f"{name}\0{block.theirs}\0{block.yours}".encode()).hexdigest()
            seen[digest] = seen.get(digest, 0) + 1
            block = Block(
                conflict=True,
                theirs=block.theirs,
                yours=block.yours,
                key=f"{digest[:16]}{seen[digest]}",
            )
        named.append(block)
    return named


def conflicts(blocks):
    return [block for block in blocks if block.conflict]


def resolve(blocks, choose):
    """The merged text, each conflict settled by `choose(block)`: (MINE, ""), (THEIRS, "") or
    (EDIT, the combined text); None leaves yours in place. Returns the text and the conflicts
    left without a choice."""
    parts, open_ = [], []
    for block in blocks:
        if not block.conflict:
            parts.append(block.text)
            continue
        choice, edited = choose(block) or (None, "")
        if choice == THEIRS:
            parts.append(block.theirs)
        elif choice == EDIT:
            parts.append(_as_block(edited, block))
        else:
            parts.append(block.yours)
            if choice != MINE:
                open_.append(block)
    return "".join(parts), open_


def _as_block(edited, block):
    text = "".join(lines(edited))
    # The lines after it start on a line of their own, as they did after either side.
    if text and not text.endswith("\n") and (block.yours or block.theirs).endswith("\n"):
        text += "\n"
    return text


def combined(block):
    """Both texts of a conflict, theirs first, to combine by hand. Paragraphs are kept apart by
    a blank line; list items follow each other line by line, as a blank line between them would
    make the list loose (each item a paragraph) or end it."""
    theirs = (
        block.theirs if block.theirs.endswith("\n") or not block.theirs else block.theirs + "\n"
    )
    if not (theirs and block.yours):
        return theirs + block.yours
    gap = "" if _ends_in_list(theirs) and _starts_list(block.yours) else "\n"
    return theirs + gap + block.yours


def _starts_list(text):
    return bool(LIST_ITEM.match(text))


def _ends_in_list(text):
    """Whether the last paragraph of `text` is a list (its last item may run over lines)."""
    paragraph = re.split(r"\n[ \t]*\n", text.rstrip("\n"))[-1]
    return any(LIST_ITEM.match(line) for line in paragraph.splitlines())


def highlighted(theirs, yours):
    """Both texts as HTML, the words each has and the other hasn't in <mark>."""
    their_tokens, your_tokens = TOKENS.findall(theirs), TOKENS.findall(yours)
    matcher = SequenceMatcher(None, their_tokens, your_tokens, autojunk=False)
    their_html, your_html = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        their_part, your_part = "".join(their_tokens[i1:i2]), "".join(your_tokens[j1:j2])
        if tag == "equal":
            their_html.append(escape(their_part))
            your_html.append(escape(your_part))
            continue
        their_html.append(_marked(their_part))
        your_html.append(_marked(your_part))
    return mark_safe("".join(their_html)), mark_safe("".join(your_html))  # noqa: S308 - escaped


def _marked(text):
    if not text.strip():
        return escape(text)
    return f"<mark>{escape(text)}</mark>"
