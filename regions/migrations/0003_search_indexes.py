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
    "regions_region_fts_kk": (
        "CREATE INDEX IF NOT EXISTS regions_region_fts_kk ON regions_region USING gin ((search_document('simple'::regconfig, coalesce(name_kk, '') || ' ' || coalesce(summary_kk, '') || ' ' || coalesce(centre_kk, '') || ' ' || coalesce(body_kk, ''))))"
    ),
    "regions_region_fts_title_kk": (
        "CREATE INDEX IF NOT EXISTS regions_region_fts_title_kk ON regions_region USING gin ((search_document('simple'::regconfig, coalesce(name_kk, ''))))"
    ),
    "regions_region_fts_summary_kk": (
        "CREATE INDEX IF NOT EXISTS regions_region_fts_summary_kk ON regions_region USING gin ((search_document('simple'::regconfig, coalesce(summary_kk, ''))))"
    ),
    "regions_region_trgm_name_kk": (
        "CREATE INDEX IF NOT EXISTS regions_region_trgm_name_kk ON regions_region USING gin (name_kk gin_trgm_ops)"
    ),
    "regions_region_fts_ru": (
        "CREATE INDEX IF NOT EXISTS regions_region_fts_ru ON regions_region USING gin ((search_document('russian'::regconfig, coalesce(name_ru, '') || ' ' || coalesce(summary_ru, '') || ' ' || coalesce(centre_ru, '') || ' ' || coalesce(body_ru, ''))))"
    ),
    "regions_region_fts_title_ru": (
        "CREATE INDEX IF NOT EXISTS regions_region_fts_title_ru ON regions_region USING gin ((search_document('russian'::regconfig, coalesce(name_ru, ''))))"
    ),
    "regions_region_fts_summary_ru": (
        "CREATE INDEX IF NOT EXISTS regions_region_fts_summary_ru ON regions_region USING gin ((search_document('russian'::regconfig, coalesce(summary_ru, ''))))"
    ),
    "regions_region_trgm_name_ru": (
        "CREATE INDEX IF NOT EXISTS regions_region_trgm_name_ru ON regions_region USING gin (name_ru gin_trgm_ops)"
    ),
    "regions_region_fts_en": (
        "CREATE INDEX IF NOT EXISTS regions_region_fts_en ON regions_region USING gin ((search_document('english'::regconfig, coalesce(name_en, '') || ' ' || coalesce(summary_en, '') || ' ' || coalesce(centre_en, '') || ' ' || coalesce(body_en, ''))))"
    ),
    "regions_region_fts_title_en": (
        "CREATE INDEX IF NOT EXISTS regions_region_fts_title_en ON regions_region USING gin ((search_document('english'::regconfig, coalesce(name_en, ''))))"
    ),
    "regions_region_fts_summary_en": (
        "CREATE INDEX IF NOT EXISTS regions_region_fts_summary_en ON regions_region USING gin ((search_document('english'::regconfig, coalesce(summary_en, ''))))"
    ),
    "regions_region_trgm_name_en": (
        "CREATE INDEX IF NOT EXISTS regions_region_trgm_name_en ON regions_region USING gin (name_en gin_trgm_ops)"
    ),
    "regions_region_trgm_slug": (
        "CREATE INDEX IF NOT EXISTS regions_region_trgm_slug ON regions_region USING gin (slug gin_trgm_ops)"
    ),
    "regions_place_fts_kk": (
        "CREATE INDEX IF NOT EXISTS regions_place_fts_kk ON regions_place USING gin ((search_document('simple'::regconfig, coalesce(name_kk, '') || ' ' || coalesce(summary_kk, '') || ' ' || coalesce(body_kk, ''))))"
    ),
    "regions_place_fts_title_kk": (
        "CREATE INDEX IF NOT EXISTS regions_place_fts_title_kk ON regions_place USING gin ((search_document('simple'::regconfig, coalesce(name_kk, ''))))"
    ),
    "regions_place_fts_summary_kk": (
        "CREATE INDEX IF NOT EXISTS regions_place_fts_summary_kk ON regions_place USING gin ((search_document('simple'::regconfig, coalesce(summary_kk, ''))))"
    ),
    "regions_place_trgm_name_kk": (
        "CREATE INDEX IF NOT EXISTS regions_place_trgm_name_kk ON regions_place USING gin (name_kk gin_trgm_ops)"
    ),
    "regions_place_fts_ru": (
        "CREATE INDEX IF NOT EXISTS regions_place_fts_ru ON regions_place USING gin ((search_document('russian'::regconfig, coalesce(name_ru, '') || ' ' || coalesce(summary_ru, '') || ' ' || coalesce(body_ru, ''))))"
    ),
    "regions_place_fts_title_ru": (
        "CREATE INDEX IF NOT EXISTS regions_place_fts_title_ru ON regions_place USING gin ((search_document('russian'::regconfig, coalesce(name_ru, ''))))"
    ),
    "regions_place_fts_summary_ru": (
        "CREATE INDEX IF NOT EXISTS regions_place_fts_summary_ru ON regions_place USING gin ((search_document('russian'::regconfig, coalesce(summary_ru, ''))))"
    ),
    "regions_place_trgm_name_ru": (
        "CREATE INDEX IF NOT EXISTS regions_place_trgm_name_ru ON regions_place USING gin (name_ru gin_trgm_ops)"
    ),
    "regions_place_fts_en": (
        "CREATE INDEX IF NOT EXISTS regions_place_fts_en ON regions_place USING gin ((search_document('english'::regconfig, coalesce(name_en, '') || ' ' || coalesce(summary_en, '') || ' ' || coalesce(body_en, ''))))"
    ),
    "regions_place_fts_title_en": (
        "CREATE INDEX IF NOT EXISTS regions_place_fts_title_en ON regions_place USING gin ((search_document('english'::regconfig, coalesce(name_en, ''))))"
    ),
    "regions_place_fts_summary_en": (
        "CREATE INDEX IF NOT EXISTS regions_place_fts_summary_en ON regions_place USING gin ((search_document('english'::regconfig, coalesce(summary_en, ''))))"
    ),
    "regions_place_trgm_name_en": (
        "CREATE INDEX IF NOT EXISTS regions_place_trgm_name_en ON regions_place USING gin (name_en gin_trgm_ops)"
    ),
    "regions_place_trgm_slug": (
        "CREATE INDEX IF NOT EXISTS regions_place_trgm_slug ON regions_place USING gin (slug gin_trgm_ops)"
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
    dependencies = [("regions", "0002_short_name_validators")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
