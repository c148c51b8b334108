import pytest

from tests.articles.factories import ArticleFactory
from tests.regions.factories import PlaceFactory, RegionFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_search_from_the_header_and_open_a_result(live_server, page):
    region = RegionFactory(slug="akmola", name_ru="Акмолинская область")
    PlaceFactory(
        region=region,
        slug="burabay",
        name_ru="Национальный парк «Бурабай»",
        summary_ru="Озёра Бурабая среди сосен.",
    )
    ArticleFactory(slug="trip", title_ru="Поездка в Бурабай")

    page.goto(f"{live_server.url}/ru/regions/")
    box = page.locator("#header-q")
    box.fill("Бурабаи")  # a typo
    box.press("Enter")
    page.wait_for_url("**/ru/search/?q=*")

    headings = page.locator(".search-group h2")
    assert headings.count() == 2  # places, then articles
    assert page.locator(".search-hit mark").count() >= 1
    page.get_by_role("link", name="Национальный парк «Бурабай»").click()
    page.wait_for_url(f"{live_server.url}/ru/regions/akmola/burabay/")
    assert "Бурабай" in page.locator("h1").inner_text()
    assert page.js_errors == []
