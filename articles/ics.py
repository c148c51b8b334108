"""iCalendar (RFC 5545) export of the public calendar, made with the `icalendar` package."""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as VEvent

from kazportal.i18n import text_in_language

# An event of the Islamic calendar is exported for this year and the next DATED_YEARS.
DATED_YEARS = 3


def build_calendar(events, request, name=None):
    cal = Calendar()
    cal.add("prodid", f"-//{settings.SITE_NAME}//Calendar//{request.LANGUAGE_CODE.upper()}")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name or _("Kazakhstan: national dates and events"))
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    host = request.get_host().split(":")[0]
    window = dated_window()
    for event in events:
        if event.hijri:
            # RRULE cannot follow the Islamic calendar: one dated VEVENT per year.
            for occurrence in event.occurrences_between(*window):
                cal.add_component(build_event(event, request, host, occurrence))
        else:
            cal.add_component(build_event(event, request, host))
    return cal


def dated_window(today=None):
    """The years for which an event of the Islamic calendar is written out date by date: this
    year and the next DATED_YEARS."""
    year = (today or timezone.localdate()).year
    return datetime.date(year, 1, 1), datetime.date(year + DATED_YEARS, 12, 31)


def build_event(event, request, host, occurrence=None):
    vevent = VEvent()
    if occurrence is None:
        vevent.add("uid", f"event-{event.pk}@{host}")
        start = event.start_date
    else:
        # Named by the Hijri year: an announced date moves that year's VEVENT.
        year = f"h{occurrence.hijri_year}" if occurrence.hijri_year else occurrence.start.year
        vevent.add("uid", f"event-{event.pk}-{year}@{host}")
        start = occurrence.start
    stamp = event.updated_at or timezone.now()
    vevent.add("dtstamp", stamp.astimezone(datetime.UTC))
    vevent.add("last-modified", stamp.astimezone(datetime.UTC))
    vevent.add("dtstart", start)
    # DTEND of an all-day event is the day after the last one (exclusive).
    vevent.add("dtend", start + event.duration + datetime.timedelta(days=1))
    if event.yearly:
        vevent.add("rrule", {"freq": "yearly"})
    vevent.add("summary", text_in_language(event, "title"))
    description = text_in_language(event, "summary") or text_in_language(event, "description")
    if description:
        vevent.add("description", description)
    location = ", ".join(
        part
        for part in (
            text_in_language(event, "venue"),
            text_in_language(event.place, "name"),
            text_in_language(event.region, "name"),
        )
        if part
    )
    if location:
        vevent.add("location", location)
    vevent.add("categories", [str(event.get_category_display())])
    vevent.add("url", request.build_absolute_uri(event.get_absolute_url()))
    vevent.add("transp", "TRANSPARENT")
    vevent.add("class", "PUBLIC")
    return vevent
