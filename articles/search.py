"""Site search over published articles and treatments.

On PostgreSQL: full-text search on a stored, GIN-indexed `search_vector` (title A, summary B,
text C, English stemming) that `index()` refreshes on every save, `websearch` query syntax,
`ts_rank` ranking and `ts_headline` snippets. On SQLite: the same interface, matching every word
of the query case-insensitively and ranking title over summary over text.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Q
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import Article, Treatment

MAX_QUERY_LENGTH = 200
# Enough for anyone to page through; ranking stops there, so search costs the same at any size.
MAX_RESULTS = 100
CONFIG = "english"
# Control characters mark the highlighted words, so the snippet can be escaped as a whole and
# only then given its <mark> tags: nothing from the text is ever trusted as HTML.
MARK_START, MARK_END = "\x02", "\x03"
SNIPPET_WORDS = 35

# What each kind of page searches: (title field, summary field).
FIELDS = {Article: ("title", "summary"), Treatment: ("name", "summary")}


@dataclass
class Result:
    page: object
    kind: str
    rank: float
    snippet: str = ""


def clean_query(raw):
    """The query as searched: no control characters, bounded length, single spaces."""
    text = re.sub(r"[\x00-\x1f\x7f]", " ", raw or "")
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def uses_postgres():
    return connection.vendor == "postgresql"


def websearch(text):
    """A PostgreSQL full-text query in `websearch` syntax ("quoted phrases", -not, or)."""
    return SearchQuery(text, search_type="websearch", config=CONFIG)


def index(page):
    """Refresh the stored search vector of a saved page (PostgreSQL only)."""
    index_all(type(page).objects.filter(pk=page.pk))


def index_all(queryset):
    """Refresh the stored search vectors of these pages in one statement (PostgreSQL only)."""
    if not uses_postgres():
        return
    title, summary = FIELDS[queryset.model]
    queryset.update(
        search_vector=SearchVector(title, weight="A", config=CONFIG)
        + SearchVector(summary, weight="B", config=CONFIG)
        + SearchVector("plain_text", weight="C", config=CONFIG)
    )


def ranked_ids(query):
    """[(rank, model, pk)] of the best MAX_RESULTS published matches, best first. Only ids and
    ranks are read here; `load()` reads just the page of results shown."""
    matches = []
    for model in (Article, Treatment):
        queryset = model.objects.published()
        if uses_postgres():
            search_query = websearch(query)
            rows = (
                queryset.filter(search_vector=search_query)
                .annotate(rank=SearchRank(F("search_vector"), search_query))
                .order_by("-rank", "pk")
                .values_list("rank", "pk")[:MAX_RESULTS]
            )
        else:
            rows = _sqlite_ranked(queryset, model, query)
        matches += [(rank, model, pk) for rank, pk in rows]
    matches.sort(key=lambda match: (-match[0], match[1].__name__, match[2]))
    return matches[:MAX_RESULTS]


def _words(query):
    return [word for word in re.findall(r"\w+", query.lower()) if word]


def _sqlite_ranked(queryset, model, query):
    title, summary = FIELDS[model]
    words = _words(query)
    if not words:
        return []
    for word in words:
        queryset = queryset.filter(
            Q(**{f"{title}__icontains": word})
            | Q(**{f"{summary}__icontains": word})
            | Q(plain_text__icontains=word)
        )
    rows = []
    for pk, title_text, summary_text, text in queryset.values_list(
        "pk", title, summary, "plain_text"
    ):
        rank = sum(
            3 * title_text.lower().count(word)
            + 2 * summary_text.lower().count(word)
            + min(text.lower().count(word), 10) * 0.1
            for word in words
        )
        rows.append((rank, pk))
    return rows


def load(matches, query):
    """The Result of each (rank, model, pk) match, with a highlighted snippet, in order."""
    results = {}
    for model in (Article, Treatment):
        ids = [pk for _, match_model, pk in matches if match_model is model]
        if not ids:
            continue
        queryset = model.objects.filter(pk__in=ids).defer("body", "body_html", "search_vector")
        if model is Article:
            queryset = queryset.select_related("series")
        if uses_postgres():
            search_query = websearch(query)
            queryset = queryset.annotate(
                headline=SearchHeadline(
                    "plain_text",
                    search_query,
                    config=CONFIG,
                    start_sel=MARK_START,
                    stop_sel=MARK_END,
                    max_words=SNIPPET_WORDS,
                    min_words=15,
                )
            )
        for page in queryset:
            raw = getattr(page, "headline", None) or _excerpt(page.plain_text, _words(query))
            results[(model, page.pk)] = Result(
                page=page,
                kind=model._meta.verbose_name,
                rank=0,
                snippet=_highlight(raw),
            )
    ordered = []
    for rank, model, pk in matches:
        result = results.get((model, pk))
        if result:
            result.rank = rank
            ordered.append(result)
    return ordered


def _excerpt(text, words):
    """About SNIPPET_WORDS words of the text around the first match, matches marked."""
    lower = text.lower()
    positions = [lower.find(word) for word in words if lower.find(word) >= 0]
    start = max(0, min(positions) - 80) if positions else 0
    tokens = text[start:].split()[:SNIPPET_WORDS]
    excerpt = ("… " if start else "") + " ".join(tokens)
    if words:
        pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
        excerpt = pattern.sub(lambda m: f"{MARK_START}{m[0]}{MARK_END}", excerpt)
    return excerpt


def _highlight(raw):
    # Safe: everything from the text is escaped first; only our own <mark> tags are added.
    return mark_safe(escape(raw).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))  # noqa: S308
