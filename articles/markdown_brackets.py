"""How much scanning the brackets in a Markdown text cost Python-Markdown, counted before it runs.

For every `[` Python-Markdown's link, image and reference patterns scan forward to its matching
`]`, to the end of the block when there is none; after `](` they scan the same way to the
matching `)`. A few thousand unclosed `[` in one paragraph therefore cost millions of steps, and
the formatter would only be stopped by its time limit, seconds later. `scan_cost()` adds those
distances up in one linear pass, so such text is refused at once, with the message the time
limit gives.

Counted per block, i.e. between blank lines (Python-Markdown formats inline text one block at a
time, and no block spans a blank line outside code); brackets in code and escaped brackets are
counted too, which only makes the count a little higher than the work.
"""

import re

BLOCK_SPLIT_RE = re.compile(r"\n[^\S\n]*\n")
BRACKET_RE = re.compile(r"\]\(|[\[\]()]")

# Characters scanned, summed over the text. Python-Markdown takes about 1 s per million here
# (under the time limit's trace function two to three times that), so this stays well inside
# the 2 s the formatter is given, while prose, even with hundreds of links, counts a few
# thousand.
MAX_SCAN = 200_000


def _block_cost(block, start, end):
    """The characters scanned for the brackets of text[start:end]."""
    cost = 0
    squares = []  # positions of `[` not yet closed
    parens = []  # (position, whether a link's `](` opened it) for `(` not yet closed
    for match in BRACKET_RE.finditer(block, start, end):
        bracket, position = match[0], match.start()
        if bracket == "[":
            squares.append(position)
        elif bracket == "]":
            if squares:
                cost += position - squares.pop()
        elif bracket == "](":
            if squares:
                cost += position - squares.pop()
            parens.append((position, True))
        elif bracket == "(":
            parens.append((position, False))
        elif parens:
            opened, by_link = parens.pop()
            if by_link:
                cost += position - opened
    cost += sum(end - position for position in squares)
    cost += sum(end - position for position, by_link in parens if by_link)
    return cost


def scan_cost(text):
    """The characters Python-Markdown scans for the brackets in `text`, roughly; linear time."""
    cost = 0
    start = 0
    for separator in BLOCK_SPLIT_RE.finditer(text):
        cost += _block_cost(text, start, separator.start())
        start = separator.end()
    return cost + _block_cost(text, start, len(text))


def too_costly(text):
    return scan_cost(text) > MAX_SCAN
