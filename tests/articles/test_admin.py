import re

import pytest
from django.urls import reverse

from articles.models import Article, Event

from .factories import ArticleFactory, EventFactory

pytestmark = pytest.mark.django_db


def test_article_admin_pages_load_with_the_editor_under_csp(admin_client):
    article = ArticleFactory()
    for path in (
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_add"),
        reverse("admin:articles_article_change", args=[article.pk]),
    ):
        response = admin_client.get(path)
        assert response.status_code == 200, path
    html = response.content.decode()
    csp = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    # the editor's import map is inline: it must carry the request's nonce
    assert f'<script type="importmap" nonce="{nonce}">' in html
    assert "data-django-prose-editor-configurable" in html
    assert html.count("django_prose_editor/editor.js") >= 1


def test_admin_save_sanitizes_hostile_html_in_every_language(admin_client):
    data = {
        "title_kk": "Сынақ",
        "title_ru": "Тест",
        "title_en": "Test",
        "slug": "hostile",
        "category": "news",
        "status": "published",
        "published_at_0": "2026-11-01",
        "published_at_1": "10:00:00",
        "body_kk": '<p onclick="x()">Сәлем</p><script>alert(1)</script>',
        "body_ru": '<a href="https://example.org" style="x" onmouseover="x()">ссылка</a>',
        "body_en": '<p>Hi</p><img src=x onerror=alert(1)><iframe src="//evil"></iframe>',
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "references-TOTAL_FORMS": "0",
        "references-INITIAL_FORMS": "0",
    }
    response = admin_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(slug="hostile")
    assert article.body_kk == "<p>Сәлем</p>"
    assert "onmouseover" not in article.body_ru and "style" not in article.body_ru
    assert "ссылка" in article.body_ru
    assert article.body_en == "<p>Hi</p>"
    # A link that would run code is refused, with the typing kept (not silently stripped).
    data |= {"slug": "hostile-2", "body_ru": '<p><a href="javascript:alert(1)">ссылка</a></p>'}
    response = admin_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert "javascript" in response.content.decode()
    assert not Article.objects.filter(slug="hostile-2").exists()


def test_admin_rejects_a_bad_doi_and_reversed_dates(admin_client):
    data = {
        "title_kk": "Сынақ",
        "slug": "bad-doi",
        "category": "research",
        "status": "draft",
        "published_at_0": "2026-11-01",
        "published_at_1": "10:00:00",
        "doi": "doi is 12345",
        "received_on": "2025-08-04",
        "accepted_on": "2025-01-01",
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "references-TOTAL_FORMS": "0",
        "references-INITIAL_FORMS": "0",
    }
    response = admin_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert not Article.objects.filter(slug="bad-doi").exists()
    errors = response.context["adminform"].form.errors
    assert "doi" in errors and "accepted_on" in errors


def test_event_admin_pages_and_view_on_site(admin_client):
    event = EventFactory(status="draft", notes="DEMO EVENT")
    assert admin_client.get(reverse("admin:articles_event_changelist")).status_code == 200
    response = admin_client.get(reverse("admin:articles_event_change", args=[event.pk]))
    assert response.status_code == 200
    # staff preview a draft through "view on site"
    assert admin_client.get(event.get_absolute_url()).status_code == 200


def test_event_admin_rejects_end_before_start(admin_client):
    data = {
        "title_kk": "Іс-шара",
        "slug": "bad-dates",
        "category": "festival",
        "start_date": "2027-05-02",
        "end_date": "2027-05-01",
        "recurrence": "none",
        "status": "draft",
        "published_at_0": "2026-11-01",
        "published_at_1": "10:00:00",
        "order": "0",
    }
    response = admin_client.post(reverse("admin:articles_event_add"), data)
    assert response.status_code == 200
    assert not Event.objects.filter(slug="bad-dates").exists()
