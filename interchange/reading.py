"""Files to content: each file read and checked into plain values, before anything is saved."""

from dataclasses import dataclass

from articles.models import Status

from .cross_file_checks import cross_file_problems
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
    GLOSSARY_DIR,
    HELPLINE_KEYS,
    OLD_HELPLINE_KEYS,
    PEOPLE_DIR,
    PERSON_PAGE_KEYS,
    SERIES_DIR,
    SERIES_KEYS,
    SOURCE_KEYS,
    TERM_KEYS,
    TREATMENT_KEYS,
    TREATMENTS_DIR,
    URGENT_HELP_FILE,
    URGENT_HELP_KEYS,
    ImportRefused,
    Problem,
    check_image_name,
)
from .front_matter import Reader, split
from .import_folder import folder_problems


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
        # Exports made before the glossary don't say: pages mark terms unless told not to.
        "mark_terms": page.boolean("mark_terms", default=True),
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


def read_term(front_matter, body):
    term = Reader(front_matter, TERM_KEYS, ("term", "slug"))
    other_names = term.items("other_names")
    if not all(isinstance(name, str) and name.strip() for name in other_names):
        raise Problem("other_names must be a list of names")
    if any("\n" in name for name in other_names):
        raise Problem("other_names must be a list of names, each on one line")
    return {
        "term": term.text("term"),
        "slug": term.text("slug"),
        "other_names": [name.strip() for name in other_names],
        "treatment": term.text("treatment") or None,
        "mark_in_pages": term.boolean("mark_in_pages", default=True),
        "status": term.text("status") or Status.DRAFT,
        "definition": body,
        **term.timestamps(),
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
    ("term", f"{GLOSSARY_DIR}/*.md", read_term),
)


@dataclass
class Document:
    path: str  # relative to the directory, as messages name it
    kind: str
    data: dict


def read_directory(root):
    # Before any file is opened: a link could point outside the folder, a FIFO hang the read.
    if problems := folder_problems(root):
        raise ImportRefused("\n".join([*problems, "Nothing was imported."]))
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
            f"{root} holds no series/, articles/, treatments/, people/, glossary/, urgent-help.md "
            "or editorial-policy.md."
        )
    return documents
