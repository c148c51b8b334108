"""A real browser clicks a region on the map and lands on its page; the map works from the
keyboard too."""

import pytest

from .factories import PlaceFactory, RegionFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def regions():
    almaty = RegionFactory(slug="almaty", kind="city", name_en="Almaty", map_col=5, map_row=4)
    turkistan = RegionFactory(
        slug="turkistan",
        name_en="Turkistan Region",
        short_name_en="Turkistan",
        map_col=3,
        map_row=3,
    )
    PlaceFactory(region=turkistan, slug="otrar", name_en="Otrar")
    return almaty, turkistan


def test_click_a_region_on_the_map(live_server, page, regions):
    page.goto(f"{live_server.url}/en/regions/")
    page.locator('svg a.kz-map-tile[data-slug="turkistan"]').click()
    page.wait_for_url(f"{live_server.url}/en/regions/turkistan/")
    assert page.locator("h1").inner_text() == "Turkistan Region"
    page.get_by_role("link", name="Otrar").click()
    page.wait_for_url(f"{live_server.url}/en/regions/turkistan/otrar/")
    assert page.locator("h1").inner_text() == "Otrar"
    assert page.js_errors == []


def test_map_is_reachable_from_the_keyboard(live_server, page, regions):
    page.goto(f"{live_server.url}/en/regions/")
    reached = []
    for _ in range(60):  # Tab through the page: every map tile is in the tab order
        page.keyboard.press("Tab")
        slug = page.evaluate("document.activeElement.getAttribute('data-slug')")
        if slug:
            reached.append(slug)
        if slug == "almaty":
            break
    assert reached == ["turkistan", "almaty"]  # north to south, west to east
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/en/regions/almaty/")
    assert page.locator("h1").inner_text() == "Almaty"
