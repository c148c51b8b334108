"""A real Chromium pages through the calendar month by month and opens an event."""

import datetime

import pytest
from django.utils import timezone

from .factories import ArticleFactory, EventFactory, RegionFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_page_through_months_and_open_an_event(live_server, page):
    today = timezone.localdate()
    first = today.replace(day=1)
    in_two_months = (first + datetime.timedelta(days=62)).replace(day=10)
    region = RegionFactory(slug="turkistan", name_en="Turkistan Region")
    EventFactory(
        slug="crafts-fair",
        title_en="Crafts fair",
        summary_en="Felt and leather work.",
        start_date=in_two_months,
        end_date=in_two_months + datetime.timedelta(days=1),
        region=region,
        category="festival",
    )
    EventFactory(
        slug="charity-day",
        title_en="Charity Day",
        start_date=datetime.date(2024, 3, 15),
        recurrence="yearly",
        category="nauryz",
    )

    page.goto(f"{live_server.url}/en/calendar/")
    assert page.locator("h1").inner_text() == first.strftime("%B %Y")
    # the grid is an accessible table with Monday first
    headers = page.locator("table.month-grid thead th")
    assert headers.count() == 7
    assert headers.first.locator("abbr").get_attribute("title") == "Monday"

    for _step in range(2):
        page.get_by_role("link", name="Next month").click()
        page.wait_for_load_state()
    assert page.locator("h1").inner_text() == in_two_months.strftime("%B %Y")
    # a two-day event: one bar per week row it falls in
    weeks = {
        day.isocalendar()[:2] for day in (in_two_months, in_two_months + datetime.timedelta(1))
    }
    grid = page.locator("table.month-grid")
    assert grid.get_by_role("link", name="Crafts fair").count() == len(weeks)

    page.get_by_role("link", name="Previous month").click()
    page.wait_for_load_state()
    previous = (in_two_months.replace(day=1) - datetime.timedelta(days=1)).strftime("%B %Y")
    assert page.locator("h1").inner_text() == previous
    page.get_by_role("link", name="Next month").click()
    page.wait_for_load_state()

    page.locator("table.month-grid").get_by_role("link", name="Crafts fair").first.click()
    page.wait_for_url(f"{live_server.url}/en/events/crafts-fair/")
    assert page.locator("h1").inner_text() == "Crafts fair"
    assert "Turkistan Region" in page.locator("dl.facts").inner_text()
    ics = page.get_by_role("link", name="Add to my calendar (.ics)")
    assert ics.get_attribute("href") == "/en/events/crafts-fair.ics"
    assert page.js_errors == []


def test_phone_sees_the_agenda_instead_of_the_grid(live_server, page):
    EventFactory(
        slug="charity-day",
        title_en="Charity Day",
        start_date=datetime.date(2024, 3, 15),
        recurrence="yearly",
        category="nauryz",
    )
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}/en/calendar/2027/03/")
    assert not page.locator("table.month-grid").is_visible()
    agenda = page.locator(".agenda")
    assert agenda.is_visible()
    assert "Charity Day" in agenda.inner_text()
    # nothing sticks out sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_article_print_and_copy_buttons_work_without_inline_script(live_server, page):
    article = ArticleFactory(title_en="Printable")
    page.goto(f"{live_server.url}/en/articles/{article.slug}/")
    assert page.get_by_role("button", name="Print").is_visible()
    assert page.get_by_role("button", name="Copy the citation").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".share").is_visible()
    assert page.js_errors == []
