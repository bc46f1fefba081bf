"""How long the Markdown pipeline takes to refuse text that can't be formatted in good time.

    .venv/bin/python bench/markdown_refusals.py

For each pathological text: the time `markdown.problem()` takes now, and the time the formatter
alone takes to be stopped by its 2 s limit (what a refusal cost before the bracket pre-check,
articles/markdown_brackets.py).
"""

import contextlib
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trdsite.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from articles import markdown  # noqa: E402

TEXTS = {
    "3,000 unclosed [": "[" * 3_000,
    "2,000 unclosed [ between words": "[x " * 2_000,
    "3,000 unclosed ![": "![" * 3_000,
    "2,000 links whose ( never closes": "[a](" * 2_000,
    "50,000 unclosed [": "[" * 50_000,
}


def timed(function, *args):
    markdown._formatted_within_length.cache_clear()
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def main():
    print(f"{'text':34} {'refused now':>12} {'formatter alone':>16}")
    for name, text in TEXTS.items():
        now, message = timed(markdown.problem, text)
        assert message == markdown.TOO_SLOW_MESSAGE, message
        markdown._formatted_within_length.cache_clear()
        started = time.perf_counter()
        with contextlib.suppress(markdown._OutOfTime):
            markdown._with_time_limit(markdown.RENDER_SECONDS, markdown._markdown_to_html, text)
        before = time.perf_counter() - started
        print(f"{name:34} {now * 1000:10.1f}ms {before:15.2f}s")


if __name__ == "__main__":
    main()
