"""How long the compare page, sign-off and review links take to show what changed in a long
text (articles.changes.changed_passages), on the texts that once tied up a worker and on the
longest ordinary page, in one run: as it matched lines before (difflib's SequenceMatcher
unbounded) and now (within MATCHING_BUDGET).

    .venv/bin/python bench/compare_texts.py

CPU seconds of this process; a run without the budget is stopped after LIMIT seconds.
"""

import os
import signal
import sys
import time
from difflib import SequenceMatcher
from pathlib import Path
from unittest import mock

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from bench/
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
django.setup()

from articles import changes  # noqa: E402

LIMIT = 60
REPEATED = "\n".join(["a", "b"] * 6000)
PARAGRAPHS = "\n\n".join(
    f"Paragraph {n}, a sentence of about the length people write." for n in range(1500)
)
EDITED = PARAGRAPHS.replace("Paragraph 5,", "Edited 5,").replace("Paragraph 1450,", "Edited,")

CASES = {
    "24 KB of two alternating lines, first line changed (as reported)": (
        REPEATED,
        "c\n" + REPEATED[2:],
    ),
    "24 KB of two alternating lines, first and last lines changed": (
        REPEATED,
        "c\n" + REPEATED[2:-2] + "\nd",
    ),
    "8,000 lines of x, against 8,000 of x and y in turn": (
        "\n".join(["x"] * 8000),
        "\n".join(["x", "y"] * 4000),
    ),
    "96 KB, 1,500 paragraphs, edited near both ends (ordinary)": (PARAGRAPHS, EDITED),
}


def unbounded_opcodes(old, new):
    return SequenceMatcher(None, old, new, autojunk=False).get_opcodes()


def stop(signum, frame):
    raise TimeoutError


def seconds(before, after):
    started = time.process_time()
    signal.setitimer(signal.ITIMER_PROF, LIMIT)
    try:
        changes.changed_passages(before, after)
    except TimeoutError:
        return f"> {LIMIT}"
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
    return f"{time.process_time() - started:.2f}"


def main():
    signal.signal(signal.SIGPROF, stop)
    print("| texts | before, s | now, s |\n|---|---|---|")
    for name, (before, after) in CASES.items():
        with mock.patch.object(changes, "line_opcodes", unbounded_opcodes):
            unbounded = seconds(before, after)
        print(f"| {name} | {unbounded} | {seconds(before, after)} |", flush=True)


if __name__ == "__main__":
    main()
