"""Search on SQLite: its built-in full-text search, FTS5, with the Porter stemmer over Unicode
words (`articles_search`, created by migration 0018), ranked as `search.ranked_ids` says, then
by bm25 (title over summary over listed treatments over text), with FTS5 snippets; misspellings
matched by pg_trgm's similarity, computed here, over the words the site uses
(articles_search_word).

One index holds both kinds of page, so that their ranks compare: an entry's rowid is its page's
id times len(KINDS) plus the kind's place in KINDS. Every page has an entry (drafts too, as on
PostgreSQL); `published()` decides at query time which are found.
"""

import json

from django.db import connection
from django.db.models import F

from ..models import Article, ArticleTreatment, Treatment
from .query import similarity

# The SQL below names only these tables and the models' own; every value is a parameter.
TABLE = "articles_search"
WORDS_TABLE = "articles_search_word"
KINDS = (Article, Treatment)
# bm25 weights of the columns: title, summary, text, listed treatments.
WEIGHTS = "10.0, 4.0, 1.0, 2.0"
# Misspellings are looked for among at most this many words of about the right length.
MAX_CANDIDATES = 20_000


def match_expression(query):
    """The FTS5 query for a Query with groups to include. Every word is quoted, so nothing a
    reader types is ever FTS5 syntax (operators, `*`, NEAR, column filters)."""

    def phrase(tokens):
        return '"' + " ".join(tokens).replace('"', '""') + '"'

    def any_of(group):
        return "(" + " OR ".join(phrase(tokens) for tokens in group.phrases) + ")"

    expression = " AND ".join(any_of(group) for group in query.included)
    for group in query.excluded:
        expression = f"({expression}) NOT {any_of(group)}"
    return expression


def rowid(model, pk):
    return pk * len(KINDS) + KINDS.index(model)


def page_of(row_id):
    return KINDS[row_id % len(KINDS)], row_id // len(KINDS)


def execute(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def rows(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def published_rowids(models):
    """SQL (and its parameters) for the rowids of every published page of these kinds: each
    kind's own `published()`, never a retyped filter. Compared with `+rowid IN (…)`: the `+`
    keeps SQLite from running the full-text query once per published page."""
    parts, params = [], []
    for model in models:
        published = model.objects.published().order_by().values(page_id=F("pk"))
        sql, more = published.query.sql_with_params()
        kind = KINDS.index(model)
        parts.append(f"SELECT page_id * {len(KINDS)} + {kind} FROM ({sql})")  # noqa: S608
        params += more
    return " UNION ALL ".join(parts), params


def ranked(models, query, limit):
    """[((in title, in summary, relevance), model, pk)]: the best `limit` published matches,
    best first."""
    published, params = published_rowids(models)
    expression = match_expression(query)
    in_column = f"rowid IN (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s)"  # noqa: S608
    sql = (
        f"SELECT rowid, {in_column}, {in_column}, bm25({TABLE}, {WEIGHTS}) AS score "  # noqa: S608
        f"FROM {TABLE} WHERE {TABLE} MATCH %s AND +rowid IN ({published}) "
        "ORDER BY 2 DESC, 3 DESC, score, rowid LIMIT %s"
    )
    columns = [f"title : ({expression})", f"summary : ({expression})"]
    found = rows(sql, [*columns, expression, *params, limit])
    # bm25 is lower for better matches; relevance is higher.
    return [
        ((bool(in_title), bool(in_summary), -score), *page_of(row_id))
        for row_id, in_title, in_summary, score in found
    ]


def finds_any(models, query):
    published, params = published_rowids(models)
    sql = (
        f"SELECT 1 FROM {TABLE} WHERE {TABLE} MATCH %s "  # noqa: S608
        f"AND +rowid IN ({published}) LIMIT 1"
    )
    return bool(rows(sql, [match_expression(query), *params]))


def snippets(pages, query, start, stop, max_words):
    """{(model, pk): the text around its matches, marked with start and stop}."""
    if not pages:
        return {}
    sql = (
        f"SELECT rowid, snippet({TABLE}, 2, %s, %s, '…', %s) FROM {TABLE} "  # noqa: S608
        f"WHERE {TABLE} MATCH %s AND rowid IN (SELECT value FROM json_each(%s))"
    )
    ids = json.dumps([rowid(model, pk) for model, pk in pages])
    found = rows(sql, [start, stop, max_words, match_expression(query), ids])
    return {page_of(row_id): text for row_id, text in found}


def index(queryset, title, summary):
    """Replace the entries of these pages, in one statement."""
    model = queryset.model
    ids, params = queryset.order_by().values("pk").query.sql_with_params()
    listed = "''"
    if model is Article:
        # Only the treatments readers see in its list: a draft's or withdrawn one's name is
        # nobody's signed-off text (search.index keeps this in step with their publishing).
        links, treatments = ArticleTreatment._meta.db_table, Treatment._meta.db_table
        public, public_params = (
            Treatment.objects.published().order_by().values("pk").query.sql_with_params()
        )
        listed = (
            f"(SELECT group_concat(t.name, ' ') FROM {links} l JOIN {treatments} t "  # noqa: S608
            f"ON t.id = l.treatment_id WHERE l.article_id = p.id AND t.id IN ({public}))"
        )
        params = (*public_params, *params)
    sql = (
        f"INSERT OR REPLACE INTO {TABLE} (rowid, title, summary, body, listed) "  # noqa: S608
        f"SELECT p.id * {len(KINDS)} + {KINDS.index(model)}, p.{title}, p.{summary}, "
        f"p.plain_text, coalesce({listed}, '') FROM {model._meta.db_table} p "
        f"WHERE p.id IN ({ids})"
    )
    execute(sql, params)


def remove(model, pks):
    sql = f"DELETE FROM {TABLE} WHERE rowid IN (SELECT value FROM json_each(%s))"  # noqa: S608
    execute(sql, [json.dumps([rowid(model, pk) for pk in pks])])


def similar_words(word, threshold, limit):
    """The site's words most like `word`, most similar first (ties alphabetically), as
    PostgreSQL's pg_trgm would rank them."""
    # Words whose length alone keeps them under the threshold can't qualify (a word of n
    # letters has n + 1 trigrams, fewer if some repeat: hence the margin).
    shortest = int(threshold * (len(word) + 1)) - 2
    longest = int((len(word) + 1) / threshold) + 2
    sql = (
        f"SELECT word FROM {WORDS_TABLE} "  # noqa: S608
        "WHERE length(word) BETWEEN %s AND %s AND word <> %s LIMIT %s"
    )
    found = rows(sql, [shortest, longest, word, MAX_CANDIDATES])
    scored = sorted((-similarity(word, other), other) for (other,) in found)
    return [other for score, other in scored if -score >= threshold][:limit]


def add_words(found):
    sql = (
        f"INSERT OR IGNORE INTO {WORDS_TABLE} (word) "  # noqa: S608
        "SELECT value FROM json_each(%s)"
    )
    execute(sql, [json.dumps(sorted(found))])
