"""Text whose brackets would keep Python-Markdown busy for seconds is refused before formatting.

Python-Markdown scans from every `[` to its `]` (and from every `](` to its `)`), to the end of
the block when there is none: a few thousand unclosed `[` took the whole 2 s time limit to refuse.
The pre-check counts that scanning in one pass and refuses such text at once, with the message
the time limit gives; ordinary text, with plenty of links and brackets, still reaches the
formatter.
"""

import pytest

from articles import markdown, markdown_brackets

PATHOLOGICAL = {
    "3,000 unclosed brackets": "[" * 3_000,
    "unclosed brackets between words": "[x " * 2_000,
    "unclosed image brackets": "![" * 3_000,
    "3,000 brackets nested and closed": "[" * 3_000 + "]" * 3_000,
    "links whose parentheses never close": "[a](" * 2_000,
    "unclosed brackets on lines of one paragraph": "Intro.\n" + "[a\n" * 2_000,
    "unclosed brackets after a long paragraph": "Word " * 5_000 + "[" * 1_000,
}

ORDINARY = {
    "hundreds of links": "See [the guide](https://example.com/guide) for more. " * 600,
    "one unclosed bracket in a long paragraph": "[" + "Word " * 19_000,
    "an unclosed bracket in each of many paragraphs": "[Note: example text\n\n" * 3_000,
    "citations and internal links": "As studies show.[[cite 12]] [TMS](treatment:4) " * 500,
    "code with brackets": "```\n" + "a[i][j] = b[(k)]\n" * 2_000 + "```\n",
}


@pytest.fixture
def formatter_must_not_run(monkeypatch):
    markdown._formatted_within_length.cache_clear()

    def refuse(text):
        raise AssertionError("the formatter ran")

    monkeypatch.setattr(markdown, "_markdown_to_html", refuse)
    yield
    markdown._formatted_within_length.cache_clear()


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_costly_brackets_are_refused_without_formatting(formatter_must_not_run, text):
    assert markdown.problem(text) == markdown.TOO_SLOW_MESSAGE


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_text_stored_anyway_is_shown_escaped_without_formatting(formatter_must_not_run, text):
    html = markdown.render(text)

    assert html.startswith("<p>")
    assert "<a" not in html


@pytest.mark.parametrize("text", ORDINARY.values(), ids=ORDINARY.keys())
def test_ordinary_brackets_reach_the_formatter(monkeypatch, text):
    # The formatter is replaced, so the test says whether it is called, however busy the machine.
    formatted = []
    monkeypatch.setattr(markdown, "_markdown_to_html", lambda text: formatted.append(text) or "")
    markdown._formatted_within_length.cache_clear()
    try:
        assert markdown.problem(text) is None
    finally:
        markdown._formatted_within_length.cache_clear()
    assert formatted == [text]


def test_the_message_is_the_one_the_time_limit_gives(monkeypatch):
    markdown._formatted_within_length.cache_clear()

    def out_of_time(text):
        raise markdown._OutOfTime

    monkeypatch.setattr(markdown, "_markdown_to_html", out_of_time)
    try:
        assert markdown.problem("Example text.") == markdown.TOO_SLOW_MESSAGE
    finally:
        markdown._formatted_within_length.cache_clear()


@pytest.mark.parametrize(
    ("text", "cost"),
    [
        ("[ab]", 3),
        ("[ab](cd)", 3 + 4),
        ("[[ab]]", 3 + 5),
        ("[abc", 4),
        ("[a\n\n[b", 2 + 2),  # a blank line ends the scan
        ("[a](b(c)d", 3 + 6),  # the link's `(` scans past the inner pair to the end
        ("(a) ] ) [b]", 2),  # stray closers and plain parentheses cost nothing
    ],
)
def test_scan_cost_counts_the_distance_each_bracket_is_scanned(text, cost):
    assert markdown_brackets.scan_cost(text) == cost
