from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from heritage.kinds import KINDS
from heritage.models import Item
from kazportal.i18n import NOT_YET_TRANSLATED, field_in_language
from kazportal.templatetags.kazportal import translated

register = template.Library()

REGION_LIMIT = 12


@register.inclusion_tag("heritage/_region.html")
def region_heritage(region):
    """The published heritage items linked to a region, for the region page: one query (the
    items with their sections and covers); renders nothing when there are none."""
    items = list(
        Item.objects.published()
        .filter(regions=region)
        .for_cards()
        .order_by("section__order", "order", "slug")[:REGION_LIMIT]
    )
    return {"region": region, "items": items}


@register.simple_tag
def item_badge(item):
    """The line above an item card's title, from its kind's `badge` (kinds.py): e.g. "Inscribed
    2003 · Cultural" or a custom's period."""
    first, *rest = (_badge_part(item, part) for part in KINDS[item.section.kind].badge)
    return mark_safe(first + "".join(f" · {part}" for part in rest if part))


def _badge_part(item, part):
    """A translated field (by its name) with its language fallback, or a function's plain text
    (escaped, numbers as templates write them)."""
    if isinstance(part, str):
        return translated(item, part)
    return conditional_escape(localize(part(item)))


@register.simple_tag
def translated_lines(obj, field):
    """A translated text field with one entry per line, as a <ul>; like {% translated %}, it
    marks a fallback language with `lang` and a notice."""
    text, lang = field_in_language(obj, field)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return ""
    items = format_html_join("", "<li>{}</li>", ((line,) for line in lines))
    if lang == get_language():
        return format_html('<ul class="heritage-lines">{}</ul>', items)
    return format_html(
        '<p class="fallback-notice" role="note">{}</p>'
        '<ul class="heritage-lines fallback" lang="{}">{}</ul>',
        NOT_YET_TRANSLATED[get_language()](),
        lang,
        items,
    )


@register.filter
def heritage_filesize(size):
    """A file size for visitors, with units from the heritage catalogue (Django's own Kazakh
    catalogue lacks them)."""
    try:
        size = int(size)
    except (TypeError, ValueError):
        return ""
    if size < 1024:
        return _("%(size)d bytes") % {"size": size}
    if size < 1024 * 1024:
        return _("%(size)s KB") % {"size": _decimal(size / 1024)}
    return _("%(size)s MB") % {"size": _decimal(size / (1024 * 1024))}


def _decimal(value):
    from django.utils.formats import number_format

    return number_format(round(value, 1), decimal_pos=1 if value < 10 else 0)
