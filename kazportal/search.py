"""Site-wide search across the published content of every app.

Each `Searchable` names a model, the translated fields to search and how to describe a result. An
app adds its models here; a search runs one query per model, whatever the amount of content.

On PostgreSQL a row matches when
- the full text of its title, summary and other text fields matches in one of the languages,
  with that language's text-search configuration (`simple` for Kazakh, which PostgreSQL has no
  stemmer for) and every word of the query taken as a prefix ("Бураб" finds "Бурабай"), or
- its title in one of the languages is similar to the query (pg_trgm word similarity: a typo or
  a partial word still matches), or
- its Latin slug is similar to the query transliterated to Latin (so "Burabai" finds the
  Cyrillic "Бурабай" through the slug `burabay`, and "Бурабаи" finds it too).
Every one of those expressions has a GIN index (the apps' `*_search_indexes` migrations build
them with the SQL of `index_sql()`). The rank only reads the short fields: a title hit above a
summary hit above a hit in the rest of the text, the visitor's language first, then similarity.

Elsewhere (SQLite) a simpler search runs: every word, shortened to its stem, must occur
(case-insensitively) in one of the fields in one of the languages or in the slug, ranked the
same way (title, summary; the visitor's language first) without the similarity.
"""

import html
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, Case, Count, F, FloatField, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL, Window
from django.shortcuts import render
from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kazportal.i18n import LANGS, field_in_language
from kazportal.text import latin_slug

MIN_LENGTH = 2
MAX_LENGTH = 100
MAX_WORDS = 10
PER_GROUP = 10

# PostgreSQL text-search configuration of each language; it has no Kazakh stemmer.
CONFIGS = {"kk": "simple", "ru": "russian", "en": "english"}
SNIPPET_LENGTH = 220

# Words: letters and digits of any script (no underscores, no punctuation, no tsquery operators).
WORD = re.compile(r"[^\W_]+")
# Control characters other than the ordinary whitespace a pasted text may carry.
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Searchable:
    label: Any  # lazy translated heading of the group
    model: str  # "app_label.Model"
    title: str
    summary: str
    extra: tuple = ()  # other translated text fields (bodies, descriptions)
    related: tuple = ()  # select_related, for the URL and the description
    describe: Callable = field(default=lambda obj: "")  # the kind, section or date of a result

    @property
    def model_class(self):
        return apps.get_model(self.model)

    @property
    def fields(self):
        return (self.title, self.summary, *self.extra)


def _item_section(item):
    return field_in_language(item.section, "title")[0]


def _event_dates(event):
    from articles.templatetags.articles_tags import occurrence_dates

    return occurrence_dates(event.next_occurrence())


SEARCHABLE = []

# regions: regions and cities, places to visit
from regions.search import SEARCHABLE as REGIONS_SEARCHABLE  # noqa: E402

SEARCHABLE += REGIONS_SEARCHABLE

SEARCHABLE += [
    Searchable(
        gettext_lazy("Heritage"),
        "heritage.Item",
        "title",
        "summary",
        ("body", "period", "location", "director", "achievements"),
        ("section",),
        _item_section,
    ),
    # articles: articles and calendar events
    Searchable(
        gettext_lazy("Articles"),
        "articles.Article",
        "title",
        "lead",
        ("abstract", "body"),
        (),
        lambda article: article.get_category_display(),
    ),
    Searchable(
        gettext_lazy("Calendar"),
        "articles.Event",
        "title",
        "summary",
        ("description",),
        (),
        _event_dates,
    ),
]


# --- the query text ---------------------------------------------------------------------------


@dataclass
class Query:
    text: str  # whitespace collapsed
    words: list

    @property
    def latin(self):
        """The query in Latin letters, to compare with slugs."""
        return latin_slug(" ".join(self.words), max_length=MAX_LENGTH).replace("-", " ")


def parse(raw):
    """(Query or None, error message). An empty query is no error: the page shows a hint."""
    if CONTROL.search(raw):
        return None, _("The search text contains control characters. Type it again, please.")
    text = " ".join(unicodedata.normalize("NFC", raw).split())
    if not text:
        return None, ""
    if len(text) > MAX_LENGTH:
        return None, _("The search text is too long: use at most %(n)d characters.") % {
            "n": MAX_LENGTH
        }
    words = WORD.findall(text)[:MAX_WORDS]
    if sum(len(w) for w in words) < MIN_LENGTH:
        return None, _("Type at least %(n)d letters to search.") % {"n": MIN_LENGTH}
    return Query(text, words), ""


def validate(query):
    """The error message for a query text, or "" (kept for callers that only validate)."""
    return parse(query)[1] if query.strip() else ""


# --- PostgreSQL: full text + trigrams ---------------------------------------------------------


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


def stems(words):
    """Each word as the highlighter finds it: a long word loses two letters so that other
    endings match ("ханство" marks "ханства")."""
    return [w if len(w) <= 4 else w[: max(4, len(w) - 2)] for w in words]


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


def _postgres_queryset(entry, query, lang):
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


# --- any database: icontains ------------------------------------------------------------------


def _spellings(word):
    """SQLite compares only ASCII letters case-insensitively: try the usual spellings too."""
    return dict.fromkeys([word, word.lower(), word.capitalize(), word.upper()])


def _contains(fields, langs, word):
    condition = Q()
    for name in fields:
        for code in langs:
            for spelling in _spellings(word):
                condition |= Q(**{f"{name}_{code}__icontains": spelling})
    return condition


def _fallback_queryset(entry, query, lang):
    """Every word's stem (see stems(): a typo or another ending of a long word still matches)
    in one of the fields in one of the languages, or in the slug."""
    model = entry.model_class
    words = stems(query.words)
    matches = Q()
    for word in words:
        slug_word = latin_slug(word)
        in_slug = Q(slug__icontains=slug_word) if slug_word else Q(pk__in=[])
        matches &= _contains(entry.fields, LANGS, word) | in_slug

    def every_word(fields, langs):
        condition = Q()
        for word in words:
            condition &= _contains(fields, langs, word)
        return condition

    def points(condition, value):
        return Case(
            When(condition, then=Value(value)), default=Value(0), output_field=IntegerField()
        )

    rank = (
        points(every_word([entry.title], [lang]), 8)
        + points(every_word([entry.title], LANGS), 4)
        + points(every_word([entry.summary], [lang]), 2)
        + points(every_word([entry.summary], LANGS), 1)
    )
    return (
        model.objects.published()
        .filter(matches)
        .annotate(search_rank=rank, search_total=Window(Count("pk")))
        .order_by(F("search_rank").desc(), *model._meta.ordering)
    )


# --- results ---------------------------------------------------------------------------------


@dataclass
class Hit:
    obj: Any
    url: str
    title: str
    title_lang: str
    kind: str
    snippet: str  # safe HTML: escaped, matches in <mark>
    snippet_lang: str


@dataclass
class Group:
    label: Any
    hits: list
    total: int

    @property
    def more(self):
        return self.total > len(self.hits)

    @property
    def note(self):
        """ "The best 10 of 1,234." when the group shows only the best hits."""
        if not self.more:
            return ""
        return ngettext(
            "The best %(shown)d of %(total)d.", "The best %(shown)d of %(total)d.", self.total
        ) % {"shown": len(self.hits), "total": self.total}


def highlighter(query):
    """A regex for the visitor's words in a text: each word as the start of a word, a long word
    shortened by two letters so that other endings match ("ханство" marks "ханства")."""
    found = sorted(stems(query.words), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(s) for s in found) + r")\w*", re.IGNORECASE)


def highlight(text, pattern):
    """Escaped text with each match wrapped in <mark>."""
    out, pos = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[pos : match.start()]))
        out.append(format_html("<mark>{}</mark>", match.group()))
        pos = match.end()
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))


def plain_text(value):
    """Text without tags (a tag becomes a space, so paragraphs do not run together)."""
    return " ".join(html.unescape(strip_tags((value or "").replace("<", " <"))).split())


def excerpt(text, match, length=SNIPPET_LENGTH):
    """About `length` characters of text around a match, cut at spaces, with ellipses."""
    if len(text) <= length:
        return text
    start = 0 if match is None else max(0, match.start() - length // 4)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < match.start() else start
    end = start + length
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def snippet(obj, entry, pattern):
    """(HTML, language) of a short excerpt where the visitor's words occur: in the summary, then
    the other text fields, of the visitor's language first, then of the fallback languages. With
    no such place, the summary's beginning (in the visitor's language or its fallback)."""
    lang = get_language() or settings.LANGUAGE_CODE
    fallbacks = settings.MODELTRANSLATION_FALLBACK_LANGUAGES
    for code in (lang, *fallbacks.get(lang, fallbacks["default"])):
        for name in (entry.summary, *entry.extra):
            text = plain_text(getattr(obj, f"{name}_{code}", ""))
            match = pattern.search(text)
            if match:
                return highlight(excerpt(text, match), pattern), code
    summary, code = field_in_language(obj, entry.summary)
    return highlight(excerpt(plain_text(summary), None), pattern), code


def make_hit(obj, entry, pattern):
    title, title_lang = field_in_language(obj, entry.title)
    text, text_lang = snippet(obj, entry, pattern)
    return Hit(
        obj=obj,
        url=obj.get_absolute_url(),
        title=title,
        title_lang=title_lang,
        kind=entry.describe(obj),
        snippet=text,
        snippet_lang=text_lang,
    )


def uses_postgres():
    return connection.vendor == "postgresql"


def run(query, lang=None, fallback=None):
    """Groups of hits for a Query (or a query text): per kind one database query, and one more
    to fetch the hits of a kind that has any.
    `fallback=True` runs the simple search on any database (it is the only one off PostgreSQL)."""
    if isinstance(query, str):
        query = parse(query)[0]
        if query is None:
            return []
    lang = lang or get_language() or settings.LANGUAGE_CODE
    if lang not in CONFIGS:
        lang = settings.LANGUAGE_CODE
    if fallback is None:
        fallback = not uses_postgres()
    build = _fallback_queryset if fallback else _postgres_queryset
    pattern = highlighter(query)
    groups = []
    for entry in SEARCHABLE:
        # Rank and count on narrow rows (the ids), then fetch the few objects shown: sorting
        # thousands of whole rows with their texts would cost more than the second query.
        ranked = list(build(entry, query, lang).values_list("pk", "search_total")[:PER_GROUP])
        if not ranked:
            continue
        related = entry.model_class.objects.select_related(*entry.related)
        objects = related.in_bulk([pk for pk, _total in ranked])
        hits = [make_hit(objects[pk], entry, pattern) for pk, _total in ranked]
        groups.append(Group(entry.label, hits, ranked[0][1]))
    return groups


@require_GET
def search(request):
    raw = request.GET.get("q", "")
    query, error = parse(raw)
    # The text shown back in the box and the title: without control characters, at most the limit.
    text = " ".join(CONTROL.sub(" ", raw).split())[:MAX_LENGTH]
    context = {"query": text, "groups": [], "error": error, "max_length": MAX_LENGTH}
    if query:
        context["groups"] = run(query)
        context["total"] = sum(group.total for group in context["groups"])
    return render(request, "kazportal/search.html", context, status=400 if error else 200)
