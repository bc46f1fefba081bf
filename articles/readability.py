"""Plain-language figures for editors: word count, reading time and Flesch–Kincaid grade.

Health information should be readable at a reading age of 9 to 11 (NHS content guidance), which
is a Flesch–Kincaid grade of about 4 to 6: grade plus five is roughly the reading age.
"""

from dataclasses import dataclass
from math import ceil

import textstat
from django.utils.html import strip_tags

WORDS_PER_MINUTE = 200
TARGET_READING_AGE = (9, 11)


@dataclass(frozen=True)
class PlainLanguage:
    words: int
    minutes: int
    grade: float | None

    @property
    def reading_age(self):
        return None if self.grade is None else round(self.grade + 5)

    @property
    def on_target(self):
        return self.reading_age is not None and self.reading_age <= TARGET_READING_AGE[1]


def measure(html):
    """Figures for stored, sanitized HTML (the text as readers get it)."""
    text = strip_tags(html)
    words = textstat.lexicon_count(text)
    grade = textstat.flesch_kincaid_grade(text) if words else None
    return PlainLanguage(words=words, minutes=max(1, ceil(words / WORDS_PER_MINUTE)), grade=grade)
