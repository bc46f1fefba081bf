"""Search on PostgreSQL: a stored, GIN-indexed `search_vector` on each page (title A, summary B,
text C, and for an article the names of the treatments it lists, C; English stemming), ranked
by `ts_rank`, with `ts_headline` snippets; misspellings matched by pg_trgm's similarity over the
words the site uses (articles_search_word, trigram-indexed)."""

import operator
from functools import reduce

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorExact,
)
from django.db import connection
from django.db.models import F, OuterRef, Subquery

from ..models import Article, ArticleTreatment, Treatment
from .query import STOP_WORDS

CONFIG = "english"
WORDS_TABLE = "articles_search_word"
# ts_rank's normalization: 2 divides the rank by the number of distinct words of the page.
RANK_BY = 2
# Matches ranked exactly (ts_rank of the whole query), chosen by a rough rank (`ranked`).
CANDIDATES = 200


def tsquery(query):
    """The SearchQuery for a Query with groups to include: every value a bound parameter."""

    def phrase(tokens):
        search_type = "phrase" if len(tokens) > 1 else "plain"
        return SearchQuery(" ".join(tokens), search_type=search_type, config=CONFIG)

    def any_of(group):
        return reduce(operator.or_, (phrase(tokens) for tokens in group.phrases))

    combined = reduce(operator.and_, (any_of(group) for group in query.included))
    for group in query.excluded:
        for tokens in group.phrases:
            combined &= ~phrase(tokens)
    return combined


def vector(model, title, summary):
    weighted = (
        SearchVector(title, weight="A", config=CONFIG)
        + SearchVector(summary, weight="B", config=CONFIG)
        + SearchVector("plain_text", weight="C", config=CONFIG)
    )
    if model is Article:
        # Only the treatments readers see in its list: a draft's or withdrawn one's name is
        # nobody's signed-off text (search.index keeps this in step with their publishing).
        names = (
            ArticleTreatment.objects.filter(
                article=OuterRef("pk"), treatment__in=Treatment.objects.published()
            )
            .order_by()
            .values("article")
            .annotate(names=StringAgg("treatment__name", delimiter=" "))
            .values("names")
        )
        weighted += SearchVector(Subquery(names), weight="C", config=CONFIG)
    return weighted


def index(queryset, title, summary):
    queryset.update(search_vector=vector(queryset.model, title, summary))


def only_in(weight, query):
    """The query's included words matched only in the part of a page of this weight (A the
    title, B the summary): a to_tsquery text, whose words are letters and digits only
    (query.WORD), so that nothing a reader types is ever tsquery syntax."""

    def phrase(tokens):
        return " <-> ".join(f"{token}:{weight}" for token in tokens)

    def any_of(group):
        return "(" + " | ".join(phrase(tokens) for tokens in group.phrases) + ")"

    text = " & ".join(any_of(group) for group in query.included)
    return SearchVectorExact(
        F("search_vector"), SearchQuery(text, search_type="raw", config=CONFIG)
    )


def rough_query(query):
    """Any of the query's included words: ts_rank's cost for it grows with the number of words,
    for an `&` of them with its square (every pair of words, at every pair of their places)."""
    tokens = dict.fromkeys(
        token
        for group in query.included
        for phrase in group.phrases
        for token in phrase
        if token not in STOP_WORDS  # which a phrase keeps, for their place
    )
    return reduce(operator.or_, (SearchQuery(token, config=CONFIG) for token in tokens))


def ranked(models, query, limit):
    """[((in title, in summary, relevance), model, pk)]: the best `limit` published matches of
    each kind, best first.

    The exact relevance is computed for the best CANDIDATES matches by a rough one (ts_rank of
    any of the words, as cheap as one word), so a search of many words costs about what one word
    on as many pages does: for 22 words on every one of 10,000 pages, ranking them all took 3 s.
    With no more matches than that, every match is ranked exactly, as before."""
    found = []
    search_query = tsquery(query)
    for model in models:
        candidates = (
            model.objects.published()
            .filter(search_vector=search_query)
            .annotate(
                in_title=only_in("A", query),
                in_summary=only_in("B", query),
                rough=SearchRank(F("search_vector"), rough_query(query), normalization=RANK_BY),
            )
            .order_by("-in_title", "-in_summary", "-rough", "pk")
            .values("pk")[: max(limit, CANDIDATES)]
        )
        rows = (
            model.objects.filter(pk__in=candidates)
            .annotate(
                in_title=only_in("A", query),
                in_summary=only_in("B", query),
                # Divided by the number of words: a short page all about it comes first.
                relevance=SearchRank(F("search_vector"), search_query, normalization=RANK_BY),
            )
            .order_by("-in_title", "-in_summary", "-relevance", "pk")
            .values_list("in_title", "in_summary", "relevance", "pk")[:limit]
        )
        found += [
            ((in_title, in_summary, rank), model, pk) for in_title, in_summary, rank, pk in rows
        ]
    return found


def finds_any(models, query):
    search_query = tsquery(query)
    pages = [
        model.objects.published().filter(search_vector=search_query).order_by().values_list("pk")
        for model in models
    ]
    return bool(pages[0].union(*pages[1:], all=True)[:1])


def with_headlines(queryset, query, start, stop, max_words):
    return queryset.annotate(
        headline=SearchHeadline(
            "plain_text",
            tsquery(query),
            config=CONFIG,
            start_sel=start,
            stop_sel=stop,
            max_words=max_words,
            min_words=15,
        )
    )


def similar_words(word, threshold, limit):
    """The site's words most like `word`, most similar first (ties alphabetically)."""
    with connection.cursor() as cursor:
        # `%` finds candidates through the trigram index (similarity above pg_trgm's own
        # threshold, 0.3); ours is then applied exactly.
        cursor.execute(
            f"SELECT word FROM {WORDS_TABLE} WHERE word %% %s AND word <> %s "  # noqa: S608
            "AND similarity(word, %s) >= %s ORDER BY similarity(word, %s) DESC, word LIMIT %s",
            [word, word, word, threshold, word, limit],
        )
        return [row[0] for row in cursor.fetchall()]


def add_words(found):
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {WORDS_TABLE} (word) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING",
            [sorted(found)],
        )
