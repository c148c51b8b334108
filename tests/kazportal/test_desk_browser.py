"""The editor's desk in Chromium, as an Editors-group user with the admin in Kazakh: schedule an
article and see its badge, the form's note and the index's entry; preview an unsaved change."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.articles.factories import ArticleFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_scheduled_article_shows_its_badge_note_and_desk_entry(live_server, editor_page):
    article = ArticleFactory(title_kk="Наурыз мерекесі туралы")
    page = editor_page("aigerim")
    page.goto(f"{live_server.url}{reverse('admin:articles_article_change', args=[article.pk])}")
    later = timezone.localtime(timezone.now() + datetime.timedelta(days=10))
    page.fill("#id_published_at_0", later.strftime("%d.%m.%Y"))
    page.fill("#id_published_at_1", "10:00:00")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    assert Article.objects.get(pk=article.pk).state == "scheduled"
    note = page.inner_text(".publication-note")
    assert later.strftime("%Y") in note and "10:00" in note
    page.goto(f"{live_server.url}{reverse('admin:articles_article_changelist')}")
    assert page.locator(".state-scheduled").count() == 1
    page.goto(f"{live_server.url}{reverse('admin:index')}")
    assert "Наурыз мерекесі туралы" in page.inner_text(".editor-desk")
    assert page.js_errors == []


def test_an_unsaved_change_is_previewed_in_a_new_tab(live_server, editor_page):
    article = ArticleFactory(title_kk="Бұрынғы атау")
    page = editor_page("aigerim")
    page.goto(f"{live_server.url}{reverse('admin:articles_article_change', args=[article.pk])}")
    page.fill("#id_title_kk", "Жаңа атау, әлі сақталмаған")
    with page.context.expect_page() as opened:
        page.click("button[name=_preview]")
    preview = opened.value
    preview.wait_for_load_state()
    assert "Жаңа атау, әлі сақталмаған" in preview.inner_text("h1")
    assert preview.locator(".preview-banner").count() == 1
    assert Article.objects.get(pk=article.pk).title_kk == "Бұрынғы атау"
    # The form still holds the typing.
    assert page.input_value("#id_title_kk") == "Жаңа атау, әлі сақталмаған"
