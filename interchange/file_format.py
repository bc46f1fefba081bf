"""Content as Markdown files with YAML front matter, so editors' work is never locked into the
site: `manage.py export_markdown` writes them and `manage.py import_markdown` reads them back.

Each file is

    ---
    <YAML: every field an editor entered, except the Markdown body>
    ---
    <the Markdown body, byte for byte: Windows newlines and surrounding blank lines kept>

laid out as

    series/<slug>.md                             a series; the body is its description
    articles/<series slug>/<number>-<slug>.md    an article; the body is its body
    treatments/<slug>.md                         a treatment; the body is its optional longer text
    urgent-help.md                               the urgent-help callout: its emergency
                                                 numbers and helplines; the body is its text
    people/<slug>.md                             a person (author, medical reviewer): their
                                                 public page's details; the body is their bio
    editorial-policy.md                          the editorial policy, if one was written; the
                                                 body is its text
    glossary/<slug>.md                           a glossary term: the term, its other names (a
                                                 list), its treatment's slug, whether pages
                                                 mark it, its status; the body is its
                                                 definition
    media/<image name>                           figure images, under their stored names

A published page with changes awaiting sign-off (its draft) has a second file beside its own,
named like it but ending `.draft.md`: the page as the draft has it, with the live page's `id`,
status draft or review, and `changes_requested` (a publisher's note) when it was sent back.

Articles, treatments and sources carry their `id`, because `[text](article:3)`,
`[text](treatment:5)` and `[[cite 12]]` in the Markdown name them by it. A page names each of its
people by name, credentials and `slug` (their file in people/, which the name and credentials
must match); a page file without the slug (older exports, files written by hand) names them by
name and credentials alone. `user` is the username of their admin account. The series title in
an article's file is there for whoever reads the file: a series is edited in its own file, and a
person's role, bio and declared conflicts in theirs. Derived fields (the `*_html` fields, plain
text, word count, search vector, contents list, figure size) are not written: saving rebuilds
them. Times are ISO 8601 in UTC, dates ISO 8601. A page's `mark_terms` says whether glossary
terms are marked in it (true when left out, as in exports made before the glossary).

`writing` turns content into file text, `reading` checks files into plain values, and
`importing` saves those values (see `Importer` for what an import keeps and refuses), with
`about_pages` for people and the editorial policy, `glossary_import` for glossary terms, and
`images` for figure images the site lacks.
"""

import posixpath

SERIES_DIR = "series"
ARTICLES_DIR = "articles"
TREATMENTS_DIR = "treatments"
URGENT_HELP_FILE = "urgent-help.md"
PEOPLE_DIR = "people"
EDITORIAL_POLICY_FILE = "editorial-policy.md"
GLOSSARY_DIR = "glossary"
MEDIA_DIR = "media"
# What an export owns in its directory; anything else there (a README, .git) is left alone.
EXPORT_PATHS = (
    SERIES_DIR, ARTICLES_DIR, TREATMENTS_DIR, URGENT_HELP_FILE, PEOPLE_DIR,
    EDITORIAL_POLICY_FILE, GLOSSARY_DIR, MEDIA_DIR,
)  # fmt: skip
# Written into every export. `export_markdown --replace` removes EXPORT_PATHS only beside it:
# folders named articles/ or media/ are also the app's source and the site's uploads.
EXPORT_MARKER = ".trdsite-export"

PUBLISHING_KEYS = ("status", "publish_at", "author", "reviewer", "last_reviewed", "next_review_due")
TIMESTAMP_KEYS = ("created", "updated")
SERIES_KEYS = ("title", "slug", *TIMESTAMP_KEYS)
ARTICLE_KEYS = (
    "id", "title", "slug", "series", "number", "summary", "mark_terms", *PUBLISHING_KEYS,
    "treatments", "figures", "sources", *TIMESTAMP_KEYS,
)  # fmt: skip
TREATMENT_KEYS = (
    "id", "name", "slug", "category", "ordering", "summary", "mark_terms", *PUBLISHING_KEYS,
    "sources", *TIMESTAMP_KEYS,
)  # fmt: skip
DRAFT_SUFFIX = ".draft.md"
DRAFT_NOTE_KEY = "changes_requested"
URGENT_HELP_KEYS = ("title", "emergency_numbers", "helplines", "updated")
PERSON_KEYS = ("name", "credentials", "user", "slug")
PERSON_PAGE_KEYS = ("name", "slug", "credentials", "role", "conflicts_of_interest", "user")
EDITORIAL_POLICY_KEYS = ("title", "published", "updated")
# `treatment`: the slug of the treatment page explaining the term, or empty.
TERM_KEYS = (
    "term", "slug", "other_names", "treatment", "mark_in_pages", "status", *TIMESTAMP_KEYS,
)  # fmt: skip
SOURCE_KEYS = (
    "id", "title", "authors", "publication", "year", "doi", "pmid", "url", "accessed",
)  # fmt: skip
SOURCE_FIELDS = SOURCE_KEYS[1:]
FIGURE_KEYS = ("number", "image", "alt_text", "caption")
# Emergency numbers and helplines, in the order shown; `country` is an ISO 3166-1 code (EU: the
# European Union; a helpline's "": International), `last_checked` a date or empty (never).
CHECKED_KEYS = ("shown_on_pages", "last_checked")
EMERGENCY_NUMBER_KEYS = ("country", "number", *CHECKED_KEYS)
HELPLINE_KEYS = (
    "name", "country", "phone", "text_number", "url", "hours", "description", *CHECKED_KEYS,
)  # fmt: skip
# A helpline as exports wrote it before helplines had a country.
OLD_HELPLINE_KEYS = ("contact", "where", "details")


class Problem(Exception):
    """What is wrong with a file's content; the caller says which file."""


class ImportRefused(Exception):
    """The import stopped and saved nothing; the message names the file and the reason."""


def check_image_name(name):
    """Image names become paths under media/ and in the site's storage: relative, no `..`."""
    parts = name.replace("\\", "/").split("/")
    if posixpath.isabs(name) or ".." in parts or "" in parts:
        raise Problem(f"the image name “{name}” must be a relative path such as figures/a.png")
    return name
