"""The editor's desk: what the admin index shows an editor (their drafts, everything scheduled,
what others changed lately, the translation gaps) and the translation dashboard.

Each list is one query per content list at most (a fixed number, whatever the number of rows),
read through the content admins' own querysets, so that a heritage section's list shows that
section's items and nothing an editor may not see.
"""

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from modeltranslation.translator import NotRegistered

from .admin import missing_condition, translated_fields
from .i18n import LANGS
from .models import Publishable
from .permissions import CONTENT_APPS

SHOWN = 8  # rows per block on the index


def content_admins(request):
    """(model, its admin) for every content list the user may see, in the admin's order."""
    found = [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in CONTENT_APPS
        and model_admin.has_view_or_change_permission(request)
    ]
    return sorted(
        found, key=lambda pair: (pair[0]._meta.app_label, str(pair[0]._meta.verbose_name))
    )


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def scheduled(request):
    """Everything scheduled to appear, soonest first."""
    rows = []
    for model, model_admin in content_admins(request):
        if issubclass(model, Publishable):
            rows += model_admin.get_queryset(request).scheduled().order_by("published_at")[:SHOWN]
    return sorted(rows, key=lambda row: row.published_at)[:SHOWN]


def my_drafts(request):
    """The drafts this editor added or changed last, newest first."""
    publishable = {
        ContentType.objects.get_for_model(model, for_concrete_model=False).pk: model_admin
        for model, model_admin in content_admins(request)
        if issubclass(model, Publishable)
    }
    entries = (
        LogEntry.objects.filter(user=request.user, content_type_id__in=publishable)
        .order_by("-action_time")
        .values_list("content_type_id", "object_id")[:200]
    )
    wanted = {}
    for content_type_id, object_id in entries:
        wanted.setdefault(content_type_id, []).append(object_id)
    drafts = []
    for content_type_id, ids in wanted.items():
        queryset = publishable[content_type_id].get_queryset(request)
        drafts += queryset.drafts().filter(pk__in=ids).order_by("-updated_at")[:SHOWN]
    return sorted(drafts, key=lambda row: row.updated_at, reverse=True)[:SHOWN]


def changed_by_others(request):
    return (
        LogEntry.objects.exclude(user=request.user)
        .filter(content_type__app_label__in=CONTENT_APPS)
        .select_related("user", "content_type")
        .order_by("-action_time")[:SHOWN]
    )


def translation_gaps(request):
    """Per content list: how many records lack a key field in each language (the same rows as
    the list's "missing translation" filter), with links to those filtered lists."""
    rows = []
    for model, model_admin in content_admins(request):
        try:
            translated_fields(model)
        except NotRegistered:  # no translated fields (the batyr jobs)
            continue
        counts = model_admin.get_queryset(request).aggregate(
            total=Count("pk"),
            **{lang: Count("pk", filter=missing_condition(model, lang)) for lang in LANGS},
        )
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        rows.append(
            {
                "name": opts.verbose_name_plural,
                "url": changelist,
                "total": counts["total"],
                "languages": [
                    {"code": lang, "missing": counts[lang], "url": f"{changelist}?missing={lang}"}
                    for lang in LANGS
                ],
            }
        )
    return rows


def translations(request):
    """The translation dashboard: /admin/translations/."""
    rows = translation_gaps(request)
    context = {
        **admin.site.each_context(request),
        "title": _("Translations"),
        "rows": rows,
        "languages": LANGS,
        "totals": {
            lang: sum(row["languages"][i]["missing"] for row in rows)
            for i, lang in enumerate(LANGS)
        },
    }
    return TemplateResponse(request, "admin/kazportal/translations.html", context)
