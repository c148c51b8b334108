import json

import html5lib
import pytest
from bs4 import BeautifulSoup
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation

from heritage.models import Item, Kind, Section
from kazportal.i18n import LANGS

from .factories import (
    PDF_BYTES,
    DocumentFactory,
    ItemFactory,
    ItemPhotoFactory,
    PlaceFactory,
    RegionFactory,
    section,
)


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def jsonld(response):
    blocks = soup(response).find_all("script", type="application/ld+json")
    assert len(blocks) == 1
    return json.loads(blocks[0].string)


def main_entity(response):
    graph = jsonld(response)["@graph"]
    return graph[0], graph[1]


def url(name, lang="en", **kwargs):
    with translation.override(lang):
        return reverse(f"heritage:{name}", kwargs=kwargs)


@pytest.fixture
def items():
    """One published item in every section, with its kind's facts."""
    region = RegionFactory(slug="turkistan", name_en="Turkistan", name_kk="Түркістан")
    made = {
        Kind.CUSTOMS: ItemFactory(
            section=section(Kind.CUSTOMS),
            slug="nauryz",
            period_kk="14–23 наурыз",
            period_ru="14–23 марта",
            period_en="14–23 March",
        ),
        Kind.ABOUT: ItemFactory(section=section(Kind.ABOUT), slug="astana", start_year=1997),
        Kind.HISTORY: ItemFactory(
            section=section(Kind.HISTORY), slug="khanate", period_en="1465–1847", start_year=1465
        ),
        Kind.UNESCO: ItemFactory(
            section=section(Kind.UNESCO),
            slug="yasawi",
            inscription_year=2003,
            heritage_type="cultural",
            criteria="(i)(iii)(iv)",
            location_en="Turkistan",
            latitude="43.29280",
            longitude="68.26970",
        ),
        Kind.MUSEUMS: ItemFactory(
            section=section(Kind.MUSEUMS),
            slug="central-museum",
            museum_kind="museum",
            address_en="44 Samal-1, Almaty",
            opening_hours_en="10:00–18:00",
            website="https://www.example.org/museum",
            phone="+7 727 000 00 00",
        ),
        Kind.GOLDEN_FUND: ItemFactory(
            section=section(Kind.GOLDEN_FUND),
            slug="abai",
            field="literature",
            birth_year=1845,
            death_year=1904,
            achievements_en="Book of Words\nTranslations of Pushkin",
        ),
        Kind.CINEMA: ItemFactory(
            section=section(Kind.CINEMA),
            slug="kyz-zhibek",
            film_year=1970,
            director_en="Sultan-Akhmet Khodzhikov",
            duration_minutes=150,
            genre_en="epic drama",
            trailer_url="https://video.example.org/kyz-zhibek",
        ),
        Kind.ARCHIVES: ItemFactory(section=section(Kind.ARCHIVES), slug="law-1991"),
    }
    made[Kind.UNESCO].regions.add(region)
    DocumentFactory(item=made[Kind.ARCHIVES])
    return made


# --- every page in every language ---------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_every_section_and_item_page_in_every_language(client, items, lang):
    pages = [url("index", lang)]
    for s in Section.objects.all():
        pages.append(url("section", lang, section=s.slug))
    for item in items.values():
        pages.append(url("item", lang, section=item.section.slug, slug=item.slug))
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        html5lib.HTMLParser(strict=True).parse(response.content.decode())  # valid HTML
        html = soup(response)
        assert html.html["lang"] == lang
        assert len(html.find_all("h1")) == 1, page
        assert html.find("link", rel="canonical")["href"].endswith(page)
        assert {a["hreflang"] for a in html.find_all("link", rel="alternate")} >= set(LANGS)
        assert html.find("meta", property="og:title")["content"]
        for img in html.find_all("img"):
            assert img.has_attr("alt"), page


@pytest.mark.django_db
def test_index_shows_the_eight_cards_in_the_seed_order_with_counts(client, items):
    ItemFactory(section=section(Kind.UNESCO), slug="draft", status="draft")
    response = client.get(url("index", "ru"))
    cards = soup(response).select(".heritage-sections .card")
    titles = [card.find("h2").get_text(strip=True) for card in cards]
    assert titles == [
        "Обычаи и традиции",
        "О Казахстане",
        "История",
        "Наследие ЮНЕСКО",
        "Музеи и заповедники",
        "Золотой фонд",
        "Кино",
        "Архивы",
    ]
    unesco = cards[3].get_text(" ", strip=True)
    assert "1 запись" in unesco  # the draft is not counted
    assert "Подробнее →" in unesco
    assert cards[3].find("a")["href"] == "/ru/heritage/unesco/"


@pytest.mark.django_db
def test_home_page_has_the_heritage_cards(client, items):
    response = client.get("/en/")
    section_html = soup(response).find("section", class_="heritage-home")
    assert section_html is not None
    assert len(section_html.select(".card")) == 8
    assert section_html.find("h2").get_text(strip=True) == "Heritage"
    assert "Read more →" in section_html.get_text()


# --- facts only where they apply -----------------------------------------------------------

FACT_LABELS = {
    Kind.CUSTOMS: {"Period or date": "14–23 March"},
    Kind.HISTORY: {"Period or date": "1465–1847"},
    Kind.UNESCO: {
        "Inscribed on the World Heritage List": "2003",
        "Type of heritage": "Cultural",
        "Selection criteria": "(i)(iii)(iv)",
        "Location": "Turkistan",
        "Coordinates": "43.2928, 68.2697",
    },
    Kind.MUSEUMS: {
        "Kind": "Museum",
        "Address": "44 Samal-1, Almaty",
        "Opening hours": "10:00–18:00",
        "Website": "example.org",
        "Phone": "+7 727 000 00 00",
    },
    Kind.GOLDEN_FUND: {"Field": "Literature", "Years of life": "1845–1904"},
    Kind.CINEMA: {
        "Year": "1970",
        "Director": "Sultan-Akhmet Khodzhikov",
        "Running time": "150 min",
        "Genre": "epic drama",
        "Trailer": "Watch the trailer",
    },
}
ALL_LABELS = {label for labels in FACT_LABELS.values() for label in labels}


def facts_of(response):
    dl = soup(response).find("dl", class_="heritage-facts")
    if dl is None:
        return {}
    return {
        dt.get_text(strip=True): dd.get_text(" ", strip=True)
        for dt, dd in zip(dl.find_all("dt"), dl.find_all("dd"), strict=True)
    }


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(FACT_LABELS))
def test_facts_are_shown_only_for_their_section(client, items, kind):
    item = items[kind]
    # give the item every other kind's facts too: they must stay hidden
    Item.objects.filter(pk=item.pk).update(
        inscription_year=item.inscription_year or 1999,
        film_year=item.film_year or 1999,
        birth_year=item.birth_year or 1900,
        address_en=item.address_en or "Hidden street",
        director_en=item.director_en or "Hidden director",
    )
    response = client.get(url("item", section=item.section.slug, slug=item.slug))
    facts = facts_of(response)
    expected = FACT_LABELS[kind]
    for label, value in expected.items():
        assert value in facts[label]
    assert not (set(facts) & (ALL_LABELS - set(expected)))
    text = soup(response).get_text()
    for hidden in ("Hidden street", "Hidden director"):
        if hidden not in expected.values():
            assert hidden not in text


@pytest.mark.django_db
def test_archive_page_lists_documents_with_type_and_size(client, items):
    item = items[Kind.ARCHIVES]
    response = client.get(url("item", "kk", section="archives", slug=item.slug))
    docs = soup(response).select(".heritage-documents li a")
    assert len(docs) == 1
    assert docs[0]["href"] == url(
        "document", "kk", section="archives", slug=item.slug, pk=item.documents.get().pk
    )
    text = docs[0].get_text(" ", strip=True)
    assert "Анықтама парағы" in text and "PDF" in text and f"{len(PDF_BYTES)} байт" in text


@pytest.mark.django_db
def test_golden_fund_page_lists_works_one_per_line(client, items):
    response = client.get(url("item", section="golden-fund", slug="abai"))
    works = [li.get_text() for li in soup(response).select("ul.heritage-lines li")]
    assert works == ["Book of Words", "Translations of Pushkin"]


@pytest.mark.django_db
def test_item_page_shows_gallery_regions_places_and_related(client, items):
    item = items[Kind.UNESCO]
    for _ in range(3):
        ItemPhotoFactory(item=item)
    place = PlaceFactory(name_en="Hazret Sultan reserve")
    item.places.add(place)
    RegionFactory(slug="hidden", status="draft", name_en="Hidden region")
    item.related.add(items[Kind.HISTORY])
    response = client.get(url("item", section="unesco", slug="yasawi"))
    html = soup(response)
    assert len(html.select(".heritage-gallery picture")) == 3
    where = html.select_one(".heritage-places").get_text(" ", strip=True)
    assert "Turkistan" in where and "Hazret Sultan reserve" in where
    related = [a["href"] for a in html.select(".heritage-related h3 a")]
    assert related[0] == "/en/heritage/history/khanate/"  # the editor's choice comes first


@pytest.mark.django_db
def test_fallback_language_is_marked(client):
    item = ItemFactory(slug="only-kk", title_en="", summary_en="", body_en="", body_ru="")
    response = client.get(url("item", section="history", slug="only-kk"))
    html = soup(response)
    assert html.find("h1").find("span", lang="ru") is not None
    body = html.select_one(".heritage-body")
    assert body.find("div", lang="kk") is not None
    assert "not yet translated into English" in body.get_text()
    assert item.title_kk  # the text shown is the editor's


# --- section lists, filters and bad input -------------------------------------------------


@pytest.mark.django_db
def test_section_is_paginated_and_keeps_filters(client):
    region = RegionFactory(slug="abai-region")
    for n in range(15):
        ItemFactory(section=section(Kind.HISTORY), slug=f"h-{n:02d}", start_year=1500 + n)
        Item.objects.get(slug=f"h-{n:02d}").regions.add(region)
    ItemFactory(section=section(Kind.HISTORY), slug="old", start_year=-500)
    first = client.get(url("section", section="history"))
    cards = soup(first).select(".heritage-items .card")
    assert len(cards) == 12
    assert cards[0].find("a")["href"].endswith("/old/")  # ordered by year
    second = client.get(url("section", section="history") + "?page=2&region=abai-region")
    assert len(soup(second).select(".heritage-items .card")) == 3
    assert second.context["page_obj"].paginator.count == 15
    links = [a["href"] for a in soup(second).select(".pagination a")]
    assert "?region=abai-region&page=1" in links
    robots = soup(second).find("meta", attrs={"name": "robots"})
    assert robots and "noindex" in robots["content"]


@pytest.mark.django_db
def test_kind_filters(client, items):
    ItemFactory(section=section(Kind.HISTORY), slug="saka", start_year=-800)
    ItemFactory(section=section(Kind.UNESCO), slug="saryarka", heritage_type="natural")
    ItemFactory(section=section(Kind.GOLDEN_FUND), slug="golovkin", field="sport")
    ItemFactory(section=section(Kind.MUSEUMS), slug="korgalzhyn", museum_kind="reserve")
    ItemFactory(section=section(Kind.CINEMA), slug="ayka", film_year=2018)
    cases = [
        ("history", "era=antiquity", {"saka"}),
        ("history", "era=khanate", {"khanate"}),
        ("unesco", "type=natural", {"saryarka"}),
        ("unesco", "type=cultural", {"yasawi"}),
        ("golden-fund", "field=sport", {"golovkin"}),
        ("museums-and-reserves", "kind=reserve", {"korgalzhyn"}),
        ("cinema", "era=soviet", {"kyz-zhibek"}),
        ("cinema", "era=independence", {"ayka"}),
        ("unesco", "region=turkistan", {"yasawi"}),
    ]
    for slug, query, expected in cases:
        response = client.get(url("section", section=slug) + "?" + query)
        assert response.status_code == 200
        assert {i.slug for i in response.context["items"]} == expected, query


@pytest.mark.django_db
def test_filter_options_come_with_counts_and_only_when_used(client, items):
    response = client.get(url("section", section="unesco"))
    selects = {s["name"]: s for s in soup(response).select(".heritage-filters select")}
    assert set(selects) == {"type", "region"}
    options = [o.get_text(strip=True) for o in selects["type"].find_all("option")]
    assert options == ["All", "Cultural (1)"]
    assert [o["value"] for o in selects["region"].find_all("option")] == ["", "turkistan"]
    customs = client.get(url("section", section="customs"))
    assert soup(customs).select(".heritage-filters") == []  # nothing to filter by


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["era=jurassic", "region=atlantis", "region=" + "x" * 500, "era=khanate&era=x"],
)
def test_bad_filter_value_is_a_translated_400(client, items, query):
    response = client.get(url("section", "ru", section="history") + "?" + query)
    assert response.status_code == 400
    html = soup(response)
    assert html.find("h1").get_text(strip=True) == "Неизвестное значение фильтра"
    assert "не значение фильтра" in html.find(class_="error").get_text()


@pytest.mark.django_db
def test_parameters_a_section_does_not_know_are_ignored(client, items):
    # "type" filters UNESCO sites, not history; tracking parameters must not break a page
    response = client.get(url("section", section="history") + "?type=cultural&utm_source=x")
    assert response.status_code == 200
    assert [i.slug for i in response.context["items"]] == ["khanate"]


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["0", "99", "abc", "-1", "1.5"])
def test_bad_page_number_is_a_404(client, items, page):
    response = client.get(url("section", "kk", section="history") + f"?page={page}")
    assert response.status_code == 404
    assert soup(response).find("h1").get_text(strip=True) == "Бет табылмады"


@pytest.mark.django_db
def test_unknown_slugs_and_drafts_are_translated_404s(client, items):
    ItemFactory(section=section(Kind.HISTORY), slug="secret", status="draft")
    for page in [
        url("section", "kk", section="nowhere"),
        url("item", "kk", section="history", slug="nothing"),
        url("item", "kk", section="unesco", slug="khanate"),  # exists, but in another section
        url("item", "kk", section="history", slug="secret"),
    ]:
        response = client.get(page)
        assert response.status_code == 404, page
        assert soup(response).find("h1").get_text(strip=True) == "Бет табылмады"


@pytest.mark.django_db
def test_staff_preview_a_draft_with_a_notice(client, make_editor):
    ItemFactory(section=section(Kind.HISTORY), slug="secret", status="draft")
    staff = make_editor()
    client.force_login(staff)
    response = client.get(url("item", section="history", slug="secret"))
    assert response.status_code == 200
    html = soup(response)
    assert "not published" in html.find(class_="notice").get_text()
    assert "noindex" in html.find("meta", attrs={"name": "robots"})["content"]


# --- structured data and sharing -----------------------------------------------------------

EXPECTED_TYPES = {
    Kind.CUSTOMS: "Article",
    Kind.ABOUT: "Article",
    Kind.HISTORY: "Article",
    Kind.UNESCO: ["LandmarksOrHistoricalBuildings", "TouristAttraction"],
    Kind.MUSEUMS: "Museum",
    Kind.GOLDEN_FUND: "Person",
    Kind.CINEMA: "Movie",
    Kind.ARCHIVES: "ArchiveComponent",
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(EXPECTED_TYPES))
def test_jsonld_is_valid_and_typed_per_kind(client, items, kind):
    item = items[kind]
    response = client.get(url("item", section=item.section.slug, slug=item.slug))
    data = jsonld(response)
    assert data["@context"] == "https://schema.org"
    main, crumbs = data["@graph"]
    assert main["@type"] == EXPECTED_TYPES[kind]
    assert main["name"] == item.title_en
    assert main["url"].endswith(item.get_absolute_url().replace("/kk/", "/en/"))
    assert crumbs["@type"] == "BreadcrumbList"
    assert [e["position"] for e in crumbs["itemListElement"]] == [1, 2, 3, 4]
    assert all(v not in (None, "", []) for v in main.values())


@pytest.mark.django_db
def test_jsonld_carries_each_kinds_facts(client, items):
    def entity(kind):
        item = items[kind]
        return main_entity(client.get(url("item", section=item.section.slug, slug=item.slug)))[0]

    unesco = entity(Kind.UNESCO)
    assert unesco["geo"] == {"@type": "GeoCoordinates", "latitude": 43.2928, "longitude": 68.2697}
    assert {
        "@type": "PropertyValue",
        "name": "UNESCO World Heritage inscription",
        "value": 2003,
    } in (unesco["additionalProperty"])
    assert unesco["containedInPlace"] == [{"@type": "AdministrativeArea", "name": "Turkistan"}]
    museum = entity(Kind.MUSEUMS)
    assert museum["address"]["streetAddress"] == "44 Samal-1, Almaty"
    assert museum["telephone"] == "+7 727 000 00 00"
    person = entity(Kind.GOLDEN_FUND)
    assert (person["birthDate"], person["deathDate"]) == ("1845", "1904")
    movie = entity(Kind.CINEMA)
    assert movie["director"] == [{"@type": "Person", "name": "Sultan-Akhmet Khodzhikov"}]
    assert movie["duration"] == "PT150M" and movie["dateCreated"] == "1970"
    assert movie["trailer"]["url"] == "https://video.example.org/kyz-zhibek"
    archive = entity(Kind.ARCHIVES)
    media = archive["associatedMedia"][0]
    assert media["encodingFormat"] == "application/pdf"
    assert media["contentUrl"].startswith("http://testserver/en/heritage/archives/law-1991/")


@pytest.mark.django_db
def test_natural_sites_and_reserves_get_their_own_types(client):
    ItemFactory(section=section(Kind.UNESCO), slug="steppe", heritage_type="natural")
    ItemFactory(section=section(Kind.MUSEUMS), slug="reserve", museum_kind="reserve")
    steppe = main_entity(client.get(url("item", section="unesco", slug="steppe")))[0]
    reserve = main_entity(client.get(url("item", section="museums-and-reserves", slug="reserve")))[
        0
    ]
    assert steppe["@type"] == "TouristAttraction"
    assert reserve["@type"] == ["Park", "TouristAttraction"]


@pytest.mark.django_db
def test_list_pages_have_collection_jsonld(client, items):
    index = jsonld(client.get(url("index")))["@graph"][0]
    assert index["@type"] == "CollectionPage"
    assert len(index["mainEntity"]["itemListElement"]) == 8
    history = jsonld(client.get(url("section", section="history")))["@graph"][0]
    assert [e["name"] for e in history["mainEntity"]["itemListElement"]] == [
        items[Kind.HISTORY].title_en
    ]


@pytest.mark.django_db
def test_open_graph_uses_the_cover(client, items):
    from tests.factories import PhotoFactory

    item = items[Kind.UNESCO]
    item.cover = PhotoFactory()
    item.save()
    response = client.get(url("item", section="unesco", slug="yasawi"))
    html = soup(response)
    og_image = html.find("meta", property="og:image")["content"]
    assert og_image.startswith("http://testserver/media/renditions/") and og_image.endswith(".jpg")
    assert html.find("meta", property="og:type")["content"] == "article"
    assert html.find("meta", property="og:description")["content"] == item.summary_en


# --- document downloads -------------------------------------------------------------------


@pytest.mark.django_db
def test_document_download_headers(client, items):
    document = items[Kind.ARCHIVES].documents.get()
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="law-1991-reference-sheet.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES


@pytest.mark.django_db
def test_image_document_is_served_as_an_image(client, items):
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(buffer, "PNG")
    document = DocumentFactory(
        item=items[Kind.ARCHIVES], title_en="Timeline", file=ContentFile(buffer.getvalue(), "t.png")
    )
    response = client.get(document.get_absolute_url())
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="law-1991-timeline.png"'


@pytest.mark.django_db
def test_document_of_a_draft_item_is_a_404(client):
    draft = ItemFactory(section=section(Kind.ARCHIVES), slug="draft-doc", status="draft")
    document = DocumentFactory(item=draft)
    assert client.get(document.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_missing_document_file_is_a_404_not_a_500(client, items):
    document = items[Kind.ARCHIVES].documents.get()
    default_storage.delete(document.file.name)
    response = client.get(document.get_absolute_url())
    assert response.status_code == 404


@pytest.mark.django_db
def test_document_url_must_match_its_item(client, items):
    document = items[Kind.ARCHIVES].documents.get()
    wrong = url("document", section="archives", slug="other", pk=document.pk)
    assert client.get(wrong).status_code == 404
    wrong_section = url("document", section="history", slug="law-1991", pk=document.pk)
    assert client.get(wrong_section).status_code == 404


# --- search and sitemap -----------------------------------------------------------------


@pytest.mark.django_db
def test_search_finds_heritage_items_in_any_language(client, items):
    ItemFactory(
        section=section(Kind.HISTORY), slug="hidden", title_ru="Казахское секретное", status="draft"
    )
    Item.objects.filter(pk=items[Kind.HISTORY].pk).update(title_ru="Казахское ханство")
    response = client.get("/en/search/?q=ханство")
    html = soup(response)
    links = [a["href"] for a in html.select(".card h3 a")]
    assert "/en/heritage/history/khanate/" in links
    assert "/en/heritage/history/hidden/" not in links


@pytest.mark.django_db
def test_sitemap_lists_sections_and_published_items(client, items):
    ItemFactory(section=section(Kind.HISTORY), slug="secret", status="draft")
    body = client.get("/sitemap.xml").content.decode()
    assert "/kk/heritage/</loc>" in body
    assert "/ru/heritage/golden-fund/</loc>" in body
    assert "/en/heritage/unesco/yasawi/</loc>" in body
    assert "secret" not in body
