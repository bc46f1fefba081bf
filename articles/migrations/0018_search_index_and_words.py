"""Search that finds what readers mean (articles.search).

- SQLite: an FTS5 full-text index of every page, `articles_search` (Porter stemming over
  Unicode words), filled from the pages there are.
- PostgreSQL: the pg_trgm extension (trusted since PostgreSQL 13: a database owner may create
  it), and articles' search vectors rebuilt to hold the names of the treatments they list.
- Both: `articles_search_word`, the words of published pages that a misspelled query is
  matched against ("Did you mean …?"), trigram-indexed on PostgreSQL.

Derived data only: backups leave these out, and a restore rebuilds them (articles.search
`index_all`).
"""

import json

from django.db import migrations

from articles.search.query import vocabulary

# articles/search/sqlite.py: an entry's rowid is its page's id times 2, plus 1 for a treatment.
FTS_TABLE = """
CREATE VIRTUAL TABLE articles_search USING fts5(
    title, summary, body, listed, tokenize = 'porter unicode61 remove_diacritics 2'
)
"""
LISTED = """
coalesce((SELECT group_concat(t.name, ' ') FROM articles_articletreatment l
JOIN articles_treatment t ON t.id = l.treatment_id WHERE l.article_id = p.id), '')
"""
FILL_FTS = [
    "INSERT INTO articles_search (rowid, title, summary, body, listed) "  # noqa: S608
    f"SELECT p.id * 2, p.title, p.summary, p.plain_text, {LISTED} FROM articles_article p",
    "INSERT INTO articles_search (rowid, title, summary, body, listed) "
    "SELECT p.id * 2 + 1, p.name, p.summary, p.plain_text, '' FROM articles_treatment p",
]
# As articles/search/postgres.py `vector()` builds it.
VECTOR_WITH_TREATMENTS = """
UPDATE articles_article p SET search_vector =
    setweight(to_tsvector('english'::regconfig, coalesce(p.title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(p.summary, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, coalesce(p.plain_text, '')), 'C')
    || setweight(to_tsvector('english'::regconfig, coalesce((
        SELECT string_agg(t.name, ' ') FROM articles_articletreatment l
        JOIN articles_treatment t ON t.id = l.treatment_id WHERE l.article_id = p.id
    ), '')), 'C')
"""
WORDS_TABLE = "CREATE TABLE articles_search_word (word varchar(40) NOT NULL PRIMARY KEY)"
WORDS_TRIGRAM_INDEX = (
    "CREATE INDEX articles_search_word_trgm ON articles_search_word USING gin (word gin_trgm_ops)"
)


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute(WORDS_TABLE)
    if vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(WORDS_TRIGRAM_INDEX)
        schema_editor.execute(VECTOR_WITH_TREATMENTS)
    elif vendor == "sqlite":
        schema_editor.execute(FTS_TABLE)
        for sql in FILL_FTS:
            schema_editor.execute(sql)
    texts = []
    for name, title in (("Article", "title"), ("Treatment", "name")):
        model = apps.get_model("articles", name)
        rows = model.objects.filter(status="published").values_list(title, "summary", "plain_text")
        texts += [text for row in rows for text in row]
    if words := sorted(vocabulary(texts)):
        if vendor == "postgresql":
            insert = "INSERT INTO articles_search_word (word) SELECT unnest(%s::text[])"
            schema_editor.execute(insert, [words])
        else:
            insert = "INSERT INTO articles_search_word (word) SELECT value FROM json_each(%s)"
            schema_editor.execute(insert, [json.dumps(words)])


def drop(apps, schema_editor):
    # pg_trgm stays: other things may use it, and it changes nothing by being there.
    schema_editor.execute("DROP TABLE articles_search_word")
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE articles_search")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0017_help_numbers_checked"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
