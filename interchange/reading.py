"""Files to content: each file read and checked into plain values, before anything is saved."""

import re
from dataclasses import dataclass
from datetime import date, datetime

import yaml
from django.utils import timezone

from articles.models import Status

from .file_format import (
    ARTICLE_KEYS,
    ARTICLES_DIR,
    CHECKED_KEYS,
    DRAFT_NOTE_KEY,
    DRAFT_SUFFIX,
    EDITORIAL_POLICY_FILE,
    EDITORIAL_POLICY_KEYS,
    EMERGENCY_NUMBER_KEYS,
    FIGURE_KEYS,
    HELPLINE_KEYS,
    OLD_HELPLINE_KEYS,
    PEOPLE_DIR,
    PERSON_KEYS,
    PERSON_PAGE_KEYS,
    SERIES_DIR,
    SERIES_KEYS,
    SOURCE_KEYS,
    TIMESTAMP_KEYS,
    TREATMENT_KEYS,
    TREATMENTS_DIR,
    URGENT_HELP_FILE,
    URGENT_HELP_KEYS,
    ImportRefused,
    Problem,
    check_image_name,
)

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


def read_source(value, where):
    source = Reader(value, SOURCE_KEYS, ("title",), where)
    texts = ("title", "authors", "publication", "doi", "pmid", "url")
    return {
        "id": source.integer("id"),
        **{key: source.text(key) for key in texts},
        "year": source.integer("year"),
        "accessed": source.day("accessed"),
    }


def _read_publishing(page):
    sources = page.items("sources")
    return {
        "id": page.integer("id"),
        "slug": page.text("slug"),
        "status": page.text("status") or Status.DRAFT,
        "publish_at": page.moment("publish_at"),
        "author": page.person("author"),
        "reviewer": page.person("reviewer"),
        "last_reviewed": page.day("last_reviewed"),
        "next_review_due": page.day("next_review_due"),
        "sources": [read_source(s, f"sources[{i}].") for i, s in enumerate(sources, 1)],
        **page.timestamps(),
    }


def read_series(front_matter, body):
    series = Reader(front_matter, SERIES_KEYS, ("title", "slug"))
    return {
        "title": series.text("title"),
        "slug": series.text("slug"),
        "description": body,
        **series.timestamps(),
    }


def read_article(front_matter, body):
    article = Reader(front_matter, ARTICLE_KEYS, ("title", "slug", "series", "number", "summary"))
    series = Reader(article.data["series"], ("slug", "title"), ("slug",), "series.")
    figures = []
    for i, value in enumerate(article.items("figures"), 1):
        figure = Reader(value, FIGURE_KEYS, ("number", "image", "alt_text"), f"figures[{i}].")
        figures.append(
            {
                "number": figure.integer("number"),
                "image": check_image_name(figure.text("image")),
                "alt_text": figure.text("alt_text"),
                "caption": figure.text("caption"),
            }
        )
    treatments = article.items("treatments")
    if not all(isinstance(slug, str) for slug in treatments):
        raise Problem("treatments must be a list of treatment slugs")
    return {
        **_read_publishing(article),
        "title": article.text("title"),
        "series": series.text("slug"),
        "number": article.integer("number"),
        "summary": article.text("summary"),
        "body": body,
        "treatments": treatments,
        "figures": figures,
    }


def read_treatment(front_matter, body):
    treatment = Reader(front_matter, TREATMENT_KEYS, ("name", "slug", "category", "summary"))
    return {
        **_read_publishing(treatment),
        "name": treatment.text("name"),
        "category": treatment.text("category"),
        "ordering": treatment.integer("ordering", default=0),
        "summary": treatment.text("summary"),
        "body": body,
    }


def read_contact(value, keys, required, where):
    """An emergency number or a helpline: text, but `shown_on_pages` and `last_checked`."""
    contact = Reader(value, keys, required, where)
    return {
        **{key: contact.text(key) for key in keys if key not in CHECKED_KEYS},
        "shown_on_pages": contact.boolean("shown_on_pages"),
        "last_checked": contact.day("last_checked"),
    }


def read_urgent_help(front_matter, body):
    callout = Reader(front_matter, URGENT_HELP_KEYS, ("title",))
    numbers = [
        read_contact(
            value, EMERGENCY_NUMBER_KEYS, ("country", "number"), f"emergency_numbers[{i}]."
        )
        for i, value in enumerate(callout.items("emergency_numbers"), 1)
    ]
    helplines = []
    for i, value in enumerate(callout.items("helplines"), 1):
        if isinstance(value, dict) and any(key in value for key in OLD_HELPLINE_KEYS):
            raise Problem(
                f"helplines[{i}] has {', '.join(OLD_HELPLINE_KEYS)}: it was exported before "
                "helplines had a country. Write each helpline with "
                f"{', '.join(HELPLINE_KEYS)}, and emergency numbers under emergency_numbers, "
                "or leave urgent-help.md out of the import"
            )
        helplines.append(read_contact(value, HELPLINE_KEYS, ("name",), f"helplines[{i}]."))
    return {
        "title": callout.text("title"),
        "text": body,
        "emergency_numbers": numbers,
        "helplines": helplines,
        "updated": callout.moment("updated"),
    }


def read_person(front_matter, body):
    person = Reader(front_matter, PERSON_PAGE_KEYS, ("name", "slug"))
    return {
        **{key: person.text(key) for key in PERSON_PAGE_KEYS if key != "user"},
        "user": person.text("user") or None,
        "bio": body,
    }


def read_editorial_policy(front_matter, body):
    policy = Reader(front_matter, EDITORIAL_POLICY_KEYS, ("title",))
    if not body.strip():
        raise Problem("the editorial policy has no text: write it after the front matter")
    return {
        "title": policy.text("title"),
        "text": body,
        "published": policy.boolean("published"),
        "updated": policy.moment("updated"),
    }


def reading_draft(read_page):
    """A reader of a draft's file: its page's fields, the live page's `id`, a status that is
    not public, and the publisher's note if it was sent back."""

    def read(front_matter, body):
        front_matter = dict(front_matter or {})
        note = front_matter.pop(DRAFT_NOTE_KEY, "") or ""
        if not isinstance(note, str):
            raise Problem(f"{DRAFT_NOTE_KEY} must be text")
        data = read_page(front_matter, body)
        if data["id"] is None:
            raise Problem("id must name the published page this is a draft of")
        if data["status"] not in (Status.DRAFT, Status.REVIEW):
            raise Problem("a draft's status is draft or review: only a sign-off publishes it")
        return {**data, "review_note": note}

    return read


KINDS = (
    ("series", f"{SERIES_DIR}/*.md", read_series),
    ("treatment", f"{TREATMENTS_DIR}/*.md", read_treatment),
    ("article", f"{ARTICLES_DIR}/*/*.md", read_article),
    ("treatment-draft", f"{TREATMENTS_DIR}/*{DRAFT_SUFFIX}", reading_draft(read_treatment)),
    ("article-draft", f"{ARTICLES_DIR}/*/*{DRAFT_SUFFIX}", reading_draft(read_article)),
    ("urgent-help", URGENT_HELP_FILE, read_urgent_help),
    ("person", f"{PEOPLE_DIR}/*.md", read_person),
    ("editorial-policy", EDITORIAL_POLICY_FILE, read_editorial_policy),
)


@dataclass
class Document:
    path: str  # relative to the directory, as messages name it
    kind: str
    data: dict


def read_directory(root):
    documents, problems = [], []
    for kind, pattern, read in KINDS:
        for path in sorted(root.glob(pattern)):
            name = path.relative_to(root).as_posix()
            if name.endswith(DRAFT_SUFFIX) and not kind.endswith("-draft"):
                continue  # read as a draft
            try:
                # Bytes, not read_text(): newline translation would change the bodies.
                text = path.read_bytes().decode("utf-8")
                documents.append(Document(name, kind, read(*split(text))))
            except UnicodeDecodeError:
                problems.append(f"{name}: not UTF-8 text")
            except Problem as problem:
                problems.append(f"{name}: {problem}")
    problems += cross_file_problems(documents)
    if problems:
        raise ImportRefused("\n".join([*problems, "Nothing was imported."]))
    if not documents:
        raise ImportRefused(
            f"{root} holds no series/, articles/, treatments/, people/, urgent-help.md or "
            "editorial-policy.md."
        )
    return documents


def people_named(doc):
    """The people a file describes: a person's own file, or a page's author and reviewer."""
    if doc.kind == "person":
        return [doc.data]
    return [person for person in (doc.data.get("author"), doc.data.get("reviewer")) if person]


def cross_file_problems(documents):
    """What no single file shows: a slug or id in two files, a shared source or person
    described two ways, or an entry listed twice in one file."""
    problems, first_seen, references, users = [], {}, {}, {}
    people_files = {doc.data["slug"]: doc for doc in documents if doc.kind == "person"}
    for doc in documents:
        data = doc.data
        claims = [("slug", data.get("slug")), ("id", data.get("id"))]
        for key, value in claims:
            if value is not None:
                first = first_seen.setdefault((doc.kind, key, value), doc.path)
                if first != doc.path:
                    problems.append(f"{doc.path}: {key} {value} is also used by {first}")
        for key, listed in (
            ("sources", [source["id"] for source in data.get("sources", ()) if source["id"]]),
            ("treatments", data.get("treatments", [])),
            ("figures", [figure["number"] for figure in data.get("figures", ())]),
        ):
            twice = sorted({str(item) for item in listed if listed.count(item) > 1})
            if twice:
                problems.append(f"{doc.path}: {key} lists {', '.join(twice)} more than once")
        for source in data.get("sources", ()):
            if source["id"] is not None:
                path, described = references.setdefault(source["id"], (doc.path, source))
                if described != source:
                    problems.append(
                        f"{doc.path}: source {source['id']} differs from the same source in "
                        f"{path}; every file listing a source must describe it the same way"
                    )
        for person in people_named(doc):
            key = (person["name"], person["credentials"])
            own = people_files.get(person["slug"]) if doc.kind != "person" else None
            if own and (own.data["name"], own.data["credentials"]) != key:
                problems.append(
                    f"{doc.path}: {person['name']} ({person['slug']}) is named "
                    f"“{own.data['name']}”, credentials “{own.data['credentials']}”, in "
                    f"{own.path}; a page names a person as their own file does"
                )
            if person["user"]:
                path, user = users.setdefault(key, (doc.path, person["user"]))
                if user != person["user"]:
                    problems.append(
                        f"{doc.path}: {person['name']} has user {person['user']} here but "
                        f"{user} in {path}"
                    )
    return problems
