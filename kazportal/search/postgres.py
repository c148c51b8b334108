"""The search on PostgreSQL: full text per language and trigram similarity, over GIN indexes.

The apps' `*_search_indexes` migrations build the indexes with a frozen copy of `FUNCTION_SQL`
and `index_sql()`."""

from django.db import connection
from django.db.models import BooleanField, Count, FloatField
from django.db.models.expressions import RawSQL, Window

from kazportal.i18n import LANGS

# PostgreSQL text-search configuration of each language; it has no Kazakh stemmer.
CONFIGS = {"kk": "simple", "ru": "russian", "en": "english"}


def _column(table, name):
    """A quoted, table-qualified column; a bare name in index definitions."""
    qn = connection.ops.quote_name
    return f"{qn(table)}.{qn(name)}" if table else name


# PostgreSQL costs to_tsvector() as cheap, so on a small table it would rather run it on every
# row (seconds on 10,000 articles) than use the index. This wrapper is the same function with its
# real cost declared; plpgsql, so that it is not inlined (and its cost forgotten).
FUNCTION_SQL = (
    "CREATE OR REPLACE FUNCTION search_document(config regconfig, document text) "
    "RETURNS tsvector LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 1000 "
    "AS $$ BEGIN RETURN to_tsvector(config, document); END $$"
)


def document_sql(fields, lang, table=""):
    """An indexed full-text document: the fields of one language."""
    parts = " || ' ' || ".join(
        f"coalesce({_column(table, f'{name}_{lang}')}, '')" for name in fields
    )
    return f"search_document('{CONFIGS[lang]}'::regconfig, {parts})"


def _documents(entry):
    """(index suffix, fields) of the full-text indexes: everything, the title, the summary."""
    return [("fts", entry.fields), ("fts_title", (entry.title,)), ("fts_summary", (entry.summary,))]


def index_sql(entry):
    """CREATE INDEX statements for an entry (the migrations hold a frozen copy of their output)."""
    table = entry.model_class._meta.db_table
    statements = []
    for lang in LANGS:
        for suffix, fields in _documents(entry):
            statements.append(
                f"CREATE INDEX IF NOT EXISTS {table}_{suffix}_{lang} ON {table} "
                f"USING gin (({document_sql(fields, lang)}))"
            )
        statements.append(
            f"CREATE INDEX IF NOT EXISTS {table}_trgm_{entry.title}_{lang} ON {table} "
            f"USING gin ({entry.title}_{lang} gin_trgm_ops)"
        )
    statements.append(
        f"CREATE INDEX IF NOT EXISTS {table}_trgm_slug ON {table} USING gin (slug gin_trgm_ops)"
    )
    return statements


def tsquery_text(query):
    """A to_tsquery() text made only of quoted words: each word of three or more letters is a
    prefix. Nothing the visitor types can become a tsquery operator."""
    return " & ".join(f"'{w}':*" if len(w) >= 3 else f"'{w}'" for w in query.words)


class _Conditions:
    """SQL conditions on the bare columns of one table, each an indexed expression, with their
    parameters: OR them and they stay index scans (a BitmapOr)."""

    def __init__(self, entry, query):
        self.entry, self.query = entry, query
        self.sql, self.params = [], []

    def text(self, fields, langs):
        for lang in langs:
            self.sql.append(
                f"{document_sql(fields, lang)} @@ to_tsquery('{CONFIGS[lang]}'::regconfig, %s)"
            )
            self.params.append(tsquery_text(self.query))
        return self

    def similar_title(self, langs):
        for lang in langs:
            self.sql.append(f"%s <%% {self.entry.title}_{lang}")
            self.params.append(" ".join(self.query.words))
        return self

    def similar_slug(self):
        self.sql.append("%s <%% slug")
        self.params.append(self.query.latin)
        return self

    def ids(self, table):
        """("SELECT id FROM table WHERE ... OR ...", params)"""
        return f"SELECT id FROM {table} WHERE {' OR '.join(self.sql)}", self.params


def queryset(entry, query, lang):
    """One query: the matching rows (the union of index scans: the full text in each language,
    each language's similar titles, the similar slugs), ranked by which of the short fields'
    indexes also match: title 4 (+8 in the visitor's language), summary 1 (+2), and for a title
    hit the better similarity of the title in the visitor's language or the slug.
    Each rank set is an uncorrelated subquery that PostgreSQL hashes once, so ranking thousands
    of rows costs a lookup each, never a to_tsvector()."""
    model = entry.model_class
    table = connection.ops.quote_name(model._meta.db_table)
    pk = f"{table}.{connection.ops.quote_name(model._meta.pk.column)}"
    fields, title = entry.fields, (entry.title,)

    def conditions():
        return _Conditions(entry, query)

    # Trigram sets one column each: a lossy bitmap rechecks every row it returns, and should
    # compute one similarity per row, not four.
    similar = [conditions().similar_title([code]).ids(table) for code in LANGS]
    similar.append(conditions().similar_slug().ids(table))
    sets = [conditions().text(fields, LANGS).ids(table), *similar]
    matches = RawSQL(
        f"{pk} IN ({' UNION '.join(sql for sql, _p in sets)})",
        [p for _sql, ps in sets for p in ps],
        output_field=BooleanField(),
    )

    def within(*sets):
        """pk IN (set) OR pk IN (set)...: each set one index scan, hashed once."""
        params = [p for _sql, ps in sets for p in ps]
        return " OR ".join(f"{pk} IN ({sql})" for sql, _p in sets), params

    summary = (entry.summary,)
    own_title = within(
        conditions().text(title, [lang]).ids(table),
        conditions().similar_title([lang]).ids(table),
    )
    any_title = within(conditions().text(title, LANGS).ids(table), *similar)
    own_summary = within(conditions().text(summary, [lang]).ids(table))
    any_summary = within(conditions().text(summary, LANGS).ids(table))
    similarity = (
        f"word_similarity(%s, {table}.{entry.title}_{lang}), word_similarity(%s, {table}.slug)"
    )
    rank = RawSQL(
        f"CASE WHEN {own_title[0]} THEN 8 ELSE 0 END"
        f" + CASE WHEN {any_title[0]} THEN 4 + greatest({similarity}) ELSE 0 END"
        f" + CASE WHEN {own_summary[0]} THEN 2 ELSE 0 END"
        f" + CASE WHEN {any_summary[0]} THEN 1 ELSE 0 END",
        own_title[1]
        + any_title[1]
        + [" ".join(query.words), query.latin]
        + own_summary[1]
        + any_summary[1],
        output_field=FloatField(),
    )
    return (
        model.objects.published()
        .filter(matches)
        .annotate(search_rank=rank, search_total=Window(Count("pk")))
        .order_by("-search_rank", *model._meta.ordering)
    )
