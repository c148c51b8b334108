import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from kazportal.tasks import make_renditions
from tests.factories import PhotoFactory


@pytest.mark.django_db
def test_healthz_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    # The one thing that cannot run here: a database that is down.
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] is False


@pytest.mark.django_db
def test_robots_and_sitemap(client):
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in robots and "Disallow: /en/batyr/" in robots
    assert "Sitemap: http://testserver/sitemap.xml" in robots
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    locs = [el.text for el in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    for lang in ("kk", "ru", "en"):
        assert f"http://testserver/{lang}/" in locs


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_real_worker_runs_an_enqueued_task():
    photo = PhotoFactory()
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        result = make_renditions.enqueue(photo.pk)
        assert DBTaskResult.objects.get(id=result.id).status == "READY"
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
        done = DBTaskResult.objects.get(id=result.id)
    assert done.status == "SUCCESSFUL"
    assert done.return_value == 6  # 480, 800, 1000 px, in WebP and JPEG
    assert len(list(Path(settings.MEDIA_ROOT, "renditions").rglob("*.*"))) == 6


@pytest.mark.django_db
def test_translated_404_page(client):
    response = client.get("/kk/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Бет табылмады" in html and html.count("<h1") == 1
    assert "Page not found" in client.get("/en/no-such-page/").content.decode()


@pytest.mark.django_db
def test_search_rejects_bad_queries_with_a_translated_400(client):
    response = client.get("/ru/search/", {"q": "a"})
    assert response.status_code == 400
    assert "не менее 2 букв" in response.content.decode()
    response = client.get("/kk/search/", {"q": "x" * 500})
    assert response.status_code == 400
    assert "тым ұзын" in response.content.decode()
