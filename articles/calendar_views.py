"""The calendar of national dates and events: the month and day pages, an event's page and the
iCalendar files (built by ics.py). The articles' own pages are in views.py."""

import calendar as pycalendar
import datetime

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kazportal.cache import reads_query
from kazportal.i18n import LANGS, text_in_language
from kazportal.pages import bad_request
from regions.models import Region

from . import ics, structured_data
from .models import MAX_YEAR, MIN_YEAR, Event, day_url, next_occurrence_window


def to_int(value, low, high):
    """A URL part as an int within [low, high], or 404."""
    number = int(value)
    if not low <= number <= high:
        raise Http404(_("There is no such date in the calendar."))
    return number


def calendar_filters(request):
    """(filters dict, events queryset, error) from ?category= and ?region=."""
    events = Event.objects.published()
    filters = {}
    category = request.GET.get("category", "")
    if category:
        if category not in Event.Category.values:
            return None, None, _("There is no such category of events.")
        events = events.in_category(category)
        filters["category"] = category
    region = request.GET.get("region", "")
    if region:
        found = Region.objects.published().filter(slug=region).first()
        if found is None:
            return None, None, _("There is no such region.")
        events = events.in_region_or_places(found)
        filters["region"] = found
    return filters, events, ""


def month_link(day, query):
    url = reverse("articles:month", kwargs={"year": f"{day.year:04d}", "month": f"{day.month:02d}"})
    return f"{url}?{query}" if query else url


def day_link(day):
    """The day's page, or "" outside the calendar's years."""
    return day_url(day) if MIN_YEAR <= day.year <= MAX_YEAR else ""


def week_lanes(week, long_occurrences, month):
    """The events of several days in one week row of the month grid, as bars: a list of lanes,
    each a list of cells from Monday to Sunday, {"span": days, "occurrence": o or None,
    "before": it began earlier, "after": it goes on}. Each occurrence is in one lane, drawn once
    over the days of this month it covers in the week; lanes are filled first come, first in."""
    days = [day for day in week if day.month == month]
    if not days:
        return []
    lanes = []  # each: list of (first column, last column, occurrence)
    for o in sorted(long_occurrences, key=lambda o: (o.start, -(o.end - o.start).days)):
        covered = [i for i, day in enumerate(week) if day.month == month and o.covers(day)]
        if not covered:
            continue
        first, last = covered[0], covered[-1]
        for lane in lanes:
            if all(last < a or first > b for a, b, _o in lane):
                lane.append((first, last, o))
                break
        else:
            lanes.append([(first, last, o)])
    rows = []
    for lane in lanes:
        cells, column = [], 0
        for first, last, o in sorted(lane, key=lambda bar: bar[0]):
            cells.extend({"span": 1, "occurrence": None} for _ in range(first - column))
            cells.append(
                {
                    "span": last - first + 1,
                    "occurrence": o,
                    "before": o.start < week[first],
                    "after": o.end > week[last],
                }
            )
            column = last + 1
        cells.extend({"span": 1, "occurrence": None} for _ in range(len(week) - column))
        rows.append(cells)
    return rows


def month_grid(events, weeks_dates, today):
    """The month's weeks (each day's events, long ones as bars) and the days of the list below
    the grid, from `events` (one query)."""
    first = next(day for day in weeks_dates[0] if day.day == 1)
    month = first.month
    grid_start, grid_end = weeks_dates[0][0], weeks_dates[-1][-1]
    occurrences = events.select_related("region").occurrences(grid_start, grid_end)
    weeks = [
        {
            "days": [
                {
                    "date": day,
                    "in_month": day.month == month,
                    "today": day == today,
                    # events of one day in the cell; longer ones as bars (week_lanes)
                    "occurrences": [o for o in occurrences if not o.multi_day and o.covers(day)],
                    "busy": any(o.covers(day) for o in occurrences),
                    # the list below the grid names a long event once, on its first day here
                    "listed": [
                        o for o in occurrences if o.covers(day) and max(o.start, first) == day
                    ],
                }
                for day in week
            ],
            "lanes": week_lanes(week, [o for o in occurrences if o.multi_day], month),
        }
        for week in weeks_dates
    ]
    month_days = [
        cell for week in weeks for cell in week["days"] if cell["in_month"] and cell["listed"]
    ]
    return {"weeks": weeks, "month_days": month_days}


@reads_query("category", "region")
@require_GET
def calendar_month(request, year=None, month=None):
    today = timezone.localdate()
    if year is None:
        year, month = today.year, today.month
    else:
        year = to_int(year, MIN_YEAR, MAX_YEAR)
        month = to_int(month, 1, 12)
    filters, events, error = calendar_filters(request)
    if error:
        return bad_request(request, error)
    first = datetime.date(year, month, 1)
    last = datetime.date(year, month, pycalendar.monthrange(year, month)[1])
    weeks_dates = pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    query = request.GET.urlencode()
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = last + datetime.timedelta(days=1)
    return render(
        request,
        "articles/calendar_month.html",
        {
            "month": first,
            # read in the template's kept block only (one query when its content changed)
            "grid": SimpleLazyObject(lambda: month_grid(events, weeks_dates, today)),
            "weekdays": weeks_dates[0],
            "previous_url": month_link(previous, query) if previous.year >= MIN_YEAR else "",
            "next_url": month_link(following, query) if following.year <= MAX_YEAR else "",
            "previous_month": previous,
            "next_month": following,
            "this_month_url": month_link(today, query),
            "is_current": (year, month) == (today.year, today.month),
            "filters": filters,
            "categories": Event.Category.choices,
            "regions": Region.objects.published().order_by("order", "slug"),
            "ics_url": reverse("calendar_ics"),
        },
    )


@require_GET
def calendar_day(request, year, month, day):
    try:
        date = datetime.date(
            to_int(year, MIN_YEAR, MAX_YEAR), to_int(month, 1, 12), to_int(day, 1, 31)
        )
    except ValueError as error:
        raise Http404(_("There is no such date in the calendar.")) from error
    occurrences = Event.objects.published().with_related().on_day(date)
    return render(
        request,
        "articles/calendar_day.html",
        {
            "day": date,
            "occurrences": occurrences,
            "month_url": month_link(date, ""),
            "previous_url": day_link(date - datetime.timedelta(days=1)),
            "next_url": day_link(date + datetime.timedelta(days=1)),
        },
    )


def _visible_event(request, slug, window):
    """The event (with where it takes place, and the announced dates of an event of the Islamic
    calendar within window) if the visitor may see it, or 404."""
    queryset = (
        Event.objects.visible_to(request.user)
        .select_related("region", "place", "place__region", "image")
        .with_announced(*window)
    )
    return get_object_or_404(queryset, slug=slug)


@require_GET
def event_detail(request, slug):
    today = timezone.localdate()
    event = _visible_event(request, slug, next_occurrence_window(today))
    occurrence = event.next_occurrence(today)
    return render(
        request,
        "articles/event_detail.html",
        {
            "event": event,
            "occurrence": occurrence,
            "is_past": occurrence.end < today,
            "jsonld": structured_data.event_detail(request, event, occurrence),
        },
    )


def ics_response(cal, filename):
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
def event_ics(request, slug):
    event = _visible_event(request, slug, ics.dated_window())
    cal = ics.build_calendar([event], request, name=text_in_language(event, "title"))
    return ics_response(cal, f"{event.slug}.ics")


@reads_query("lang")
@require_GET
def calendar_ics(request):
    """/calendar.ics (no language prefix): every public event; ?lang=ru|en|kk picks the
    language of the texts (default: the visitor's)."""
    lang = request.GET.get("lang", "")
    if lang and lang not in LANGS:
        return HttpResponse(
            _("Unknown language: use kk, ru or en."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    with translation.override(lang or translation.get_language() or "kk"):
        request.LANGUAGE_CODE = translation.get_language()
        events = (
            Event.objects.published()
            .with_related()
            .with_announced(*ics.dated_window())
            .order_by("start_date", "order")
        )
        cal = ics.build_calendar(events, request)
        return ics_response(cal, "kazportal-calendar.ics")
