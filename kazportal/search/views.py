"""Running a search and the search page."""

from django.conf import settings
from django.db import connection
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from ..cache import reads_query
from . import fallback as fallback_search
from . import postgres
from .query import CONTROL, MAX_LENGTH, parse
from .registry import SEARCHABLE
from .snippets import Group, highlighter, make_hit

PER_GROUP = 10


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
    if lang not in postgres.CONFIGS:
        lang = settings.LANGUAGE_CODE
    if fallback is None:
        fallback = not uses_postgres()
    pattern = highlighter(query)
    groups = []
    for entry in SEARCHABLE:
        # Rank and count on narrow rows (the ids), then fetch the few objects shown: sorting
        # thousands of whole rows with their texts would cost more than the second query.
        if fallback:
            found = fallback_search.queryset(entry, query, lang)
            ranked = list(found.values_list("pk", "search_total")[:PER_GROUP])
        else:
            ranked = postgres.queryset(entry, query, lang, limit=PER_GROUP).fetch()
        if not ranked:
            continue
        related = entry.model_class.objects.select_related(*entry.related)
        objects = related.in_bulk([pk for pk, _total in ranked])
        hits = [make_hit(objects[pk], entry, pattern) for pk, _total in ranked]
        groups.append(Group(entry.label, hits, ranked[0][1]))
    return groups


@reads_query("q")
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
