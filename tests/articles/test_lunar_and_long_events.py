"""Events of the Islamic (lunar) calendar (Kurban Ait, 10 Dhu al-Hijjah) and events of several
days drawn once per week row of the month grid."""

import datetime
import re

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from articles.models import Event, EventDate

from .factories import EventFactory

pytestmark = pytest.mark.django_db
D = datetime.date
NOW = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)


def url(name, lang="kk", **kwargs):
    with translation.override(lang):
        return reverse(f"articles:{name}", kwargs=kwargs or None)


def kurban_ait(**kwargs):
    return EventFactory(
        slug="kurban-ait",
        title_kk="Құрбан айт",
        title_ru="Курбан айт",
        title_en="Kurban Ait",
        category="holiday",
        day_off=True,
        start_date=D(2006, 1, 10),
        recurrence=Event.Recurrence.HIJRI,
        hijri_month=12,
        hijri_day=10,
        published_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
        **kwargs,
    )


def may_2027_dates(event):
    return [o.start for o in event.occurrences_between(D(2027, 5, 1), D(2027, 5, 31))]


def test_kurban_ait_is_computed_for_every_year():
    event = kurban_ait()
    # hijridate's Umm al-Qura tables: 10 Dhu al-Hijjah 1447, 1448, 1449
    assert [o.start for o in event.occurrences_between(D(2026, 1, 1), D(2028, 12, 31))] == [
        D(2026, 5, 27),
        D(2027, 5, 16),
        D(2028, 5, 5),
    ]
    # 2006 had it twice (1426 and 1427); none before the first year
    assert [o.start for o in event.occurrences_between(D(2005, 1, 1), D(2006, 12, 31))] == [
        D(2006, 1, 10),
        D(2006, 12, 31),
    ]


@pytest.mark.usefixtures("from_the_database")
def test_kurban_ait_in_may_2027_on_the_month_day_and_event_pages(
    client, django_assert_max_num_queries
):
    kurban_ait()
    with django_assert_max_num_queries(3):
        month = client.get(url("month", year="2027", month="05"))
    assert month.status_code == 200
    soup = BeautifulSoup(month.content, "html.parser")
    grid = soup.select_one("table.month-grid")
    assert "Құрбан айт" in grid.get_text()
    assert "Құрбан айт" in soup.select_one("section.month-list").get_text()
    day = D(2027, 5, 16)
    with django_assert_max_num_queries(2):
        page = client.get(url("day", year="2027", month="05", day="16"))
    assert "Құрбан айт" in page.content.decode()
    assert (
        "Құрбан айт"
        not in client.get(url("day", year="2027", month="05", day="20")).content.decode()
    )
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(2):
        detail = client.get(url("event", lang="en", slug="kurban-ait"))
    html = detail.content.decode()
    assert "10 Dhu al-Hijjah" in html
    assert f'datetime="{day.isoformat()}"' in html  # the next time, seen from 1 June 2026


def test_event_page_names_the_next_lunar_date():
    event = kurban_ait()
    assert event.next_occurrence(D(2026, 6, 1)).start == D(2027, 5, 16)


def test_calendar_ics_has_dated_vevents_for_this_year_and_the_next_three(client):
    kurban_ait()
    EventFactory(
        slug="fixed",
        start_date=D(2020, 7, 6),
        recurrence="yearly",
        published_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
    )
    with time_machine.travel(NOW, tick=False):
        response = client.get("/calendar.ics?lang=kk")
    cal = Calendar.from_ical(response.content)
    kurban = [c for c in cal.walk("VEVENT") if str(c["summary"]) == "Құрбан айт"]
    assert [c.decoded("dtstart") for c in kurban] == [
        D(2026, 5, 27),
        D(2027, 5, 16),
        D(2028, 5, 5),
        D(2029, 4, 24),
    ]
    assert all("RRULE" not in c for c in kurban)
    assert len({str(c["uid"]) for c in kurban}) == 4
    fixed = [c for c in cal.walk("VEVENT") if "RRULE" in c]
    assert len(fixed) == 1  # a fixed yearly date keeps its RRULE


def test_an_announced_date_moves_that_year_only(client):
    event = kurban_ait()
    EventDate.objects.create(event=event, date=D(2027, 5, 17))
    event = Event.objects.get(pk=event.pk)
    assert may_2027_dates(event) == [D(2027, 5, 17)]
    assert [o.start for o in event.occurrences_between(D(2028, 1, 1), D(2028, 12, 31))] == [
        D(2028, 5, 5)
    ]
    # the pages read the announced date in the same query
    soup = BeautifulSoup(client.get(url("month", year="2027", month="05")).content, "html.parser")
    listed = soup.select("section.month-list .agenda > li")
    assert [li.select_one(".agenda-day").get_text() for li in listed] == ["17"]
    assert (
        "Құрбан айт" in client.get(url("day", year="2027", month="05", day="17")).content.decode()
    )
    assert (
        "Құрбан айт"
        not in client.get(url("day", year="2027", month="05", day="16")).content.decode()
    )
    with time_machine.travel(NOW, tick=False):
        cal = Calendar.from_ical(client.get("/calendar.ics").content)
    starts = [c.decoded("dtstart") for c in cal.walk("VEVENT")]
    assert D(2027, 5, 17) in starts and D(2027, 5, 16) not in starts


def test_an_announced_date_far_from_the_computed_one_is_refused():
    event = kurban_ait()
    with pytest.raises(ValidationError):
        EventDate(event=event, date=D(2027, 6, 16)).full_clean()
    EventDate(event=event, date=D(2027, 5, 17)).full_clean()


def test_a_lunar_event_needs_its_month_and_day():
    event = EventFactory.build(slug="x", recurrence=Event.Recurrence.HIJRI)
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert {"hijri_month", "hijri_day"} <= set(error.value.message_dict)


def grid_rows(html):
    soup = BeautifulSoup(html, "html.parser")
    return soup, soup.select("table.month-grid tbody tr")


def test_a_five_week_event_is_drawn_once_per_week_row_and_listed_once(client):
    EventFactory(
        slug="long",
        title_kk="Ұзақ көрме",
        category="exhibition",
        start_date=D(2026, 11, 28),
        end_date=D(2027, 1, 3),
    )
    EventFactory(slug="one-day", title_kk="Бір күн", start_date=D(2026, 12, 10))
    soup, rows = grid_rows(client.get(url("month", year="2026", month="12")).content)
    # each week: its row of bars, then its row of days
    day_rows = [row for row in rows if "week-bars" not in (row.get("class") or [])]
    bar_rows = [row for row in rows if "week-bars" in (row.get("class") or [])]
    assert len(day_rows) == 5 and len(bar_rows) == 5
    for row in rows:
        titles = [a.get_text(" ", strip=True) for a in row.select("a[href*='/events/']")]
        assert len(titles) == len(set(titles)), titles
        assert sum(cells.count("Ұзақ көрме") for cells in titles) <= 1
        # seven columns per row, whatever the colspans
        assert sum(int(td.get("colspan", 1)) for td in row.find_all("td")) == 7
    bars = soup.select("table.month-grid a.event-bar")
    assert len(bars) == 5
    first_week_bar = bars[0].find_parent("td")
    # 1–6 December in the first week (30 November is in another month's days)
    assert first_week_bar["colspan"] == "6"
    assert all("Ұзақ көрме" not in td.get_text() for td in soup.select("td .day-events"))
    assert "Бір күн" in soup.select_one("table.month-grid").get_text()
    # the list below names it once, with its dates
    listing = soup.select_one("section.month-list")
    assert listing.get_text().count("Ұзақ көрме") == 1
    item = next(li for li in listing.select("li li") if "Ұзақ көрме" in li.get_text())
    assert re.search(r"2026.*–.*2027", item.select_one(".range").get_text())
    # and the day pages still list it, every day
    day = client.get(url("day", year="2026", month="12", day="15")).content.decode()
    assert "Ұзақ көрме" in day


def test_long_events_share_a_week_row_in_lanes(client):
    EventFactory(slug="a", title_kk="Бірінші", start_date=D(2027, 3, 1), end_date=D(2027, 3, 3))
    EventFactory(slug="b", title_kk="Екінші", start_date=D(2027, 3, 2), end_date=D(2027, 3, 5))
    EventFactory(slug="c", title_kk="Үшінші", start_date=D(2027, 3, 4), end_date=D(2027, 3, 6))
    soup, rows = grid_rows(client.get(url("month", year="2027", month="03")).content)
    first_week = [r for r in rows if "week-bars" in (r.get("class") or [])][:2]
    titles = [
        [a.get_text(strip=True).split(",")[0] for a in row.select("a.event-bar")]
        for row in first_week
    ]
    assert titles == [["Бірінші", "Үшінші"], ["Екінші"]]
