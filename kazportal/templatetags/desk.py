"""{% editor_desk %}: the editor's desk on the admin index (kazportal/desk.py)."""

from django import template
from django.urls import reverse

from kazportal import desk

register = template.Library()


@register.inclusion_tag("admin/kazportal/desk.html", takes_context=True)
def editor_desk(context):
    request = context["request"]
    gaps = desk.translation_gaps(request)
    return {
        "drafts": desk.my_drafts(request),
        "scheduled": desk.scheduled(request),
        "changed": desk.changed_by_others(request),
        "missing": {
            lang: sum(row["languages"][i]["missing"] for row in gaps)
            for i, lang in enumerate(desk.LANGS)
        },
        "translations_url": reverse("translation_dashboard"),
    }


@register.filter
def admin_url(obj):
    """The change form of a record in its own list (a heritage item in its section's)."""
    return desk.change_url(obj)


@register.filter
def verbose_name(obj):
    return obj._meta.verbose_name
