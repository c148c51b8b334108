import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HEADINGS = {
    "kk": "Қазақстанға қош келдіңіз",
    "ru": "Добро пожаловать в Казахстан",
    "en": "Welcome to Kazakhstan",
}


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_home_renders_in_each_language(live_server, page, lang):
    response = page.goto(f"{live_server.url}/{lang}/")
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").inner_text().strip() == HEADINGS[lang]
    # The self-hosted font is used and every stylesheet loaded from this site.
    loaded = page.evaluate(
        "document.fonts.load('16px \"Noto Sans\"', 'әғқңөұүһі').then(f => f.length)"
    )
    assert loaded >= 1
    assert page.js_errors == []


def test_switcher_keeps_the_visitor_on_the_same_page(live_server, page):
    page.goto(f"{live_server.url}/kk/search/?q=Abai")
    page.get_by_role("link", name="RU").click()
    page.wait_for_url(f"{live_server.url}/ru/search/?q=Abai")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("h1").inner_text().strip() == "Поиск"
    page.get_by_role("link", name="EN").click()
    page.wait_for_url(f"{live_server.url}/en/search/?q=Abai")
    assert page.locator("h1").inner_text().strip() == "Search"
    page.get_by_role("link", name="KK").click()
    page.wait_for_url(f"{live_server.url}/kk/search/?q=Abai")


def test_skip_link_is_the_first_tab_stop(live_server, page):
    page.goto(f"{live_server.url}/en/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
