"""Targeted invalidation and single flight in the page cache (kazportal/cache.py): a save
empties only the pages that show what changed; one render of a page at a time."""

import datetime
import threading
import time

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Event
from kazportal import cache as page_cache
from regions.models import Region
from tests.adminforms import errors, form_data
from tests.articles.factories import ArticleFactory, TagFactory
from tests.factories import PlaceFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600


@pytest.fixture
def editor(make_editor):
    client = Client()
    client.force_login(make_editor("aigerim"))
    client.cookies["django_language"] = "en"
    return client


def states(client, urls):
    """{url: X-Cache} for each of `urls`, asked twice: the second answer says whether the first
    was served from the cache."""
    return {url: client.get(url)["X-Cache"] for url in urls}


def warm(client, urls):
    for url in urls:
        client.get(url)
    assert set(states(client, urls).values()) == {"hit"}


def test_an_article_corrected_by_an_editor_empties_only_the_pages_that_show_it(client, editor):
    north, south = RegionFactory(), RegionFactory()
    PlaceFactory(region=north)
    PlaceFactory(region=south)
    for _ in range(8):
        ArticleFactory()
    # the oldest, not on the home page; published on a whole second, as the admin's form keeps
    # it (a first save from the form dropping the microseconds would move it in the lists)
    published = timezone.now().replace(microsecond=0) - datetime.timedelta(days=30)
    old = ArticleFactory(title_kk="Ескі әңгіме", published_at=published)
    shown = {old.get_absolute_url(), "/kk/articles/"}
    elsewhere = ["/kk/", "/kk/regions/", north.get_absolute_url(), south.get_absolute_url()]
    elsewhere += ["/kk/heritage/"]
    warm(client, [*shown, *elsewhere])
    assert "Ескі әңгіме" not in client.get("/kk/").content.decode()

    url = reverse("admin:articles_article_change", args=[old.pk])
    response = editor.post(url, form_data(editor, url) | {"title_kk": "Ескі әңгіме, түзетілген"})
    assert response.status_code == 302, errors(response)

    assert states(client, elsewhere) == dict.fromkeys(elsewhere, "hit")
    for url in shown:
        response = client.get(url)
        assert response["X-Cache"] == "miss", url
        assert "Ескі әңгіме, түзетілген" in response.content.decode(), url


def test_a_place_edited_empties_its_region_and_not_the_others():
    client = Client()
    north, south = RegionFactory(), RegionFactory()
    place = PlaceFactory(region=north, name_kk="Ескі атау")
    PlaceFactory(region=south)
    pages = [north.get_absolute_url(), south.get_absolute_url(), "/kk/"]
    warm(client, pages)
    place.name_kk = "Жаңа атау"
    place.save()
    assert states(client, pages) == {pages[0]: "miss", pages[1]: "hit", pages[2]: "hit"}
    assert "Жаңа атау" in client.get(pages[0]).content.decode()


def test_new_deleted_and_moved_rows_empty_every_page_that_read_their_table(client):
    north, south = RegionFactory(), RegionFactory()
    pages = [north.get_absolute_url(), south.get_absolute_url(), "/kk/regions/"]
    warm(client, pages)
    place = PlaceFactory(region=north, name_kk="Жаңа орын")  # created
    assert set(states(client, pages).values()) == {"miss"}
    warm(client, pages)
    place.region = south  # a structural field: it moves to another list
    place.save()
    assert set(states(client, pages).values()) == {"miss"}
    assert "Жаңа орын" in client.get(pages[1]).content.decode()
    warm(client, pages)
    place.delete()
    assert set(states(client, pages).values()) == {"miss"}


def test_tags_added_and_bulk_actions_invalidate_the_lists(client, editor):
    article = ArticleFactory()
    warm(client, [article.get_absolute_url()])
    article.tags.add(TagFactory(name_kk="Қобыз"))  # many-to-many
    response = client.get(article.get_absolute_url())
    assert response["X-Cache"] == "miss" and "Қобыз" in response.content.decode()
    warm(client, ["/kk/articles/"])
    Article.objects.filter(pk=article.pk).unpublish()  # queryset.update(): no signals
    response = client.get("/kk/articles/")
    assert response["X-Cache"] == "miss"
    assert article.title_kk not in response.content.decode()


def test_structural_fields_are_the_state_dates_order_and_links_not_the_texts():
    article = set(page_cache.structural_fields(Article))
    assert {"status", "published_at", "unpublish_at", "category", "cover_id"} <= article
    assert not {"title", "title_en", "lead_kk", "body_ru", "slug", "updated_at"} & article
    event = set(page_cache.structural_fields(Event))
    assert {"region_id", "place_id", "start_date", "day_off"} <= event and "title_ru" not in event
    region = set(page_cache.structural_fields(Region))
    assert "order" in region and "name_kk" not in region


def test_what_a_page_shows_is_recorded_as_tags(client):
    region = RegionFactory()
    place = PlaceFactory(region=region)
    with page_cache.recording() as shown:
        client.get(region.get_absolute_url())
    tags = shown.tags()
    assert f"r:regions_region:{region.pk}" in tags
    assert f"r:regions_place:{place.pk}" in tags
    assert "t:regions_place" in tags
    assert not any(tag.startswith("r:articles_article:") for tag in tags)


# --- single flight -------------------------------------------------------------------------


def lock_of(client, url):
    """The render lock of `url` (as page_key computes it for the test client's request)."""
    request = client.get(url).wsgi_request
    return f"{page_cache.page_key(request)}:rendering"


def test_while_one_request_renders_a_page_the_others_get_the_previous_copy(
    client, django_assert_num_queries
):
    article = ArticleFactory(title_kk="Бұрын")
    url = article.get_absolute_url()
    warm(client, [url])
    lock = lock_of(client, url)
    article.title_kk = "Кейін"
    article.save()
    page_cache.cache.add(lock, 1, timeout=10)  # another request is rendering it
    with django_assert_num_queries(0):
        response = client.get(url)
    assert response["X-Cache"] == "stale" and "Бұрын" in response.content.decode()
    page_cache.cache.delete(lock)  # it is done: the next request renders
    response = client.get(url)
    assert response["X-Cache"] == "miss" and "Кейін" in response.content.decode()


def test_without_a_copy_a_request_waits_for_the_render_in_progress(client):
    article = ArticleFactory()
    url = article.get_absolute_url()
    lock = lock_of(client, url)
    page_cache.cache.clear()
    page_cache.cache.add(lock, 1, timeout=10)
    renderer = Client()

    def render_elsewhere():  # the lock's owner: renders and stores, then lets go
        time.sleep(0.3)
        page_cache.cache.delete(lock)
        renderer.get(url)

    thread = threading.Thread(target=render_elsewhere)
    thread.start()
    started = time.monotonic()
    response = client.get(url)
    thread.join()
    assert response.status_code == 200
    assert time.monotonic() - started >= 0.3  # it waited, rather than render at once


def test_a_dead_cache_renders_at_once_instead_of_waiting(client, monkeypatch):
    article = ArticleFactory()
    monkeypatch.setattr(page_cache.cache, "add", lambda *args, **kwargs: False)
    monkeypatch.setattr(page_cache, "RENDER_WAIT_SECONDS", 30)
    started = time.monotonic()
    assert client.get(article.get_absolute_url()).status_code == 200
    assert time.monotonic() - started < 5


# --- the HTTP cache in front: headers and purges ----------------------------------------------


def cache_control(response):
    words = {}
    for part in response["Cache-Control"].split(","):
        name, _, value = part.strip().partition("=")
        words[name] = int(value) if value else True
    return words


def test_public_pages_tell_shared_caches_how_long_and_what_they_show(client):
    region = RegionFactory()
    place = PlaceFactory(region=region)
    for state in ("miss", "hit"):
        response = client.get(region.get_absolute_url())
        assert response["X-Cache"] == state
        words = cache_control(response)
        assert words["public"] and words["max-age"] == 0
        assert 590 <= words["s-maxage"] <= 600
        assert words["stale-while-revalidate"] == page_cache.STALE_SECONDS
        keys = response["Surrogate-Key"].split()
        assert "page" in keys and f"r:regions_place:{place.pk}" in keys


def test_shared_caches_never_keep_a_page_past_midnight(client):
    region = RegionFactory()
    late = timezone.localtime().replace(hour=23, minute=59, second=30)
    with time_machine.travel(late, tick=False):
        words = cache_control(client.get(region.get_absolute_url()))
    assert words["s-maxage"] <= 30
    assert words["stale-while-revalidate"] == 0 and words["stale-if-error"] == 0


def test_private_and_uncacheable_answers_get_no_public_header(client, admin_client):
    article = ArticleFactory()
    assert "public" not in admin_client.get(article.get_absolute_url()).get("Cache-Control", "")
    assert "public" not in client.get("/kk/batyr/").get("Cache-Control", "")
    assert "public" not in client.get("/kk/no-such-page/").get("Cache-Control", "")
    assert "Surrogate-Key" not in client.get("/kk/batyr/")


@pytest.fixture
def purge_listener(settings):
    """A loopback HTTP server that records the PURGE requests it gets."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_PURGE(self):  # noqa: N802 - the HTTP method's name
            received.append(set(self.headers["xkey-purge"].split()))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.HTTP_CACHE_PURGE_URLS = [f"http://127.0.0.1:{server.server_address[1]}/"]
    yield received
    server.shutdown()


def test_a_save_purges_exactly_its_tags_after_the_commit(
    purge_listener, django_capture_on_commit_callbacks
):
    place = PlaceFactory()
    purge_listener.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        place.name_kk = "Жаңа атау"
        place.save()
        assert purge_listener == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert purge_listener == [{f"r:regions_place:{place.pk}", "x:regions_place"}]


def test_a_cdn_hook_gets_the_tags_and_a_dead_cache_does_not_fail_the_save(settings, caplog):
    got = []
    settings.HTTP_CACHE_PURGE_URLS = ["http://127.0.0.1:9/"]  # nothing listens there
    settings.HTTP_CACHE_PURGE_HOOK = "tests.kazportal.test_cache_targets.record_purge"
    record_purge.got = got
    page_cache.purge(("t:regions_place",))
    assert got == [["t:regions_place"]]
    assert "purge at http://127.0.0.1:9/ failed" in caplog.text


def record_purge(tags):
    record_purge.got.append(tags)


def test_a_page_showing_many_rows_of_a_table_is_tagged_by_the_table(client):
    region = RegionFactory()
    places = [PlaceFactory(region=region) for _ in range(page_cache.ROW_TAGS_PER_TABLE + 1)]
    other = RegionFactory()
    pages = [region.get_absolute_url(), other.get_absolute_url()]
    with page_cache.recording() as shown:
        client.get(region.get_absolute_url())  # rendered (and cached)
    assert "x:regions_place" in shown.tags()
    warm(client, pages)
    assert not any(tag.startswith("r:regions_place:") for tag in shown.tags())
    places[-1].name_kk = "Түзетілген атау"
    places[-1].save()
    assert states(client, pages) == {pages[0]: "miss", pages[1]: "hit"}
