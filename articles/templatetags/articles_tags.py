from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Event
from kazportal.i18n import text_in_language

register = template.Library()

REGION_EVENTS = 6


@register.inclusion_tag("articles/_region_events.html", takes_context=True)
def region_events(context, region):
    """Upcoming calendar events in a region (or at one of its places), for the region page:
    one query; renders nothing when there are none."""
    occurrences = []
    if region is not None and getattr(region, "pk", None):
        events = (
            Event.objects.published().in_region_or_places(region).select_related("region", "image")
        )
        occurrences = events.upcoming(timezone.localdate(), limit=REGION_EVENTS)
    return {"region": region, "occurrences": occurrences, "request": context.get("request")}


@register.simple_tag
def occurrence_dates(occurrence):
    """“15 March 2026” or “21–23 March 2026” (in the active language's formats)."""
    from django.utils.formats import date_format

    start, end = occurrence.start, occurrence.end
    if start == end:
        return date_format(start, "DATE_FORMAT")
    # Within one year the first date needs no year: “21 March – 23 March 2027”.
    return _("%(start)s – %(end)s") % {
        "start": month_day(start) if start.year == end.year else date_format(start, "DATE_FORMAT"),
        "end": date_format(end, "DATE_FORMAT"),
    }


@register.filter
def month_day(value):
    """“15 March” / “15 марта” / “15 наурыз”. Django's ru MONTH_DAY_FORMAT uses the nominative
    month (“15 Март”); where the language's DATE_FORMAT uses the date form of the month name
    (“E”), use that form here too."""
    from django.utils.formats import date_format, get_format

    if not value:
        return ""
    fmt = get_format("MONTH_DAY_FORMAT")
    if "E" in get_format("DATE_FORMAT"):
        fmt = fmt.replace("F", "E")
    return date_format(value, fmt)


@register.simple_tag(takes_context=True)
def filter_url(context, name, value):
    """The current page's query string with `name` set to `value` ("" removes it), page reset."""
    request = context["request"]
    params = request.GET.copy()
    params.pop("page", None)
    if value in ("", None):
        params.pop(name, None)
    else:
        params[name] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else request.path


@register.simple_tag
def plain(obj, field):
    """A translated field as plain text (with the usual fallback), for <title>, meta tags and
    attributes where no notice can be shown."""
    return text_in_language(obj, field)
