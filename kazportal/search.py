"""Site-wide search across the published content of every app.

Each entry names a model, the translated fields to search and how to show a result. An app adds
its model here; the search runs one query per entry, whatever the amount of content.
"""

from django.apps import apps
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

MIN_LENGTH = 2
MAX_LENGTH = 100
PER_GROUP = 10
LANGS = ("kk", "ru", "en")

# (label, "app_label.Model", title field, summary field, extra searched fields, select_related)
SEARCHABLE = [
    (
        gettext_lazy("Heritage"),
        "heritage.Item",
        "title",
        "summary",
        ("body", "period", "location", "director", "achievements"),
        ("section",),
    ),
]

# regions: regions and cities, places to visit
from regions.search import SEARCHABLE as REGIONS_SEARCHABLE  # noqa: E402

SEARCHABLE += REGIONS_SEARCHABLE

# articles: articles and calendar events
SEARCHABLE += [
    (
        gettext_lazy("Articles"),
        "articles.Article",
        "title",
        "lead",
        ("abstract", "body"),
        ("cover",),
    ),
    (gettext_lazy("Calendar"), "articles.Event", "title", "summary", ("description",), ()),
]


def validate(query):
    if len(query) < MIN_LENGTH:
        return _("Type at least %(n)d letters to search.") % {"n": MIN_LENGTH}
    if len(query) > MAX_LENGTH:
        return _("The search text is too long: use at most %(n)d characters.") % {"n": MAX_LENGTH}
    return ""


def run(query):
    groups = []
    for label, model_path, title, summary, extra, related in SEARCHABLE:
        model = apps.get_model(model_path)
        condition = Q()
        for field in (title, summary, *extra):
            for lang in LANGS:
                condition |= Q(**{f"{field}_{lang}__icontains": query})
        queryset = model.objects.published().filter(condition).select_related(*related)
        results = list(queryset[:PER_GROUP])
        if results:
            groups.append({"label": label, "results": results, "title": title, "summary": summary})
    return groups


@require_GET
def search(request):
    query = request.GET.get("q", "").strip()
    context = {"query": query, "groups": [], "error": ""}
    status = 200
    if query:
        error = validate(query)
        if error:
            context["error"] = error
            status = 400
        else:
            context["groups"] = run(query)
            context["total"] = sum(len(g["results"]) for g in context["groups"])
    return render(request, "kazportal/search.html", context, status=status)
