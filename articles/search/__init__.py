"""Site search over published articles and treatments, alike on PostgreSQL and SQLite.

What a query means (words, "phrases", -exclusions, `or`, stop words, and the published
glossary's other names of a term as synonyms) is worked out once (query.py); each database
then searches its own full-text index with it: PostgreSQL a stored, GIN-indexed tsvector
(postgres.py), SQLite an FTS5 table (sqlite.py). Both stem English words, match whole words,
rank title over summary over text, and find only what `published()` lets the public see. An
article is also found by the names of the treatments it lists. A query that finds nothing gets
"Did you mean …?" from the words the site's published pages use.

The indexes follow saves and deletions (articles.signals calls `index()` and `remove()`); after
rows are loaded raw (loaddata, as a restore does), `index_all()` rebuilds them.
"""

import re
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.cache import cache
from django.db import OperationalError, connection, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..models import Article, ArticleTreatment, Status, Term, Treatment
from . import postgres, query, sqlite

MAX_QUERY_LENGTH = 200
MAX_WORDS = query.MAX_WORDS
# Enough for anyone to page through. What a search costs still grows with the pages it matches
# (each match is read and roughly ranked), but not with the words typed: at most MAX_WORDS, and
# only the best few hundred matches ranked exactly (postgres.ranked).
MAX_RESULTS = 100
# PostgreSQL cancels a search's statement that runs longer (ms), and the reader is asked to try
# fewer words: a search that hits it is one the bounds above missed, and must not hold a
# connection and a core while other readers wait.
TIMEOUT_MS = 2000
QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a statement cancelled by its timeout
# Control characters mark the highlighted words, so the snippet can be escaped as a whole and
# only then given its <mark> tags: nothing from the text is ever trusted as HTML.
MARK_START, MARK_END = "\x02", "\x03"
SNIPPET_WORDS = 35
# "Did you mean": a site's word at least this similar (pg_trgm's measure, 0 to 1) to a word that
# finds nothing; the few most similar are tried, for the first few such words of a query.
SUGGESTION_SIMILARITY = 0.4
SUGGESTION_CANDIDATES = 3
SUGGESTION_WORDS = 4

KINDS = (Article, Treatment)
# What each kind of page searches: (title field, summary field).
FIELDS = {Article: ("title", "summary"), Treatment: ("name", "summary")}


@dataclass
class Result:
    page: object
    kind: str
    rank: tuple
    snippet: str = ""


def clean_query(raw):
    """The query as searched: no control characters, bounded length (whole words), single
    spaces."""
    text = " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", raw or "").split())
    if len(text) > MAX_QUERY_LENGTH:
        # At a space where there is one: a word cut in two finds nothing.
        cut = text[: MAX_QUERY_LENGTH + 1]
        text = cut.rsplit(" ", 1)[0] if " " in cut else cut[:MAX_QUERY_LENGTH]
    return text


def uses_postgres():
    return connection.vendor == "postgresql"


class TooSlow(Exception):
    """A search's statement ran past TIMEOUT_MS and PostgreSQL cancelled it."""


@contextmanager
def time_limited():
    """Run a search's statements in a transaction whose statements PostgreSQL cancels after
    TIMEOUT_MS (`set_config(…, true)` is SET LOCAL: the connection's own setting is untouched),
    raising TooSlow. SQLite has no such setting; its searches run in the web process."""
    if not uses_postgres():
        yield
        return
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('statement_timeout', %s, true)", [f"{TIMEOUT_MS}ms"]
                )
            yield
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) != QUERY_CANCELED:
            raise
        raise TooSlow from error


def engine():
    return postgres if uses_postgres() else sqlite


def websearch(text):
    """A PostgreSQL full-text query in `websearch` syntax (the admin's search of page text)."""
    return postgres.SearchQuery(text, search_type="websearch", config=postgres.CONFIG)


def parse(text):
    """The Query for a cleaned query text, with the published glossary's names as synonyms."""
    terms = Term.objects.published().only("term", "other_names")
    return query.parse(text, query.synonym_table(term.names for term in terms))


def ranked_ids(parsed):
    """[(rank, model, pk)] of the best MAX_RESULTS published matches of a parsed query, best
    first. Only ids and ranks are read here; `load()` reads just the page of results shown.

    Both databases rank alike: pages whose title has every word of the query first, then those
    whose summary has; then by the database's own relevance (PostgreSQL's `ts_rank`, SQLite's
    bm25), which favours short pages about it over long pages that mention it. A rank is
    (in title, in summary, relevance)."""
    if not parsed.included:
        return []
    refresh_listed_names()
    return sorted(engine().ranked(KINDS, parsed, MAX_RESULTS), key=_best_first)[:MAX_RESULTS]


def _best_first(match):
    (in_title, in_summary, relevance), model, pk = match
    return (not in_title, not in_summary, -relevance, model.__name__, pk)


def load(matches, parsed):
    """The Result of each (rank, model, pk) match, with a highlighted snippet, in order."""
    pages = [(model, pk) for _, model, pk in matches]
    marked = {}
    if not uses_postgres():
        marked = sqlite.snippets(pages, parsed, MARK_START, MARK_END, SNIPPET_WORDS)
    results = {}
    for model in KINDS:
        ids = [pk for match_model, pk in pages if match_model is model]
        if not ids:
            continue
        queryset = model.objects.filter(pk__in=ids).defer("body", "body_html", "search_vector")
        if model is Article:
            queryset = queryset.select_related("series")
        if uses_postgres():
            queryset = postgres.with_headlines(
                queryset, parsed, MARK_START, MARK_END, SNIPPET_WORDS
            )
        for page in queryset:
            raw = getattr(page, "headline", None) or marked.get((model, page.pk))
            results[(model, page.pk)] = Result(
                page=page,
                kind=model._meta.verbose_name,
                rank=0,
                snippet=_highlight(raw or " ".join(page.plain_text.split()[:SNIPPET_WORDS])),
            )
    ordered = []
    for rank, model, pk in matches:
        result = results.get((model, pk))
        if result:
            result.rank = rank
            ordered.append(result)
    return ordered


def _highlight(raw):
    # Safe: everything from the text is escaped first; only our own <mark> tags are added.
    return mark_safe(escape(raw).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))  # noqa: S308


def suggestion(parsed):
    """For a query that found nothing: the query with each word that finds nothing replaced by
    the most similar word of the site's published pages that does ("Did you mean …?"), if that
    finds something; else None."""
    typed = list(dict.fromkeys(parsed.typed_words()))[:SUGGESTION_WORDS]
    # A query of just one word found nothing: that word finds nothing.
    alone = [group.phrases for group in parsed.groups] == [((word,),) for word in typed[:1]]
    text = parsed.text
    for word in typed:
        if not alone and _finds(word, parsed.synonyms):
            continue
        for candidate in _similar_words(word, parsed.synonyms):
            if _finds(candidate, parsed.synonyms):
                text = re.sub(
                    rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", candidate, text, flags=re.I
                )
                break
    if text == parsed.text:
        return None
    if alone:
        return text  # its one word finds something
    return text if _finds(text, parsed.synonyms) else None


def _similar_words(word, synonyms):
    """The words of the site's pages and of the published glossary most like `word`, most
    similar first."""
    site = engine().similar_words(word, SUGGESTION_SIMILARITY, SUGGESTION_CANDIDATES)
    glossary = query.vocabulary(token for phrase in synonyms for token in phrase)
    scored = sorted(
        (-query.similarity(word, other), other) for other in {*site, *glossary} - {word}
    )
    return [other for score, other in scored if -score >= SUGGESTION_SIMILARITY][
        :SUGGESTION_CANDIDATES
    ]


def _finds(text, synonyms):
    parsed = query.parse(text, synonyms)
    return bool(parsed.included) and engine().finds_any(KINDS, parsed)


def index(page):
    """Refresh the index entry of a saved page, and the words it adds to suggestions once
    published. A treatment renamed, published or withdrawn refreshes the articles that list it
    too."""
    index_all(type(page).objects.filter(pk=page.pk), words=False)
    if page.status == Status.PUBLISHED:
        title, summary = FIELDS[type(page)]
        found = query.vocabulary((getattr(page, title), getattr(page, summary), page.plain_text))
        if found:
            engine().add_words(found)
    if isinstance(page, Treatment) and _listed_name_may_change(page):
        index_listing(Treatment.objects.filter(pk=page.pk))


def _listed_name_may_change(treatment):
    """Whether the articles listing this treatment are found by its name differently now:
    renamed, published, withdrawn or rescheduled (or new, or not as loaded)."""
    return any(
        treatment.loaded.get(field, object()) != getattr(treatment, field)
        for field in ("name", "status", "publish_at")
    )


def index_listing(treatments):
    """Refresh the entries of the articles that list these treatments."""
    listing = ArticleTreatment.objects.filter(treatment__in=treatments).values("article")
    index_all(Article.objects.filter(pk__in=listing), words=False)
    cache.delete(LISTED_DUE_KEY)


# A treatment published for a later time becomes public with no save: the articles listing it
# are indexed with its name on the first search after that moment. The moment is kept in the
# shared cache, so a search asks the database only when it changes.
LISTED_DUE_KEY = "search:listed-treatment-due"
NOTHING_DUE = "none"


def refresh_listed_names(now=None):
    """Index, with their names, the articles listing treatments whose publish time has come
    since they were saved."""
    now = now or timezone.now()
    due = cache.get(LISTED_DUE_KEY)
    if due is None:
        due = (
            Treatment.objects.scheduled().aggregate(soonest=Min("publish_at"))["soonest"]
            or NOTHING_DUE
        )
        # A day at most, as everything kept in the shared cache: recomputed when it expires.
        cache.set(LISTED_DUE_KEY, due, 24 * 60 * 60)
    if due != NOTHING_DUE and due <= now:
        index_listing(Treatment.objects.published().filter(publish_at__gte=due))


def index_all(queryset, words=True):
    """Refresh the index entries of these pages in one statement; with `words`, add the words of
    the published ones to suggestions."""
    model = queryset.model
    title, summary = FIELDS[model]
    engine().index(queryset, title, summary)
    if words:
        texts = (
            text
            for row in queryset.filter(status=Status.PUBLISHED)
            .values_list(title, summary, "plain_text")
            .iterator(chunk_size=500)
            for text in row
        )
        found = query.vocabulary(texts)
        if found:
            engine().add_words(found)


def remove(page):
    """Forget a deleted page (PostgreSQL's entry went with its row)."""
    if not uses_postgres():
        sqlite.remove(type(page), [page.pk])
