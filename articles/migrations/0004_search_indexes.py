"""Indexes for the site search (kazportal.search), on PostgreSQL only: nothing happens on other
databases. The pg_trgm extension; search_document(), to_tsvector() with its real cost declared
(see kazportal.search.FUNCTION_SQL); per language full-text indexes (`simple` for Kazakh,
`russian`, `english`) on all the text, on the title and on the summary, and a trigram index on
the title; a trigram index on the slug.

The statements are a frozen copy of kazportal.search.FUNCTION_SQL and index_sql(): the search
uses exactly these expressions, and tests/kazportal/test_search.py checks that the planner uses
every one of these indexes.
"""

from django.db import migrations

FUNCTION = (
    "CREATE OR REPLACE FUNCTION search_document(config regconfig, document text) RETURNS tsvector "
    "LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 1000 "
    "AS $$ BEGIN RETURN to_tsvector(config, document); END $$"
)

INDEXES = {
    "articles_article_fts_kk": (
        "CREATE INDEX IF NOT EXISTS articles_article_fts_kk ON articles_article USING gin ((search_document('simple'::regconfig, coalesce(title_kk, '') || ' ' || coalesce(lead_kk, '') || ' ' || coalesce(abstract_kk, '') || ' ' || coalesce(body_kk, ''))))"
    ),
    "articles_article_fts_title_kk": (
        "CREATE INDEX IF NOT EXISTS articles_article_fts_title_kk ON articles_article USING gin ((search_document('simple'::regconfig, coalesce(title_kk, ''))))"
    ),
    "articles_article_fts_summary_kk": (
        "CREATE INDEX IF NOT EXISTS articles_article_fts_summary_kk ON articles_article USING gin ((search_document('simple'::regconfig, coalesce(lead_kk, ''))))"
    ),
    "articles_article_trgm_title_kk": (
        "CREATE INDEX IF NOT EXISTS articles_article_trgm_title_kk ON articles_article USING gin (title_kk gin_trgm_ops)"
    ),
    "articles_article_fts_ru": (
        "CREATE INDEX IF NOT EXISTS articles_article_fts_ru ON articles_article USING gin ((search_document('russian'::regconfig, coalesce(title_ru, '') || ' ' || coalesce(lead_ru, '') || ' ' || coalesce(abstract_ru, '') || ' ' || coalesce(body_ru, ''))))"
    ),
    "articles_article_fts_title_ru": (
        "CREATE INDEX IF NOT EXISTS articles_article_fts_title_ru ON articles_article USING gin ((search_document('russian'::regconfig, coalesce(title_ru, ''))))"
    ),
    "articles_article_fts_summary_ru": (
        "CREATE INDEX IF NOT EXISTS articles_article_fts_summary_ru ON articles_article USING gin ((search_document('russian'::regconfig, coalesce(lead_ru, ''))))"
    ),
    "articles_article_trgm_title_ru": (
        "CREATE INDEX IF NOT EXISTS articles_article_trgm_title_ru ON articles_article USING gin (title_ru gin_trgm_ops)"
    ),
    "articles_article_fts_en": (
        "CREATE INDEX IF NOT EXISTS articles_article_fts_en ON articles_article USING gin ((search_document('english'::regconfig, coalesce(title_en, '') || ' ' || coalesce(lead_en, '') || ' ' || coalesce(abstract_en, '') || ' ' || coalesce(body_en, ''))))"
    ),
    "articles_article_fts_title_en": (
        "CREATE INDEX IF NOT EXISTS articles_article_fts_title_en ON articles_article USING gin ((search_document('english'::regconfig, coalesce(title_en, ''))))"
    ),
    "articles_article_fts_summary_en": (
        "CREATE INDEX IF NOT EXISTS articles_article_fts_summary_en ON articles_article USING gin ((search_document('english'::regconfig, coalesce(lead_en, ''))))"
    ),
    "articles_article_trgm_title_en": (
        "CREATE INDEX IF NOT EXISTS articles_article_trgm_title_en ON articles_article USING gin (title_en gin_trgm_ops)"
    ),
    "articles_article_trgm_slug": (
        "CREATE INDEX IF NOT EXISTS articles_article_trgm_slug ON articles_article USING gin (slug gin_trgm_ops)"
    ),
    "articles_event_fts_kk": (
        "CREATE INDEX IF NOT EXISTS articles_event_fts_kk ON articles_event USING gin ((search_document('simple'::regconfig, coalesce(title_kk, '') || ' ' || coalesce(summary_kk, '') || ' ' || coalesce(description_kk, ''))))"
    ),
    "articles_event_fts_title_kk": (
        "CREATE INDEX IF NOT EXISTS articles_event_fts_title_kk ON articles_event USING gin ((search_document('simple'::regconfig, coalesce(title_kk, ''))))"
    ),
    "articles_event_fts_summary_kk": (
        "CREATE INDEX IF NOT EXISTS articles_event_fts_summary_kk ON articles_event USING gin ((search_document('simple'::regconfig, coalesce(summary_kk, ''))))"
    ),
    "articles_event_trgm_title_kk": (
        "CREATE INDEX IF NOT EXISTS articles_event_trgm_title_kk ON articles_event USING gin (title_kk gin_trgm_ops)"
    ),
    "articles_event_fts_ru": (
        "CREATE INDEX IF NOT EXISTS articles_event_fts_ru ON articles_event USING gin ((search_document('russian'::regconfig, coalesce(title_ru, '') || ' ' || coalesce(summary_ru, '') || ' ' || coalesce(description_ru, ''))))"
    ),
    "articles_event_fts_title_ru": (
        "CREATE INDEX IF NOT EXISTS articles_event_fts_title_ru ON articles_event USING gin ((search_document('russian'::regconfig, coalesce(title_ru, ''))))"
    ),
    "articles_event_fts_summary_ru": (
        "CREATE INDEX IF NOT EXISTS articles_event_fts_summary_ru ON articles_event USING gin ((search_document('russian'::regconfig, coalesce(summary_ru, ''))))"
    ),
    "articles_event_trgm_title_ru": (
        "CREATE INDEX IF NOT EXISTS articles_event_trgm_title_ru ON articles_event USING gin (title_ru gin_trgm_ops)"
    ),
    "articles_event_fts_en": (
        "CREATE INDEX IF NOT EXISTS articles_event_fts_en ON articles_event USING gin ((search_document('english'::regconfig, coalesce(title_en, '') || ' ' || coalesce(summary_en, '') || ' ' || coalesce(description_en, ''))))"
    ),
    "articles_event_fts_title_en": (
        "CREATE INDEX IF NOT EXISTS articles_event_fts_title_en ON articles_event USING gin ((search_document('english'::regconfig, coalesce(title_en, ''))))"
    ),
    "articles_event_fts_summary_en": (
        "CREATE INDEX IF NOT EXISTS articles_event_fts_summary_en ON articles_event USING gin ((search_document('english'::regconfig, coalesce(summary_en, ''))))"
    ),
    "articles_event_trgm_title_en": (
        "CREATE INDEX IF NOT EXISTS articles_event_trgm_title_en ON articles_event USING gin (title_en gin_trgm_ops)"
    ),
    "articles_event_trgm_slug": (
        "CREATE INDEX IF NOT EXISTS articles_event_trgm_slug ON articles_event USING gin (slug gin_trgm_ops)"
    ),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(FUNCTION)
    for sql in INDEXES.values():
        schema_editor.execute(sql)


def drop_indexes(apps, schema_editor):
    # The extension and the function stay: other apps' indexes use them.
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_event_is_example")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
