"""The editor's desk: publication states (scheduled badge and filter, form notes, scheduled
unpublishing), the preview of unsaved changes, the dashboard on the admin index and the
translation dashboard (kazportal/desk.py, kazportal/preview.py, PublishableAdminMixin)."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article
from kazportal import cache as page_cache
from kazportal.models import Publishable
from tests.adminforms import errors, form_data
from tests.articles.factories import ArticleFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now


@pytest.fixture
def editor_client(client, make_editor):
    client.force_login(make_editor("aigerim"))
    client.cookies["django_language"] = "en"
    return client


def days(n):
    return NOW() + datetime.timedelta(days=n)


def test_an_unpublication_time_takes_a_record_off_the_site_and_publish_now_brings_it_back():
    gone = ArticleFactory(published_at=days(-5), unpublish_at=days(-1))
    leaving = ArticleFactory(published_at=days(-5), unpublish_at=days(2))
    coming = ArticleFactory(published_at=days(3))
    draft = ArticleFactory(status="draft")
    assert set(Article.objects.published()) == {leaving}
    assert [a.state for a in (gone, leaving, coming, draft)] == [
        "expired",
        "published",
        "scheduled",
        "draft",
    ]
    assert set(Article.objects.expired()) == {gone}
    assert set(Article.objects.ending()) == {leaving}
    Article.objects.filter(pk=gone.pk).publish()
    gone.refresh_from_db()
    assert gone.state == Publishable.State.PUBLISHED and gone.unpublish_at is None


def test_the_page_cache_ends_when_a_record_leaves_the_site(settings):
    settings.PAGE_CACHE_SECONDS = 3600
    leaving = ArticleFactory(
        published_at=days(-5), unpublish_at=NOW() + datetime.timedelta(minutes=5)
    )
    generation = page_cache.bump_generation() or page_cache.current_generation()
    soonest = page_cache.next_publication(generation)
    assert soonest == pytest.approx(leaving.unpublish_at.timestamp())


def test_an_unpublication_before_the_publication_is_a_form_error(editor_client):
    article = ArticleFactory()
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(editor_client, url)
    assert "unpublish_at_0" in data  # beside the publication time
    earlier = timezone.localtime(article.published_at - datetime.timedelta(days=1))
    data |= {"unpublish_at_0": earlier.strftime("%Y-%m-%d"), "unpublish_at_1": "10:00:00"}
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "must come after the publication time" in " ".join(errors(response))


def test_lists_show_scheduled_rows_as_scheduled_and_filter_them(editor_client):
    scheduled = ArticleFactory(published_at=days(3), title_en="Coming soon")
    ArticleFactory(title_en="Already out")
    changelist = reverse("admin:articles_article_changelist")
    page = BeautifulSoup(editor_client.get(changelist).content, "html.parser")
    badge = page.select_one(".state-scheduled")
    assert badge is not None and "Scheduled" in badge.get_text()
    filtered = editor_client.get(changelist, {"state": "scheduled"}).content.decode()
    assert "Coming soon" in filtered and "Already out" not in filtered
    form = editor_client.get(reverse("admin:articles_article_change", args=[scheduled.pk]))
    note = BeautifulSoup(form.content, "html.parser").select_one(".publication-note").get_text()
    assert "it will appear on the site on" in note


def test_publishing_without_a_translated_title_warns_but_saves(editor_client):
    article = ArticleFactory(status="draft")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(editor_client, url) | {"status": "published", "title_ru": ""}
    response = editor_client.post(url, data, follow=True)
    assert response.status_code == 200
    warning = BeautifulSoup(response.content, "html.parser").select_one(".messagelist .warning")
    assert warning is not None and "ru" in warning.get_text()
    article.refresh_from_db()
    assert article.state == Publishable.State.PUBLISHED


def test_the_preview_shows_unsaved_changes_and_keeps_nothing(editor_client, settings):
    settings.PAGE_CACHE_SECONDS = 600
    article = ArticleFactory(title_ru="Старый заголовок")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(editor_client, url) | {
        "title_ru": "Новый заголовок",
        "_preview_language": "ru",
    }
    generation = page_cache.current_generation()
    preview = reverse("admin:articles_article_preview_change", args=[article.pk])
    response = editor_client.post(preview, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Новый заголовок" in html and 'class="preview-banner"' in html
    assert 'lang="ru"' in html
    assert {"private", "no-store"} <= {v.strip() for v in response["Cache-Control"].split(",")}
    article.refresh_from_db()
    assert article.title_ru == "Старый заголовок"
    assert not Version.objects.get_for_object(article).exists()
    assert page_cache.current_generation() == generation


def test_a_new_record_can_be_previewed_and_is_not_created(editor_client):
    url = reverse("admin:articles_article_add")
    data = form_data(editor_client, url) | {
        "title_kk": "Алдын ала қарау",
        "lead_kk": "Қысқаша.",
        "category": "news",
        "_preview_language": "kk",
    }
    response = editor_client.post(reverse("admin:articles_article_preview"), data)
    assert response.status_code == 200
    assert "Алдын ала қарау" in response.content.decode()
    assert not Article.objects.filter(title_kk="Алдын ала қарау").exists()
    bad = editor_client.post(reverse("admin:articles_article_preview"), data | {"category": "x"})
    assert bad.status_code == 400
    assert BeautifulSoup(bad.content, "html.parser").select(".errorlist li")


def test_the_admin_index_shows_my_drafts_the_schedule_and_others_changes(
    client, make_editor, django_assert_max_num_queries
):
    me, other = make_editor("aigerim"), make_editor("bolat")
    mine = ArticleFactory(status="draft", title_en="My draft")
    theirs = ArticleFactory(title_en="Their article")
    ArticleFactory(published_at=days(2), title_en="Tomorrow's article")
    for user, article in ((me, mine), (other, theirs)):
        client.force_login(user)
        client.cookies["django_language"] = "en"
        url = reverse("admin:articles_article_change", args=[article.pk])
        assert client.post(url, form_data(client, url)).status_code == 302
    client.force_login(me)
    with django_assert_max_num_queries(60) as few:
        page = BeautifulSoup(client.get(reverse("admin:index")).content, "html.parser")
    count = len(few.captured_queries)
    blocks = {
        t.caption.get_text(strip=True): t.get_text(" ", strip=True)
        for t in page.select(".editor-desk table")
    }
    assert "My draft" in blocks["My drafts"] and "Their article" not in blocks["My drafts"]
    assert "Tomorrow's article" in blocks["Scheduled"]
    assert "Their article" in blocks["Changed by others lately"]
    assert "My draft" not in blocks["Changed by others lately"]
    ArticleFactory.create_batch(30, published_at=days(4))
    with django_assert_max_num_queries(count):
        assert client.get(reverse("admin:index")).status_code == 200


def test_the_translation_dashboard_counts_what_the_filtered_lists_show(
    editor_client, django_assert_max_num_queries
):
    ArticleFactory(title_ru="", lead_ru="")
    ArticleFactory(body_en="")
    ArticleFactory()
    url = reverse("translation_dashboard")
    with django_assert_max_num_queries(40) as few:
        page = BeautifulSoup(editor_client.get(url).content, "html.parser")
    count = len(few.captured_queries)
    row = next(r for r in page.select("tbody tr") if r.th.get_text(strip=True) == "Articles")
    cells = [td.get_text(strip=True) for td in row.find_all("td")]
    assert cells == ["3", "✓", "1", "1"]
    link = row.select_one("a.missing-count")["href"]
    listed = BeautifulSoup(editor_client.get(link).content, "html.parser")
    assert len(listed.select("#result_list tbody tr")) == 1
    ArticleFactory.create_batch(25, title_en="")
    with django_assert_max_num_queries(count):
        assert editor_client.get(url).status_code == 200
