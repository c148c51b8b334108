"""The anonymous page cache (kazportal/cache.py) and conditional GET."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from batyr.models import Look
from heritage.models import Section
from kazportal import cache as page_cache
from tests.articles.factories import ArticleFactory, TagFactory

pytestmark = pytest.mark.django_db

SECURITY_HEADERS = (
    "Content-Security-Policy",
    "Permissions-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600
    settings.PAGE_CACHE_QUERY_SECONDS = 60


def test_second_anonymous_get_comes_from_the_cache_without_queries(
    client, django_assert_num_queries
):
    article = ArticleFactory()
    first = client.get("/en/articles/")
    assert first.status_code == 200 and first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/en/articles/")
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert article.title_en in second.content.decode()
    assert second["Content-Type"] == first["Content-Type"]


def test_security_headers_are_kept_on_a_cached_hit(client):
    client.get("/en/articles/", secure=True)
    hit = client.get("/en/articles/", secure=True)
    assert hit["X-Cache"] == "hit"
    for header in SECURITY_HEADERS:
        assert hit.has_header(header), header
    assert "frame-ancestors 'none'" in hit["Content-Security-Policy"]
    assert hit["Strict-Transport-Security"].startswith("max-age=")


def test_accept_language_and_language_cookie_neither_split_nor_poison_the_cache(client):
    client.cookies["django_language"] = "ru"
    first = client.get("/kk/articles/", headers={"Accept-Language": "ru,en"})
    assert '<html lang="kk">' in first.content.decode()
    del client.cookies["django_language"]
    second = client.get("/kk/articles/", headers={"Accept-Language": "en"})
    assert second["X-Cache"] == "hit"
    assert '<html lang="kk">' in second.content.decode()
    # Each language prefix is its own page.
    russian = client.get("/ru/articles/")
    assert russian["X-Cache"] == "miss" and '<html lang="ru">' in russian.content.decode()


def test_signed_in_visitors_are_never_served_nor_stored(client, admin_client):
    draft = ArticleFactory(status="draft")
    url = draft.get_absolute_url()
    # Staff preview the draft; the preview must not reach the cache...
    preview = admin_client.get(url)
    assert preview.status_code == 200 and "X-Cache" not in preview
    assert admin_client.get(url).status_code == 200
    # ...nor a page cached for anonymous visitors reach staff.
    client.get("/en/articles/")
    assert "X-Cache" not in admin_client.get("/en/articles/")
    assert client.get(url).status_code == 404


def test_uncacheable_pages(client):
    assert "X-Cache" not in client.get("/en/batyr/")  # a form with a CSRF token
    assert "X-Cache" not in client.get("/healthz")
    assert "X-Cache" not in client.get("/admin/login/")
    client.post("/en/articles/")
    assert "X-Cache" not in client.post("/en/articles/")
    assert "X-Cache" not in client.get("/en/no-such-page/")  # only 200s are stored
    client.cookies["sessionid"] = "anything"
    client.get("/en/articles/")
    assert "X-Cache" not in client.get("/en/articles/")


def test_publishing_shows_at_once_on_the_list_and_the_home_page(client):
    draft = ArticleFactory(status="draft", title_en="Freshly published")
    for url in ("/en/", "/en/articles/"):
        client.get(url)
        assert client.get(url)["X-Cache"] == "hit"
        assert "Freshly published" not in client.get(url).content.decode()
    draft.status = "published"
    draft.save()
    for url in ("/en/", "/en/articles/"):
        response = client.get(url)
        assert response["X-Cache"] == "miss", url
        assert "Freshly published" in response.content.decode(), url


def test_the_admin_publish_action_invalidates_the_cache(client, admin_client):
    draft = ArticleFactory(status="draft", title_en="Published by the action")
    client.get("/en/articles/")
    assert "Published by the action" not in client.get("/en/articles/").content.decode()
    response = admin_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_now", "_selected_action": [draft.pk]},
    )
    assert response.status_code == 302
    assert "Published by the action" in client.get("/en/articles/").content.decode()
    admin_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "unpublish", "_selected_action": [draft.pk]},
    )
    assert "Published by the action" not in client.get("/en/articles/").content.decode()


def test_any_content_model_invalidates_the_pages_showing_it_but_batyr_jobs_do_not(client):
    def cached(url):
        return client.get(url)["X-Cache"] == "hit"

    article = ArticleFactory()
    pages = ("/en/articles/", "/en/heritage/", "/en/")
    for url in pages:
        client.get(url)
        assert cached(url)
    article.tags.add(TagFactory())  # many-to-many
    assert not cached("/en/articles/") and cached("/en/articles/")
    Section.objects.first().save()  # a model of another content app (made by a migration)
    assert not cached("/en/heritage/") and cached("/en/heritage/")
    Look.objects.first().save()  # batyr looks are shown on the home page
    assert not cached("/en/") and cached("/en/")
    from django.contrib.sessions.models import Session

    Session.objects.create(session_key="x" * 32, session_data="", expire_date=timezone.now())
    User.objects.create(username="visitor")
    assert all(cached(url) for url in pages)


def test_every_model_of_the_content_apps_is_wired():
    labels = {model._meta.label_lower for model in page_cache.content_models()}
    assert {"articles.article", "articles.article_tags", "regions.place", "kazportal.photo"} <= (
        labels
    )
    assert "batyr.look" in labels and "batyr.portrait" not in labels
    assert not any(label.startswith("django_tasks") for label in labels)


def test_a_scheduled_article_appears_when_its_time_comes_without_any_save(client):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        ArticleFactory(
            title_en="Scheduled story", published_at=start + datetime.timedelta(seconds=90)
        )
        first = client.get("/en/articles/")
        assert first["X-Cache"] == "miss" and "Scheduled story" not in first.content.decode()
        generation = page_cache.current_generation()
        request = first.wsgi_request
        assert 0 < page_cache.page_timeout(request, generation) <= 90
        traveller.shift(60)
        assert client.get("/en/articles/")["X-Cache"] == "hit"
        traveller.shift(31)
        response = client.get("/en/articles/")
        assert "Scheduled story" in response.content.decode()
        # Nothing else scheduled: the default time applies again (capped at midnight).
        timeout = page_cache.page_timeout(request, generation)
        assert timeout == min(600, int(page_cache.seconds_to_midnight()))


def test_pages_expire_at_local_midnight(client):
    almaty = datetime.timezone(datetime.timedelta(hours=5))
    with time_machine.travel(datetime.datetime(2026, 3, 21, 23, 59, 50, tzinfo=almaty), tick=False):
        request = client.get("/en/articles/").wsgi_request
        assert page_cache.page_timeout(request, page_cache.current_generation()) <= 10


def test_pages_with_a_query_string_live_briefly(client):
    request = client.get("/en/articles/", {"page": "1"}).wsgi_request
    assert page_cache.page_timeout(request, page_cache.current_generation()) == 60


@pytest.mark.parametrize("cache_seconds", [600, 0])
def test_pages_answer_304_to_if_none_match(client, settings, cache_seconds):
    settings.PAGE_CACHE_SECONDS = cache_seconds
    ArticleFactory()
    etag = client.get("/en/articles/")["ETag"]
    response = client.get("/en/articles/", headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.content == b""
    assert response["ETag"] == etag
    assert client.get("/en/articles/", headers={"If-None-Match": '"other"'}).status_code == 200


@pytest.mark.parametrize("url", ["/en/articles/feed/", "/en/articles/feed/atom/", "/calendar.ics"])
def test_feeds_answer_304(client, url):
    ArticleFactory()
    first = client.get(url)
    assert first.status_code == 200
    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304
    if first.has_header("Last-Modified"):
        since = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
        assert since.status_code == 304


def test_the_page_cache_is_off_in_the_test_settings_by_default():
    from django.conf import settings as django_settings

    # The fixture above turned it on; the module itself sets 0 (see kazportal/settings/test.py).
    from kazportal.settings import test

    assert test.PAGE_CACHE_SECONDS == 0
    assert django_settings.PAGE_CACHE_SECONDS == 600
