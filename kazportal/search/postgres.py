"""The search on PostgreSQL: full text per language and trigram similarity, over GIN indexes.

The apps' `*_search_indexes` migrations build the indexes with a frozen copy of `FUNCTION_SQL`
and `index_sql()`."""

import datetime

import psycopg
from django.db import connection
from django.utils import timezone

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
    """SQL conditions on the table-qualified columns of one table, each an indexed expression,
    with their parameters: OR them and they stay index scans (a BitmapOr)."""

    def __init__(self, entry, query):
        self.entry, self.query = entry, query
        self.table = entry.model_class._meta.db_table
        self.sql, self.params = [], []

    def text(self, fields, langs):
        for lang in langs:
            self.sql.append(
                f"{document_sql(fields, lang, self.table)}"
                f" @@ to_tsquery('{CONFIGS[lang]}'::regconfig, %s)"
            )
            self.params.append(tsquery_text(self.query))
        return self

    def similar_title(self, langs):
        for lang in langs:
            self.sql.append(f"%s <%% {_column(self.table, f'{self.entry.title}_{lang}')}")
            self.params.append(" ".join(self.query.words))
        return self

    def similar_slug(self):
        self.sql.append(f"%s <%% {_column(self.table, 'slug')}")
        self.params.append(self.query.latin)
        return self


# What each index scan of a search says about the rows it finds (bits of their `flags`).
ALL_TEXT = 1  # the full text matches in one of the languages
SIMILAR_OWN = 2  # the title is similar to the query (pg_trgm), in the visitor's language
SIMILAR_OTHER = 4  # ... in another language
SIMILAR_SLUG = 8  # the slug is similar to the query in Latin letters
TITLE_OWN = 16  # the title's full text matches, in the visitor's language
TITLE_OTHER = 32  # ... in another language
SUMMARY_OWN = 64  # the summary's full text matches, in the visitor's language
SUMMARY_OTHER = 128  # ... in another language

MATCH = ALL_TEXT | SIMILAR_OWN | SIMILAR_OTHER | SIMILAR_SLUG
OWN_TITLE = TITLE_OWN | SIMILAR_OWN
ANY_TITLE = TITLE_OWN | TITLE_OTHER | SIMILAR_OWN | SIMILAR_OTHER | SIMILAR_SLUG
ANY_SUMMARY = SUMMARY_OWN | SUMMARY_OTHER


def _scans(entry, query, lang):
    """(flag, conditions) of the index scans, in two lists: those that make a row match (the
    full text, the similar titles and slugs) and those that only rank it (the short fields'
    full text). Each scan runs once and flags the rows it finds. The trigram scans have one
    column each: a lossy bitmap rechecks every row it returns, and should compute one
    similarity per row, not three."""
    others = [code for code in LANGS if code != lang]
    title, summary = (entry.title,), (entry.summary,)

    def conditions():
        return _Conditions(entry, query)

    matching = [
        (ALL_TEXT, conditions().text(entry.fields, LANGS)),
        (SIMILAR_OWN, conditions().similar_title([lang])),
        *((SIMILAR_OTHER, conditions().similar_title([code])) for code in others),
        (SIMILAR_SLUG, conditions().similar_slug()),
    ]
    ranking = [
        (TITLE_OWN, conditions().text(title, [lang])),
        (TITLE_OTHER, conditions().text(title, others)),
        (SUMMARY_OWN, conditions().text(summary, [lang])),
        (SUMMARY_OTHER, conditions().text(summary, others)),
    ]
    return matching, ranking


class _PreparingCursor(psycopg.Cursor):
    """Binds the parameters on the server and prepares each statement it runs."""

    def execute(self, query, params=None, *, prepare=True, binary=None):
        # With the connection's prepare_threshold at None (Django's default) psycopg prepares
        # nothing. Only cursors that bind on the server read it (Django's bind on the client):
        # set for this statement, it changes nothing else.
        conn = self.connection
        threshold = conn.prepare_threshold
        if threshold is None:
            conn.prepare_threshold = 0
        try:
            return super().execute(query, params, prepare=prepare, binary=binary)
        finally:
            conn.prepare_threshold = threshold


def _cursor():
    """A cursor whose statements PostgreSQL plans once per connection, not once per search,
    wrapped as Django wraps its own (the query is logged and counted).

    Planning the five kinds' queries cost about as much as running them (some 15 ms), and the
    search's SQL depends only on the kind and the language: the visitor's words, the time and
    the limit are parameters. Django's cursors bind them on the client and never prepare
    (Django turns psycopg's prepared statements off for connection poolers that do not keep
    them: PgBouncer's transaction mode before 1.21). Database OPTIONS that name a
    "prepare_threshold" or turn on "server_side_binding" are followed instead."""
    options = connection.settings_dict.get("OPTIONS", {})
    if "prepare_threshold" in options or options.get("server_side_binding"):
        return connection.cursor()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    cursor = _PreparingCursor(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)


class Ranked:
    """The ranked search of one model: its SQL and parameters; `fetch()` runs it."""

    def __init__(self, sql, params):
        self.sql, self.params = sql, params

    def fetch(self):
        """[(pk, number of all matches)] of the best rows, best first."""
        with _cursor() as cursor:
            cursor.execute(self.sql, self.params)
            return [tuple(row) for row in cursor.fetchall()]

    def explain(self, analyze=False):
        """The plan (EXPLAIN, or EXPLAIN ANALYZE when `analyze`) as text."""
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {'(ANALYZE) ' if analyze else ''}{self.sql}", self.params)
            return "\n".join(row[0] for row in cursor.fetchall())


def _compile_published(model):
    """(joins, WHERE condition, params) of model.objects.published()."""
    query = model.objects.published().values("pk").query
    compiler = query.get_compiler(connection=connection)
    compiler.setup_query()
    where, where_params = compiler.compile(query.where)
    tables, from_params = compiler.get_from_clause()
    # The model's own table first, then the joins (" INNER JOIN ... ON ..."): those are kept.
    assert tables[0] == connection.ops.quote_name(model._meta.db_table), tables
    return " ".join(tables[1:]), where, [*from_params, *where_params]


_PUBLISHED = {}  # model: (joins, WHERE condition, params with None for the current time)


def _published(model):
    """(joins, WHERE condition, params) of the model's published rows, from its published() (a
    place needs its region published too): the scans that make a row match keep only those.

    Compiling published() costs more than building the rest of the search's SQL, and its SQL
    never changes: only the current time in its parameters does. So it is compiled once per
    model and the time put into a copy of its parameters, when every time in them is the
    current time (else it is compiled each time)."""
    if model in _PUBLISHED:
        joins, where, params = _PUBLISHED[model]
        now = timezone.now()
        return joins, where, [now if param is None else param for param in params]
    before = timezone.now()
    joins, where, params = _compile_published(model)
    after = timezone.now()
    times = [p for p in params if isinstance(p, datetime.datetime)]
    if all(before <= p <= after for p in times) and None not in params:
        _PUBLISHED[model] = (
            joins,
            where,
            [None if isinstance(p, datetime.datetime) else p for p in params],
        )
    return joins, where, params


def queryset(entry, query, lang, limit=None):
    """One query: the best `limit` matching published rows (all of them when None), best first,
    each with the number of all matching published rows.

    A row matches when its full text matches in one of the languages, or its title in one of
    the languages or its slug is similar to the query. It ranks by which of the short fields
    match: title 4 (+8 in the visitor's language), summary 1 (+2), and for a title hit the
    better similarity of the title in the visitor's language or the slug; then the model's
    ordering.

    Each index scan runs once and flags the rows it finds; a row's flags are ORed together, so
    ranking thousands of rows costs a bit test each, never a to_tsvector(). The scans that make
    a row match read the published rows only and bring the columns the ranking reads, so no row
    is read twice. The similarity (pg_trgm, the dearest part of the rank) is computed only for
    the rows that can still be among the best `limit`: it adds less than 1 to the whole points
    of the rest of the rank."""
    model = entry.model_class
    opts = model._meta
    table = opts.db_table
    ordering = list(opts.ordering)

    def column(name):
        field = opts.pk if name == "pk" else opts.get_field(name)
        return _column(table, field.column)

    columns = {"search_pk": column("pk")}
    columns.update({f"search_o{n}": column(name.lstrip("-")) for n, name in enumerate(ordering)})
    columns["search_title"] = column(f"{entry.title}_{lang}")
    columns["search_slug"] = column("slug")
    select = ", ".join(f"{sql} AS {name}" for name, sql in columns.items())
    order = ", ".join(
        f"search_o{n} {'DESC' if name.startswith('-') else 'ASC'}"
        for n, name in enumerate(ordering)
    )
    matching, ranking = _scans(entry, query, lang)
    tables, published, published_params = _published(model)
    params = []

    quoted_table = connection.ops.quote_name(table)
    scans = []
    for flag, conditions in matching:
        # The index scan, then the published() condition on the rows it found (under the
        # table's name, which that condition uses): OFFSET 0 keeps the planner from trading the
        # search index for an index of the publication columns.
        scan = (
            f"(SELECT * FROM {quoted_table} WHERE {' OR '.join(conditions.sql)} OFFSET 0)"
            f" AS {quoted_table}"
        )
        scans.append(
            f"SELECT {select}, {flag} AS search_flag FROM {scan}{tables} WHERE {published}"
        )
        params += conditions.params + published_params
    nulls = ", ".join("NULL" for _name in columns if _name != "search_pk")
    for flag, conditions in ranking:
        scans.append(
            f"SELECT {columns['search_pk']}, {nulls}, {flag} FROM {quoted_table}"
            f" WHERE {' OR '.join(conditions.sql)}"
        )
        params += conditions.params

    base = (
        f"CASE WHEN search_flags & {OWN_TITLE} <> 0 THEN 8 ELSE 0 END"
        f" + CASE WHEN search_flags & {ANY_TITLE} <> 0 THEN 4 ELSE 0 END"
        f" + CASE WHEN search_flags & {SUMMARY_OWN} <> 0 THEN 2 ELSE 0 END"
        f" + CASE WHEN search_flags & {ANY_SUMMARY} <> 0 THEN 1 ELSE 0 END"
    )
    similarity = (
        f"CASE WHEN search_flags & {ANY_TITLE} <> 0 THEN"
        f" greatest(word_similarity(%s, search_title), word_similarity(%s, search_slug))"
        f" ELSE 0 END"
    )
    # A row found by several scans: its columns, the same in each scan that reads them (the
    # others give NULL, which max() skips; max() is also much cheaper than array_agg()).
    firsts = ", ".join(f"max({name}) AS {name}" for name in columns if name != "search_pk")
    sql = (
        f"WITH found AS (SELECT *, ({base}) AS search_base, count(*) OVER () AS search_total"
        f" FROM (SELECT search_pk, {firsts}, bit_or(search_flag) AS search_flags"
        f" FROM ({' UNION ALL '.join(scans)}) s"
        f" GROUP BY search_pk HAVING bit_or(search_flag) & {MATCH} <> 0) g)"
        f" SELECT search_pk, search_total FROM found"
    )
    if limit is not None:
        # Only a row with at least (the limit-th best whole points) - 1 can be among the best.
        sql += (
            " WHERE search_base >= coalesce((SELECT search_base FROM found"
            " ORDER BY search_base DESC OFFSET %s LIMIT 1), 0) - 1"
        )
        params.append(limit - 1)
    sql += f" ORDER BY search_base + {similarity} DESC, {order}"
    params += [" ".join(query.words), query.latin]
    if limit is not None:
        sql += " LIMIT %s"
        params.append(limit)
    return Ranked(sql, params)
