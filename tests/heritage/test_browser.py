"""A real Chromium goes from /kk/heritage/ to an item and back, and downloads a document."""

from urllib.parse import urlsplit

import pytest

from heritage.models import Kind

from .factories import DocumentFactory, ItemFactory, RegionFactory, section

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_from_the_sections_to_an_item_and_back(live_server, page):
    region = RegionFactory(slug="turkistan", name_kk="Түркістан облысы")
    item = ItemFactory(
        section=section(Kind.UNESCO),
        slug="yasawi",
        title_kk="Қожа Ахмет Ясауи кесенесі",
        summary_kk="Түркістандағы кесене.",
        inscription_year=2003,
        heritage_type="cultural",
    )
    item.regions.add(region)
    ItemFactory(section=section(Kind.UNESCO), slug="tamgaly", title_kk="Тамғалы")
    archive = ItemFactory(section=section(Kind.ARCHIVES), slug="law", title_kk="Заң")
    DocumentFactory(item=archive, title_kk="Анықтама парағы")

    foreign = []
    page.on(
        "request",
        lambda request: (
            foreign.append(request.url)
            if urlsplit(request.url).netloc not in ("", urlsplit(live_server.url).netloc)
            and not request.url.startswith("data:")
            else None
        ),
    )

    page.goto(f"{live_server.url}/kk/heritage/")
    assert page.locator("h1").inner_text() == "Қазақстанның мұрасы"
    cards = page.locator(".heritage-sections .card h2")
    assert cards.count() == 8
    assert cards.nth(3).inner_text() == "ЮНЕСКО мұрасы"

    # the whole card is the link; the keyboard reaches it too
    page.get_by_role("link", name="ЮНЕСКО мұрасы").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/kk/heritage/unesco/")
    assert page.locator("h1").inner_text() == "ЮНЕСКО мұрасы"
    assert page.locator(".heritage-items .card").count() == 2

    page.get_by_role("link", name="Қожа Ахмет Ясауи кесенесі").click()
    page.wait_for_url(f"{live_server.url}/kk/heritage/unesco/yasawi/")
    assert page.locator("h1").inner_text() == "Қожа Ахмет Ясауи кесенесі"
    facts = page.locator("dl.heritage-facts").inner_text()
    assert "2003" in facts and "Мәдени" in facts
    assert "Түркістан облысы" in page.locator(".heritage-places").inner_text()

    # back through the breadcrumbs, then with the browser's own back button
    page.locator("nav.breadcrumbs").get_by_role("link", name="ЮНЕСКО мұрасы").click()
    page.wait_for_url(f"{live_server.url}/kk/heritage/unesco/")
    page.go_back()
    page.wait_for_url(f"{live_server.url}/kk/heritage/unesco/yasawi/")
    page.go_back()
    page.wait_for_url(f"{live_server.url}/kk/heritage/unesco/")
    page.go_back()
    page.wait_for_url(f"{live_server.url}/kk/heritage/")
    assert page.locator("h1").inner_text() == "Қазақстанның мұрасы"

    # the language switcher keeps the visitor on the same item
    page.goto(f"{live_server.url}/kk/heritage/unesco/yasawi/")
    page.locator(".lang-switch").get_by_role("link", name="EN").click()
    page.wait_for_url(f"{live_server.url}/en/heritage/unesco/yasawi/")

    # an archive document downloads with its safe name
    page.goto(f"{live_server.url}/kk/heritage/archives/law/")
    with page.expect_download() as download_info:
        page.locator(".heritage-documents a").first.click()
    download = download_info.value
    assert download.suggested_filename == "law-reference-sheet.pdf"

    assert page.js_errors == []
    assert foreign == []
