"""Words that make a person read a text first: readers' feedback that mentions self-harm or
suicide is flagged for a human to look at before anything else.

This is a plain word list, nothing more: it flags a text containing any of the words and
phrases below (whole words, any case, hyphen or space alike). It does not judge risk, read
meaning, or notice what the list leaves out; a flag only changes the order in which people read
feedback. Change the list here; the README documents it.
"""

import re

SELF_HARM_TERMS = (
    "suicide",
    "suicidal",
    "kill myself",
    "killing myself",
    "end my life",
    "ending my life",
    "take my own life",
    "want to die",
    "better off dead",
    "self harm",
    "self harming",
    "harm myself",
    "hurt myself",
    "hurting myself",
    "cut myself",
    "cutting myself",
    "overdose",
)


def _pattern(term):
    words = (re.escape(word) for word in term.split())
    return r"\b" + r"[\s\-]+".join(words) + r"\b"


SELF_HARM_RE = re.compile("|".join(_pattern(term) for term in SELF_HARM_TERMS), re.IGNORECASE)


def mentions_self_harm(text):
    return bool(text) and SELF_HARM_RE.search(text) is not None
