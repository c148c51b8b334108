import json
import re

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import translation

from kazportal.i18n import LANGS
from regions.models import Place, Region

from .factories import PlaceFactory, PlacePhotoFactory, RegionFactory

pytestmark = pytest.mark.django_db


def url(name, lang, **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs)


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def jsonld(response):
    return [
        json.loads(tag.string)
        for tag in soup(response).find_all("script", type="application/ld+json")
    ]


@pytest.fixture
def country():
    """A few regions and a city with neighbours, places and photos."""
    turkistan = RegionFactory(
        slug="turkistan",
        name_kk="Түркістан облысы",
        name_ru="Туркестанская область",
        name_en="Turkistan Region",
        short_name_en="Turkistan",
        map_col=3,
        map_row=3,
    )
    shymkent = RegionFactory(
        slug="shymkent",
        kind=Region.Kind.CITY,
        name_kk="Шымкент",
        name_ru="Шымкент",
        name_en="Shymkent",
        map_col=3,
        map_row=4,
    )
    kyzylorda = RegionFactory(slug="kyzylorda", name_en="Kyzylorda Region", map_col=2, map_row=3)
    turkistan.neighbours.add(shymkent, kyzylorda)
    yasawi = PlaceFactory(
        region=turkistan,
        slug="khoja-ahmed-yasawi",
        kind=Place.Kind.SACRED,
        name_kk="Қожа Ахмет Ясауи кесенесі",
        name_ru="Мавзолей Ходжи Ахмеда Ясави",
        name_en="Mausoleum of Khoja Ahmed Yasawi",
        hours_en="Daily by day.",
        fee_en="A modest fee.",
        getting_there_en="Trains from Almaty.",
    )
    PlacePhotoFactory(place=yasawi, order=0)
    PlacePhotoFactory(place=yasawi, order=1)
    PlaceFactory(region=turkistan, slug="otrar", name_en="Otrar")
    return {"turkistan": turkistan, "shymkent": shymkent, "kyzylorda": kyzylorda, "yasawi": yasawi}


@pytest.mark.parametrize("lang", LANGS)
def test_index_in_every_language(client, country, lang):
    response = client.get(url("regions:index", lang))
    assert response.status_code == 200
    page = soup(response)
    assert page.html["lang"] == lang
    assert len(page.find_all("h1")) == 1
    names = {"kk": "Түркістан облысы", "ru": "Туркестанская область", "en": "Turkistan Region"}
    assert names[lang] in response.content.decode()


def test_map_links_every_region_with_a_text_label(client, country):
    response = client.get(url("regions:index", "en"))
    page = soup(response)
    tiles = page.select("svg.kz-map-svg a.kz-map-tile")
    assert {a["href"] for a in tiles} == {
        "/en/regions/turkistan/",
        "/en/regions/shymkent/",
        "/en/regions/kyzylorda/",
    }
    for a in tiles:
        assert a.find("text").get_text(strip=True)  # a visible label
        assert a["aria-label"]
    turkistan = page.select_one('a.kz-map-tile[data-slug="turkistan"]')
    assert turkistan.find("text").get_text(strip=True) == "Turkistan"  # the short name
    assert "is-city" in page.select_one('a[data-slug="shymkent"]')["class"]
    # SVG numbers are never localized, whatever the language
    kk = client.get(url("regions:index", "kk")).content.decode()
    assert not re.search(r'(x|y|cx|cy)="\d+,\d', kk)


def test_kind_filter(client, country):
    response = client.get(url("regions:index", "en"), {"kind": "city"})
    assert response.status_code == 200
    cards = soup(response).select(".region-cards .card h3 a")
    assert [a.get_text(strip=True) for a in cards] == ["Shymkent"]
    # the map still shows everything
    assert len(soup(response).select("a.kz-map-tile")) == 3
    current = soup(response).select_one('.kind-filter a[aria-current="page"]')
    assert "?kind=city" in current["href"]


def test_bad_kind_is_a_translated_400(client, country):
    en = client.get(url("regions:index", "en"), {"kind": "castle"})
    assert en.status_code == 400
    assert "There is no such kind of region" in en.content.decode()
    ru = client.get(url("regions:index", "ru"), {"kind": "castle"})
    assert ru.status_code == 400
    assert "There is no such kind of region" not in ru.content.decode()
    assert soup(ru).select_one(".error").get_text(strip=True)


@pytest.mark.parametrize("lang", LANGS)
def test_region_page_in_every_language(client, country, lang):
    response = client.get(url("regions:region", lang, slug="turkistan"))
    assert response.status_code == 200
    page = soup(response)
    assert len(page.find_all("h1")) == 1
    facts = page.select_one(".region-facts").get_text(" ", strip=True)
    assert "100" in facts and "700" in facts  # area and population, whatever the separator
    neighbours = {a["href"] for a in page.select(".region-facts .inline-list a")}
    assert neighbours == {f"/{lang}/regions/shymkent/", f"/{lang}/regions/kyzylorda/"}
    places = {a["href"] for a in page.select(".place-cards a")}
    assert places == {
        f"/{lang}/regions/turkistan/khoja-ahmed-yasawi/",
        f"/{lang}/regions/turkistan/otrar/",
    }


def test_region_jsonld_and_open_graph(client, country):
    country["turkistan"].cover = PlacePhotoFactory(place=country["yasawi"]).photo
    country["turkistan"].save()
    response = client.get(url("regions:region", "en", slug="turkistan"))
    blocks = jsonld(response)
    destination = next(b for b in blocks if b["@type"] == "TouristDestination")
    assert destination["name"] == "Turkistan Region"
    assert destination["url"] == "http://testserver/en/regions/turkistan/"
    assert {a["@type"] for a in destination["includesAttraction"]} == {"TouristAttraction"}
    assert destination["image"].startswith("http://testserver/media/")
    assert any(b["@type"] == "BreadcrumbList" for b in blocks)
    og = soup(response).find("meta", property="og:image")["content"]
    assert og == destination["image"] and og.endswith(".jpg")
    assert (
        soup(response).find("meta", property="og:title")["content"].startswith("Turkistan Region")
    )


@pytest.mark.parametrize("lang", LANGS)
def test_place_page_in_every_language(client, country, lang):
    response = client.get(url("regions:place", lang, region="turkistan", slug="khoja-ahmed-yasawi"))
    assert response.status_code == 200
    page = soup(response)
    assert len(page.find_all("h1")) == 1
    osm = page.find("a", href=re.compile(r"^https://www\.openstreetmap\.org/"))
    assert "mlat=43.29250" in osm["href"] and "mlon=68.27170" in osm["href"]
    assert len(page.select(".place-gallery figure")) == 2
    others = [a["href"] for a in page.select(".place-cards a")]
    assert others == [f"/{lang}/regions/turkistan/otrar/"]
    assert page.find("a", href=f"/{lang}/regions/turkistan/")  # back to the region


def test_place_jsonld_is_a_tourist_attraction_with_geo(client, country):
    response = client.get(url("regions:place", "en", region="turkistan", slug="khoja-ahmed-yasawi"))
    attraction = next(b for b in jsonld(response) if b["@type"] == "TouristAttraction")
    assert attraction["name"] == "Mausoleum of Khoja Ahmed Yasawi"
    assert attraction["geo"] == {
        "@type": "GeoCoordinates",
        "latitude": 43.2925,
        "longitude": 68.2717,
    }
    assert attraction["containedInPlace"]["@type"] == "TouristDestination"
    assert attraction["image"].startswith("http://testserver/media/")


@pytest.mark.parametrize(
    "path",
    [
        "/en/regions/atlantis/",
        "/en/regions/turkistan/atlantis/",
        "/en/regions/shymkent/khoja-ahmed-yasawi/",  # a place under the wrong region
    ],
)
def test_unknown_slugs_are_a_translated_404(client, country, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    kk = client.get(path.replace("/en/", "/kk/"))
    assert kk.status_code == 404
    assert "Page not found" not in kk.content.decode()


def test_drafts_are_404_for_the_public_and_visible_to_staff(client, country, make_editor):
    country["turkistan"].status = Region.Status.DRAFT
    country["turkistan"].save()
    region_url = url("regions:region", "en", slug="turkistan")
    place_url = url("regions:place", "en", region="turkistan", slug="khoja-ahmed-yasawi")
    assert client.get(region_url).status_code == 404
    assert client.get(place_url).status_code == 404  # a public place in a draft region
    index = client.get(url("regions:index", "en")).content.decode()
    assert "/en/regions/turkistan/" not in index
    staff = make_editor()
    client.force_login(staff)
    preview = client.get(region_url)
    assert preview.status_code == 200
    assert soup(preview).find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert client.get(place_url).status_code == 200


def test_draft_place_is_404_and_not_listed(client, country):
    country["yasawi"].status = Place.Status.DRAFT
    country["yasawi"].save()
    place_url = url("regions:place", "en", region="turkistan", slug="khoja-ahmed-yasawi")
    assert client.get(place_url).status_code == 404
    region = client.get(url("regions:region", "en", slug="turkistan")).content.decode()
    assert "khoja-ahmed-yasawi" not in region


def test_missing_translation_falls_back_visibly(client):
    region = RegionFactory(slug="abai", body_en="", body_ru="<p>Текст по-русски.</p>")
    response = client.get(url("regions:region", "en", slug=region.slug))
    page = soup(response)
    fallback = page.select_one('.region-body [lang="ru"]')
    assert fallback is not None and "Текст по-русски." in fallback.get_text()
    assert page.select_one(".region-body .fallback-notice")


def test_index_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(25):
        region = RegionFactory(cover=None)
        PlaceFactory.create_batch(3, region=region)
    with django_assert_max_num_queries(2):
        response = client.get(url("regions:index", "en"))
    assert response.status_code == 200
    assert len(soup(response).select(".region-cards .card")) == 25


@pytest.mark.usefixtures("from_the_database")
def test_region_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    region = RegionFactory()
    for _ in range(8):
        region.neighbours.add(RegionFactory())
    for _ in range(30):
        place = PlaceFactory(region=region)
        PlacePhotoFactory(place=place)
    # region, neighbours, places; one each for the heritage and calendar slots
    with django_assert_max_num_queries(5):
        response = client.get(region.get_absolute_url())
    assert response.status_code == 200
    assert len(soup(response).select(".place-cards .card")) == 30


def test_place_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    region = RegionFactory()
    place = PlaceFactory(region=region)
    for _ in range(12):
        PlacePhotoFactory(place=place)
    PlaceFactory.create_batch(20, region=region)
    with django_assert_max_num_queries(3):
        response = client.get(place.get_absolute_url())
    assert response.status_code == 200
    assert len(soup(response).select(".place-gallery figure")) == 12
    assert len(soup(response).select(".place-cards .card")) == 6


def test_home_page_shows_region_cards(client, country):
    response = client.get("/en/")
    assert response.status_code == 200
    links = {a["href"] for a in soup(response).select("#home-regions-title ~ ul a, .cards a")}
    assert "/en/regions/turkistan/" in links


def test_search_finds_regions_and_places_in_any_language(client, country):
    response = client.get("/en/search/", {"q": "Ясауи"})
    assert "/en/regions/turkistan/khoja-ahmed-yasawi/" in response.content.decode()
    response = client.get("/ru/search/", {"q": "Turkistan Region"})
    assert "/ru/regions/turkistan/" in response.content.decode()


def test_sitemap_lists_regions_and_places(client, country):
    country["kyzylorda"].status = Region.Status.DRAFT
    country["kyzylorda"].save()
    body = client.get("/sitemap.xml").content.decode()
    assert "/kk/regions/turkistan/" in body and "/en/regions/turkistan/" in body
    assert "/ru/regions/turkistan/khoja-ahmed-yasawi/" in body
    assert "/en/regions/" in body
    assert "kyzylorda" not in body


def test_language_switcher_stays_on_the_place(client, country):
    response = client.get(url("regions:place", "en", region="turkistan", slug="otrar"))
    switch = {a["hreflang"]: a["href"] for a in soup(response).select(".lang-switch a")}
    assert switch == {
        "kk": "/kk/regions/turkistan/otrar/",
        "ru": "/ru/regions/turkistan/otrar/",
    }
