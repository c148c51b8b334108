"""Kept blocks ({% kept %}, kazportal/cache.py): parts of pages kept across renders while the
content they show is unchanged. The page is the same as one rendered from the database, a
kept block runs none of its queries, and a save empties exactly the blocks that show it."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Event
from batyr.models import Look
from heritage.models import Section
from kazportal import cache as page_cache
from kazportal.models import HomePage, Publishable
from regions.models import Place, Region
from tests.factories import PlaceFactory, yesterday

pytestmark = pytest.mark.django_db

HOME = "/kk/"


def page(client, url=HOME):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def queries_of(client, url=HOME):
    with CaptureQueriesContext(connection) as queries:
        page(client, url)
    return [query["sql"] for query in queries]


def test_a_dead_redis_renders_blocks_from_the_database():
    from django.test import override_settings

    from kazportal import resilient_cache

    from .test_outage import free_port, redis_caches

    renders = []

    def render():
        renders.append(1)
        return "html"

    class Visitor:
        COOKIES = {}

    with override_settings(CACHES=redis_caches(f"redis://127.0.0.1:{free_port()}/0")):
        resilient_cache.reset_breakers()
        for _ in range(3):
            assert page_cache.kept(b"key", render, Visitor()) == "html"
    resilient_cache.reset_breakers()
    assert len(renders) == 3


@pytest.mark.parametrize(
    "url",
    [
        "/kk/",
        "/ru/regions/abai/",
        "/en/calendar/",
        "/en/calendar/?category=national",
        "/kk/articles/dombyra-two-strings-of-the-steppe/",
    ],
)
def test_a_page_from_kept_blocks_is_the_page_from_the_database(client, demo, settings, url):
    settings.BLOCK_CACHE_SECONDS = 0
    fresh = page(client, url).encode()
    settings.BLOCK_CACHE_SECONDS = 600
    assert client.get(url).content == fresh  # renders and keeps the blocks
    with CaptureQueriesContext(connection) as kept:
        assert client.get(url).content == fresh  # from the kept blocks
    settings.BLOCK_CACHE_SECONDS = 0
    with CaptureQueriesContext(connection) as database:
        client.get(url)
    assert len(kept) < len(database), url


def test_the_home_page_from_kept_blocks_needs_no_query(client, demo, django_assert_max_num_queries):
    page(client)
    with django_assert_max_num_queries(0):  # the HomePage row is a kept value
        page(client)


def test_a_save_renders_again_only_the_blocks_that_show_it(client, demo):
    page(client)
    article = Article.objects.published().newest_first().first()
    article.title_kk = "Жаңа мақала атауы"
    article.save()
    queries = queries_of(client)
    assert "Жаңа мақала атауы" in page(client)
    assert any('"articles_article"' in sql for sql in queries)
    for other in ('"heritage_section"', '"batyr_look"', '"regions_region"', '"articles_event"'):
        assert not any(other in sql for sql in queries), other


def test_each_home_block_follows_what_it_shows(client, demo):
    page(client)
    section = Section.objects.order_by("order").first()
    section.title_kk = "Мұра бөлімі жаңа"
    section.save()
    region = Region.objects.published().order_by("order").first()
    region.name_kk = "Өңірдің жаңа аты"
    region.save()
    look = Look.objects.active().first()
    look.name_kk = "Жаңа бейне"
    look.save()
    home = HomePage.objects.get()
    home.batyr_heading_kk = "Батыр болыңыз, жаңа тақырып"
    home.hero_heading_kk = "Қош келдіңіз, жаңа тақырып"
    home.save()
    html = page(client)
    for text in ("Мұра бөлімі жаңа", "Өңірдің жаңа аты", "Жаңа бейне", "Батыр болыңыз, жаңа"):
        assert text in html, text
    assert "<title>Қош келдіңіз, жаңа тақырып" in html  # the kept HomePage row, outside blocks
    assert '<h1 id="hero-title">Қош келдіңіз, жаңа тақырып</h1>' in html


def test_an_event_added_for_today_shows_in_the_today_block(client, demo):
    page(client)
    today = timezone.localdate()
    Event.objects.create(
        slug="today-new",
        title_kk="Бүгінгі жаңа оқиға",
        title_ru="Новое событие сегодня",
        title_en="A new event today",
        category=Event.Category.values[0],
        start_date=today,
        recurrence=Event.Recurrence.NONE,
        status=Publishable.Status.PUBLISHED,
        published_at=yesterday(),
    )
    assert "Бүгінгі жаңа оқиға" in page(client)


def test_a_new_place_shows_on_its_region_page(client, demo):
    region = Region.objects.published().filter(places__isnull=False).distinct().first()
    url = f"/kk/regions/{region.slug}/"
    page(client, url)
    PlaceFactory(region=region, name_kk="Жаңа көрікті орын")
    assert "Жаңа көрікті орын" in page(client, url)


def test_an_editors_preview_is_never_kept_for_visitors(client, admin_client, demo):
    region = Region.objects.published().filter(places__isnull=False).distinct().first()
    url = f"/kk/regions/{region.slug}/"
    PlaceFactory(region=region, name_kk="Әлі жарияланбаған орын", status=Publishable.Status.DRAFT)
    assert "Әлі жарияланбаған орын" in admin_client.get(url).content.decode()
    assert "Әлі жарияланбаған орын" not in page(client, url)
    assert "Әлі жарияланбаған орын" in admin_client.get(url).content.decode()


def test_the_calendar_grid_is_kept_per_month_and_filter(client, demo):
    event = Event.objects.published().filter(recurrence="yearly").order_by("start_date").first()
    month = f"/en/calendar/{event.start_date:%Y}/{event.start_date:%m}/"
    other = event.category
    shown = page(client, month)
    filtered = page(client, f"{month}?category={other}")
    assert shown != filtered or Event.objects.published().exclude(category=other).count() == 0
    assert page(client, month) == shown
    event.title_en = "A renamed national date"
    event.save()
    assert "A renamed national date" in page(client, month)
    assert "A renamed national date" in page(client, f"{month}?category={other}")


def test_a_page_built_from_kept_blocks_still_knows_what_it_shows(client, demo, settings):
    page(client)  # the blocks are kept; the page cache is off
    settings.PAGE_CACHE_SECONDS = 600
    first = client.get(HOME)
    assert first["X-Cache"] == "miss"  # rendered from the kept blocks, then stored
    assert client.get(HOME)["X-Cache"] == "hit"
    article = Article.objects.published().newest_first().first()
    assert f"r:articles_article:{article.pk}" in first["Surrogate-Key"].split()
    article.title_kk = "Беттің кэші де білуі керек"
    article.save()
    again = client.get(HOME)
    assert again["X-Cache"] == "miss"
    assert "Беттің кэші де білуі керек" in again.content.decode()


def test_kept_blocks_end_at_local_midnight(client, demo):
    almaty = datetime.timezone(datetime.timedelta(hours=5))
    with time_machine.travel(datetime.datetime(2026, 3, 21, 23, 59, 50, tzinfo=almaty), tick=False):
        page(client)
        ends = [entry[3] for entry in page_cache._blocks.values()]
    assert ends and max(ends) <= datetime.datetime(2026, 3, 22, tzinfo=almaty).timestamp()


def test_a_scheduled_article_appears_in_the_kept_block_on_time(client, demo):
    now = timezone.now()
    article = Article.objects.published().newest_first().first()
    Article.objects.filter(pk=article.pk).update(
        status=Publishable.Status.PUBLISHED, published_at=now + datetime.timedelta(minutes=5)
    )
    page_cache.table_changed(Article)
    assert article.title_kk not in page(client)
    with time_machine.travel(now + datetime.timedelta(minutes=6), tick=False):
        assert article.title_kk in page(client)


def test_without_the_setting_nothing_is_kept(client, demo, settings):
    settings.BLOCK_CACHE_SECONDS = 0
    page(client)
    assert not page_cache._blocks


def test_places_of_other_regions_do_not_empty_a_region_page(client, demo):
    regions = Region.objects.published().order_by("order")
    region = next(r for r in regions if r.places.count() <= page_cache.ROW_TAGS_PER_TABLE)
    other = regions.exclude(pk=region.pk).first()
    url = f"/kk/regions/{region.slug}/"
    page(client, url)
    place = Place.objects.published().filter(region=other).first() or PlaceFactory(region=other)
    place.name_kk = "Басқа өңірдің орны"
    place.save()
    queries = queries_of(client, url)
    assert not any('"heritage_item"' in sql for sql in queries)


def test_a_renamed_neighbour_shows_on_the_region_page(client, demo):
    region = Region.objects.published().filter(neighbours__isnull=False).distinct().first()
    url = f"/kk/regions/{region.slug}/"
    page(client, url)
    neighbour = region.neighbours.published().first()
    neighbour.name_kk = "Көршінің жаңа аты"
    neighbour.save()
    assert "Көршінің жаңа аты" in page(client, url)
    region.neighbours.remove(neighbour)
    assert "Көршінің жаңа аты" not in page(client, url)


def test_the_region_row_itself_is_read_on_every_render(client, demo):
    region = Region.objects.published().first()
    url = f"/kk/regions/{region.slug}/"
    page(client, url)
    queries = queries_of(client, url)
    assert len(queries) == 1 and '"regions_region"' in queries[0]
    Region.objects.filter(pk=region.pk).update(summary_kk="Сигналсыз өзгерген сипаттама")
    assert "Сигналсыз өзгерген сипаттама" in page(client, url)  # no kept copy of the row


def test_an_articles_authors_and_keywords_follow_their_rows(client, demo):
    from articles.models import Author, Tag

    article = Article.objects.published().filter(bylines__isnull=False, tags__isnull=False)
    article = article.distinct().first()
    url = f"/en/articles/{article.slug}/"
    page(client, url)
    author = article.bylines.order_by("order").first().author
    author.name_en = "A Renamed Author"
    author.save()
    tag = article.tags.first()
    tag.name_en = "a renamed keyword"
    tag.save()
    html = page(client, url)
    assert "A Renamed Author" in html and "a renamed keyword" in html
    extra = Tag.objects.create(slug="kept-new-tag", name_en="a brand new keyword", name_kk="жаңа")
    article.tags.add(extra)
    newcomer = Author.objects.create(name_en="A New Co-author", name_kk="Жаңа автор")
    article.bylines.create(author=newcomer, order=99)
    html = page(client, url)
    assert "a brand new keyword" in html and "A New Co-author" in html
