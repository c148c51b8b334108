import datetime
import io
import math
import struct
import wave
import zoneinfo

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from modeltranslation.translator import translator

from kazportal.i18n import LANGS
from kazportal.models import HomePage, HomeRegion
from tests.articles.factories import ArticleFactory, EventFactory, RegionFactory
from tests.factories import PhotoFactory

pytestmark = pytest.mark.django_db

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")


def soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


def wav_bytes(seconds=0.2):
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        frames = (
            struct.pack("<h", int(8000 * math.sin(i / 8))) for i in range(int(8000 * seconds))
        )
        out.writeframes(b"".join(frames))
    return buffer.getvalue()


def on(day):
    """Freeze the clock at noon in Almaty on `day`."""
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(12), ALMATY), tick=False
    )


@pytest.fixture
def home():
    page = HomePage.load()
    for lang, words in zip(
        LANGS, ("Қош келдіңіз", "Добро пожаловать", "Welcome home"), strict=True
    ):
        setattr(page, f"hero_heading_{lang}", words)
        setattr(page, f"hero_subheading_{lang}", f"{words}: subheading")
        setattr(page, f"track_title_{lang}", f"Track {lang}")
        setattr(page, f"track_performer_{lang}", f"Performer {lang}")
        setattr(page, f"intro_heading_{lang}", f"Intro {lang}")
        setattr(page, f"intro_text_{lang}", f"First paragraph {lang}.\n\nSecond paragraph {lang}.")
        setattr(page, f"intro_quote_{lang}", f"Quote {lang}")
        setattr(page, f"regions_heading_{lang}", f"Where to go {lang}")
    page.hero_photo = PhotoFactory()
    page.track_cover = PhotoFactory()
    page.track_audio.save("kui.wav", ContentFile(wav_bytes()), save=False)
    page.save()
    return page


def full_site():
    ArticleFactory.create_batch(4)
    regions = [RegionFactory(slug=f"r{i}", order=i) for i in range(6)]
    EventFactory(title_en="Charity Day", summary_en="mercy and good neighbours")
    return regions


# --- blocks ------------------------------------------------------------------------------------

BLOCKS = ["hero", "today", "music", "intro", "articles", "regions", "heritage", "batyr"]
SELECTORS = {
    "hero": "section.hero",
    "today": "section.today-section",
    "music": "section.music",
    "intro": 'section[aria-labelledby="intro-title"]',
    "articles": 'section[aria-labelledby="home-articles-title"]',
    "regions": "section.regions-home",
    "heritage": "section.heritage-home",
    "batyr": "section.batyr-home",
}


def block_order(page):
    sections = page.select("main > section")
    found = []
    for section in sections:
        for name, selector in SELECTORS.items():
            if section in page.select(selector):
                found.append(name)
    return found


def test_every_block_in_the_seed_order_with_content(client, home):
    with on(datetime.date(2026, 3, 15)):
        full_site()
        page = soup(client.get("/en/"))
    assert block_order(page) == BLOCKS
    assert [h.get_text(strip=True) for h in page.find_all("h1")] == ["Welcome home"]
    hero_img = page.select_one("section.hero img")
    assert hero_img["loading"] == "eager" and hero_img["fetchpriority"] == "high"
    assert page.select_one("#intro-title").get_text() == "Intro en"
    assert [p.get_text() for p in page.select(".intro .prose p")] == [
        "First paragraph en.",
        "Second paragraph en.",
    ]
    assert page.select_one(".intro blockquote").get_text(strip=True) == "Quote en"
    assert page.select_one("#home-regions-title").get_text() == "Where to go en"
    assert len(page.select("section.hero ~ section article, .article-card")) == 3
    # the map and the default featured regions (none chosen: the first four)
    assert page.select_one("section.regions-home svg.kz-map-svg")
    assert len(page.select(".featured-regions .region-card")) == 4
    assert page.select_one('section.batyr-home a[href="/en/batyr/"]')
    # every picture below the hero waits until it is scrolled to, and has its size
    for img in page.select("main img")[1:]:
        assert img["loading"] == "lazy", img
        assert img.get("width") and img.get("height"), img


@pytest.mark.parametrize("lang", LANGS)
def test_hero_and_music_texts_in_each_language(client, home, lang):
    page = soup(client.get(f"/{lang}/"))
    expected = {"kk": "Қош келдіңіз", "ru": "Добро пожаловать", "en": "Welcome home"}[lang]
    assert page.find("h1").get_text(strip=True) == expected
    assert page.select_one("#track-title").get_text() == f"Track {lang}"
    assert page.select_one(".track-performer").get_text() == f"Performer {lang}"


def test_a_missing_translation_falls_back_visibly(client, home):
    home.intro_text_ru = ""
    home.save()
    page = soup(client.get("/ru/"))
    fallback = page.select_one(".intro .prose .fallback")
    assert fallback["lang"] == "kk"
    assert "First paragraph kk." in fallback.get_text()


def test_featured_regions_in_the_editors_order(client, home):
    regions = full_site()
    HomeRegion.objects.create(home=home, region=regions[4], order=1)
    HomeRegion.objects.create(home=home, region=regions[2], order=2)
    page = soup(client.get("/en/"))
    links = [a["href"] for a in page.select(".featured-regions h3 a")]
    assert links == ["/en/regions/r4/", "/en/regions/r2/"]
    # the map still shows every region
    assert len(page.select(".kz-map-tile")) == 6


def test_the_audio_player(client, home):
    page = soup(client.get("/en/"))
    audio = page.select_one("section.music figure audio")
    assert audio.has_attr("controls")
    assert audio["preload"] == "none"
    assert not audio.has_attr("autoplay")
    source = audio.find("source")
    assert source["type"] == "audio/wav"
    assert source["src"].endswith(".wav") and source["src"].startswith("/media/home/audio/")
    assert page.select_one("section.music figcaption")
    assert page.select_one("section.music img")["alt"].startswith("Steppe photo")


def test_empty_database_shows_the_hero_and_no_empty_blocks(client):
    page = soup(client.get("/kk/"))
    assert [h.get_text(strip=True) for h in page.find_all("h1")] == ["Қазақстанға қош келдіңіз"]
    # the heritage sections and batyr looks come with the migrations; nothing else is there
    assert block_order(page) == ["hero", "heritage", "batyr"]
    assert not page.select("audio") and not page.select("section.hero img")
    assert not HomePage.objects.exists()  # reading the page never writes


def test_blocks_without_own_texts_use_the_site_wording(client):
    HomePage.load()
    full_site()
    page = soup(client.get("/en/"))
    assert page.find("h1").get_text(strip=True) == "Welcome to Kazakhstan"
    assert page.select_one("#home-regions-title").get_text() == "Regions and places to visit"
    assert not page.select("section.music")  # no audio file: no player
    assert not page.select('section[aria-labelledby="intro-title"]')  # no intro text


@pytest.mark.usefixtures("from_the_database")
def test_home_runs_a_fixed_number_of_queries(client, home, django_assert_max_num_queries):
    regions = full_site()
    ArticleFactory.create_batch(10)
    EventFactory.create_batch(10)
    for order, region in enumerate(regions):
        HomeRegion.objects.create(home=home, region=region, order=order)
    # texts, today's dates, regions, articles (+ authors, tags), heritage sections, batyr looks
    with django_assert_max_num_queries(8):
        page = soup(client.get("/en/"))
    assert len(page.select(".featured-regions .region-card")) == 6


# --- today in the calendar ---------------------------------------------------------------------


def test_today_card_on_a_day_with_an_event(client):
    with on(datetime.date(2026, 3, 15)):
        EventFactory(
            slug="charity",
            title_en="Charity Day",
            summary_en="mercy and good neighbours",
            start_date=datetime.date(2024, 3, 15),
            recurrence="yearly",
        )
        EventFactory(slug="later", title_en="Later", start_date=datetime.date(2026, 3, 21))
        page = soup(client.get("/en/"))
    card = page.select_one("section.today-section")
    assert card.select_one(".today-day").get_text() == "15"
    assert card.find("h2").get_text() == "Today in the calendar"
    text = card.select_one(".today-card").get_text(" ", strip=True)
    assert "15 March" in text and "Charity Day" in text and "mercy and good neighbours" in text
    assert "Later" not in card.get_text()
    hrefs = {a["href"] for a in card.select("a")}
    assert {"/en/calendar/2026/03/15/", "/en/events/charity/", "/en/calendar/"} <= hrefs


def test_today_card_on_a_day_without_an_event_shows_the_next_one(client):
    with on(datetime.date(2026, 3, 16)):
        EventFactory(slug="past", title_en="Yesterday", start_date=datetime.date(2026, 3, 15))
        EventFactory(slug="unity", title_en="Unity Day", start_date=datetime.date(2026, 3, 21))
        EventFactory(slug="later", title_en="Later", start_date=datetime.date(2026, 4, 1))
        page = soup(client.get("/ru/"))
    card = page.select_one("section.today-section")
    assert card.find("h2").get_text() != ""
    assert "visually-hidden" not in card.find("h2").get("class", [])
    assert card.select_one(".today-day").get_text() == "21"
    assert "21 марта" in card.get_text()
    assert "Yesterday" not in card.get_text() and "Later" not in card.get_text()
    assert card.select_one('a[href="/ru/calendar/2026/03/21/"]')


def test_no_event_in_the_coming_year_hides_the_card(client):
    with on(datetime.date(2026, 3, 16)):
        EventFactory(start_date=datetime.date(2026, 3, 15))
        page = soup(client.get("/en/"))
    assert not page.select("section.today-section")


# --- admin -------------------------------------------------------------------------------------


def admin_data(**overrides):
    data = {
        "region_features-TOTAL_FORMS": "0",
        "region_features-INITIAL_FORMS": "0",
        "region_features-MIN_NUM_FORMS": "0",
        "region_features-MAX_NUM_FORMS": "1000",
    }
    for field in translator.get_options_for_model(HomePage).fields:
        for lang in LANGS:
            data[f"{field}_{lang}"] = ""
    data.update(overrides)
    return data


def test_admin_list_opens_the_one_change_form(admin_client):
    response = admin_client.get("/admin/kazportal/homepage/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/kazportal/homepage/1/change/"
    assert HomePage.objects.count() == 1
    form = admin_client.get(response["Location"]).content.decode()
    for lang in LANGS:
        assert f'name="hero_heading_{lang}"' in form
    # no add when the row exists, no delete
    assert admin_client.get("/admin/kazportal/homepage/add/").status_code == 403
    assert (
        admin_client.post("/admin/kazportal/homepage/1/delete/", {"post": "yes"}).status_code == 403
    )
    assert HomePage.objects.count() == 1


def test_admin_saves_the_three_languages_and_a_track(admin_client):
    HomePage.load()
    region = RegionFactory(slug="turkistan")
    data = admin_data(
        hero_heading_kk="Қазақстанға қош келдіңіз!",
        hero_heading_ru="Добро пожаловать!",
        hero_heading_en="Welcome!",
        track_audio=SimpleUploadedFile("kui.wav", wav_bytes(), content_type="audio/wav"),
        **{
            "region_features-TOTAL_FORMS": "1",
            "region_features-0-region": str(region.pk),
            "region_features-0-order": "1",
        },
    )
    response = admin_client.post(
        "/admin/kazportal/homepage/1/change/", data, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    home = HomePage.objects.get()
    assert (home.hero_heading_kk, home.hero_heading_ru, home.hero_heading_en) == (
        "Қазақстанға қош келдіңіз!",
        "Добро пожаловать!",
        "Welcome!",
    )
    assert home.track_audio.name.startswith("home/audio/kui")
    assert list(home.featured_regions.all()) == [region]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"just some text, not music", "Choose an MP3, OGG, M4A or WAV audio file."),
        ("fake.mp3", b"<html><body>not audio</body></html>", "not a playable MP3 audio file"),
        ("fake.ogg", wav_bytes(), "not a playable OGG audio file"),
    ],
)
def test_admin_rejects_a_file_that_is_not_audio(admin_client, name, content, message):
    HomePage.load()
    data = admin_data(track_audio=SimpleUploadedFile(name, content))
    response = admin_client.post(
        "/admin/kazportal/homepage/1/change/", data, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not HomePage.objects.get().track_audio


def test_admin_rejects_a_too_large_audio_file(admin_client, settings, monkeypatch):
    from kazportal import models

    monkeypatch.setattr(models, "AUDIO_MAX_BYTES", 1000)
    HomePage.load()
    data = admin_data(track_audio=SimpleUploadedFile("big.wav", wav_bytes()))
    response = admin_client.post(
        "/admin/kazportal/homepage/1/change/", data, headers={"Accept-Language": "en"}
    )
    assert "The audio file is too large" in response.content.decode()


def test_the_singleton_cannot_be_added_twice(admin_client):
    HomePage.load()
    second = HomePage(hero_heading_en="Another")
    second.save()  # saving a new instance edits the one row
    assert HomePage.objects.count() == 1
    assert HomePage.objects.get().hero_heading_en == "Another"


# --- demo content ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_demo_home_page_has_all_eight_blocks(client, demo, lang):
    page = soup(client.get(f"/{lang}/"))
    assert block_order(page) == BLOCKS
    home = HomePage.objects.get()
    for field in ("hero_heading", "track_title", "intro_text", "track_description"):
        assert getattr(home, f"{field}_{lang}"), field
    assert page.select_one("section.music audio source")["type"] == "audio/mpeg"
    assert len(page.select(".featured-regions .region-card")) == 4
    assert len(page.select("section.heritage-home .card")) == 8
