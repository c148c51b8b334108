"""The render caches (fragments of cards, <picture> markup) follow the content they show and
the language: a change shows up on the next render, without any invalidation."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from articles.models import Article
from kazportal.models import Photo
from kazportal.templatetags.kazportal import fingerprint, forget_fragments
from regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_fragments():
    forget_fragments()
    yield
    forget_fragments()


def test_a_changed_region_title_shows_after_a_save(client, demo):
    region = Region.objects.published().first()
    client.get("/kk/regions/")  # fills the fragments
    region.name_kk = "Жаңа атау тексеру"
    region.save()
    assert "Жаңа атау тексеру" in client.get("/kk/regions/").content.decode()


def test_a_changed_cover_alt_shows_after_a_save(client, demo):
    article = Article.objects.published().exclude(cover=None).order_by("-published_at").first()
    client.get("/en/articles/")
    photo = Photo.objects.get(pk=article.cover_id)
    photo.alt_en = "A brand new <alt> text"
    photo.save()
    assert 'alt="A brand new &lt;alt&gt; text"' in client.get("/en/articles/").content.decode()


def test_a_changed_place_count_shows_on_the_region_card(client, demo):
    region = Region.objects.published().filter(places__isnull=False).distinct().first()
    before = client.get("/en/regions/").content.decode()
    region.places.update(status="draft")
    after = client.get("/en/regions/").content.decode()
    assert before != after


def test_each_language_gets_its_own_fragments(client, demo):
    region = Region.objects.published().first()
    region.name_kk, region.name_ru, region.name_en = "Атауы-кк", "Название-ру", "Name-en"
    region.save()
    pages = {lang: client.get(f"/{lang}/regions/").content.decode() for lang in ("kk", "ru", "en")}
    again = {lang: client.get(f"/{lang}/regions/").content.decode() for lang in ("kk", "ru", "en")}
    assert pages == again
    assert "Атауы-кк" in pages["kk"] and "Атауы-кк" not in pages["ru"]
    assert "Название-ру" in pages["ru"] and "Название-ру" not in pages["en"]
    assert "Name-en" in pages["en"] and "Name-en" not in pages["kk"]
    link = f'href="/ru/regions/{region.slug}/"'
    assert link in pages["ru"] and link not in pages["kk"]


def test_cached_and_fresh_renders_are_the_same(client, demo):
    for url in ("/kk/", "/ru/regions/", "/en/calendar/", "/kk/heritage/", "/ru/articles/"):
        forget_fragments()
        fresh = client.get(url).content
        assert client.get(url).content == fresh, url


def test_cached_renders_make_no_more_queries(client, demo):
    for url in ("/kk/", "/en/regions/", "/ru/calendar/"):
        forget_fragments()
        with CaptureQueriesContext(connection) as cold:
            client.get(url)
        with CaptureQueriesContext(connection) as warm:
            client.get(url)
        assert len(warm) <= len(cold), url


def test_fingerprint_follows_every_loaded_value(demo):
    region = Region.objects.select_related("cover").exclude(cover=None).first()
    before = fingerprint(region)
    assert fingerprint(region) == before
    region.cover.alt_ru = "другой"
    assert fingerprint(region) != before
    with translation.override("ru"):
        assert fingerprint(Region.objects.published().filter(pk=region.pk).first()) != (
            fingerprint(region)
        )
