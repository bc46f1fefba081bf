"""Content to files: the text of each file of an export (see file_format.py)."""

from datetime import UTC, datetime

import yaml

from .file_format import (
    ARTICLES_DIR,
    DRAFT_NOTE_KEY,
    DRAFT_SUFFIX,
    EDITORIAL_POLICY_FILE,
    EMERGENCY_NUMBER_KEYS,
    GLOSSARY_DIR,
    HELPLINE_KEYS,
    PEOPLE_DIR,
    SERIES_DIR,
    SOURCE_FIELDS,
    TREATMENTS_DIR,
    URGENT_HELP_FILE,
)


class _Dumper(yaml.SafeDumper):
    """safe_dump's output, but readable: multi-line text as `|` blocks, times with the ISO
    8601 "T" (PyYAML writes a space)."""


def _represent_str(dumper, value):
    # PyYAML falls back to a quoted style by itself when a block can't hold the text exactly.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_datetime(dumper, value):
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(datetime, _represent_datetime)


def dump(front_matter, body):
    """A file's text: the front matter as YAML between `---` lines, then the body verbatim."""
    text = yaml.dump(
        front_matter, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=float("inf")
    )
    return f"---\n{text}---\n{body}"


def utc(moment):
    return moment.astimezone(UTC) if moment else None


def series_path(series):
    return f"{SERIES_DIR}/{series.slug}.md"


def article_path(article):
    return f"{ARTICLES_DIR}/{article.series.slug}/{article.number:03d}-{article.slug}.md"


def treatment_path(treatment):
    return f"{TREATMENTS_DIR}/{treatment.slug}.md"


def draft_document(draft):
    """The file of a live page's draft, beside the page's own: the page as the draft has it,
    named by the live page's id. Expects the draft loaded as its page would be, and its live
    page with the series."""
    live = draft.live_page
    if hasattr(draft, "series"):
        front_matter, live_path = article_front_matter(draft), article_path(live)
    else:
        front_matter, live_path = treatment_front_matter(draft), treatment_path(live)
    front_matter["id"] = live.pk
    if draft.review_note:
        front_matter[DRAFT_NOTE_KEY] = draft.review_note
    return live_path.removesuffix(".md") + DRAFT_SUFFIX, dump(front_matter, draft.body)


def username(person):
    return person.user.get_username() if person.user else None


def person_data(person):
    """How a page's file names one of its people: their file in people/ is `slug`."""
    if person is None:
        return None
    return {
        "name": person.name,
        "credentials": person.credentials,
        "user": username(person),
        "slug": person.slug,
    }


def source_data(reference):
    return {"id": reference.pk, **{key: getattr(reference, key) for key in SOURCE_FIELDS}}


def _publishing_data(page):
    return {
        "status": page.status,
        "publish_at": utc(page.publish_at),
        "author": person_data(page.author),
        "reviewer": person_data(page.reviewer),
        "last_reviewed": page.last_reviewed,
        "next_review_due": page.next_review_due,
    }


def _timestamps(obj):
    return {"created": utc(obj.created), "updated": utc(obj.updated)}


def series_document(series):
    front_matter = {"title": series.title, "slug": series.slug, **_timestamps(series)}
    return series_path(series), dump(front_matter, series.description)


def article_document(article):
    """Expects the article with series, people, treatment links, figures and sources loaded."""
    return article_path(article), dump(article_front_matter(article), article.body)


def article_front_matter(article):
    return {
        "id": article.pk,
        "title": article.title,
        "slug": article.slug,
        "series": {"slug": article.series.slug, "title": article.series.title},
        "number": article.number,
        "summary": article.summary,
        "mark_terms": article.mark_terms,
        **_publishing_data(article),
        "treatments": [link.treatment.slug for link in article.treatment_links.all()],
        "figures": [
            {
                "number": figure.number,
                "image": figure.image.name,
                "alt_text": figure.alt_text,
                "caption": figure.caption,
            }
            for figure in article.figures.all()
        ],
        "sources": [source_data(link.reference) for link in article.source_links.all()],
        **_timestamps(article),
    }


def treatment_document(treatment):
    return treatment_path(treatment), dump(treatment_front_matter(treatment), treatment.body)


def treatment_front_matter(treatment):
    return {
        "id": treatment.pk,
        "name": treatment.name,
        "slug": treatment.slug,
        "category": treatment.category,
        "ordering": treatment.ordering,
        "summary": treatment.summary,
        "mark_terms": treatment.mark_terms,
        **_publishing_data(treatment),
        "sources": [source_data(link.reference) for link in treatment.source_links.all()],
        **_timestamps(treatment),
    }


def contact_data(contact, keys):
    """An emergency number's or helpline's fields, its country as its code."""
    return {key: getattr(contact, key) for key in keys} | {"country": contact.country.code}


def urgent_help_document(callout, helplines, emergency_numbers):
    front_matter = {
        "title": callout.title,
        "emergency_numbers": [
            contact_data(number, EMERGENCY_NUMBER_KEYS) for number in emergency_numbers
        ],
        "helplines": [contact_data(line, HELPLINE_KEYS) for line in helplines],
        "updated": utc(callout.updated),
    }
    return URGENT_HELP_FILE, dump(front_matter, callout.text)


def person_path(person):
    return f"{PEOPLE_DIR}/{person.slug}.md"


def person_document(person):
    """A person's public page: what it shows besides the pages crediting them."""
    front_matter = {
        "name": person.name,
        "slug": person.slug,
        "credentials": person.credentials,
        "role": person.role,
        "conflicts_of_interest": person.conflicts_of_interest,
        "user": username(person),
    }
    return person_path(person), dump(front_matter, person.bio)


def editorial_policy_document(policy):
    front_matter = {
        "title": policy.title,
        "published": policy.published,
        "updated": utc(policy.updated),
    }
    return EDITORIAL_POLICY_FILE, dump(front_matter, policy.text)


def term_path(term):
    return f"{GLOSSARY_DIR}/{term.slug}.md"


def term_document(term):
    """A glossary term; expects its treatment loaded."""
    front_matter = {
        "term": term.term,
        "slug": term.slug,
        "other_names": term.names[1:],
        "treatment": term.treatment.slug if term.treatment else None,
        "mark_in_pages": term.mark_in_pages,
        "status": term.status,
        **_timestamps(term),
    }
    return term_path(term), dump(front_matter, term.definition)
