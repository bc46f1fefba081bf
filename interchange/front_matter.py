"""What every file shares: its text split into front matter and body, and the front matter read
key by key into checked Python values (reading.py reads each kind of file with them)."""

import re
from datetime import date, datetime

import yaml
from django.utils import timezone

from .file_format import PERSON_KEYS, TIMESTAMP_KEYS, Problem

OPENING_RE = re.compile(r"---\r?\n")
# With re.M, ^ matches only after "\n": a "---" inside a YAML value is always indented.
CLOSING_RE = re.compile(r"^---\r?$\n?", re.M)


def split(text):
    """(front matter as a dict, body) of a file's text."""
    text = text.removeprefix("\ufeff")  # left by some Windows editors
    opening = OPENING_RE.match(text)
    if not opening:
        raise Problem("a file starts with a line “---”, the front matter, then another “---”")
    closing = CLOSING_RE.search(text, opening.end())
    if not closing:
        raise Problem("the front matter has no closing “---” line")
    try:
        front_matter = yaml.safe_load(text[opening.end() : closing.start()])
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 2 if error.problem_mark else "?"
        raise Problem(f"invalid YAML in the front matter, line {line}: {error.problem}") from None
    except yaml.YAMLError as error:
        raise Problem(f"invalid YAML in the front matter: {error}") from None
    if front_matter is None:
        front_matter = {}
    if not isinstance(front_matter, dict):
        raise Problem("the front matter must be keys with values, such as “title: …”")
    return front_matter, text[closing.end() :]


class Reader:
    """A front-matter mapping read key by key into Python values; messages name the key."""

    def __init__(self, data, keys, required, where=""):
        self.where = where
        if not isinstance(data, dict):
            raise Problem(f"{where.rstrip('.') or 'the front matter'} must be keys with values")
        unknown = [str(key) for key in data if key not in keys]
        if unknown:
            raise Problem(
                f"unknown key {', '.join(self.name(key) for key in unknown)} "
                f"(the keys are: {', '.join(keys)})"
            )
        missing = [key for key in required if data.get(key) is None]
        if missing:
            raise Problem(f"missing {', '.join(self.name(key) for key in missing)}")
        self.data = data

    def name(self, key):
        return f"{self.where}{key}"

    def text(self, key):
        value = self.data.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise Problem(f"{self.name(key)} must be text (put it in quotes)")
        return value

    def integer(self, key, default=None):
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            raise Problem(f"{self.name(key)} must be a whole number")
        return value

    def boolean(self, key, default=False):
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise Problem(f"{self.name(key)} must be true or false")
        return value

    def day(self, key):
        value = self.data.get(key)
        if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
            return value
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            raise Problem(f"{self.name(key)} must be a date such as 2026-01-31") from None

    def moment(self, key):
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                value = None
        if not isinstance(value, datetime):
            raise Problem(f"{self.name(key)} must be a time such as 2026-01-31T09:00:00+00:00")
        return value if timezone.is_aware(value) else timezone.make_aware(value)

    def items(self, key):
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise Problem(f"{self.name(key)} must be a list (lines starting with “- ”)")
        return value

    def person(self, key):
        value = self.data.get(key)
        if value is None:
            return None
        person = Reader(value, PERSON_KEYS, ("name",), f"{self.name(key)}.")
        return {
            "name": person.text("name"),
            "credentials": person.text("credentials"),
            "user": person.text("user") or None,
            "slug": person.text("slug") or None,
        }

    def timestamps(self):
        return {key: self.moment(key) for key in TIMESTAMP_KEYS}
