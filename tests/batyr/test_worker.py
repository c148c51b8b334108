"""The real path: the upload queues a job in the database, the real worker paints it."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from batyr.models import Portrait

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_upload_is_painted_by_the_database_worker(upload, client, private_dir):
    with override_settings(TASKS=DATABASE_TASKS):
        response = upload(lang="kk")
        assert response.status_code == 303
        url = response["Location"]
        token = url.rstrip("/").rsplit("/", 1)[1]
        portrait = Portrait.objects.by_token(token).get()
        # queued in the database, not painted yet: the page shows the progress steps
        assert portrait.status == Portrait.Status.QUEUED
        task = DBTaskResult.objects.get()
        assert task.status == "READY"
        assert client.get(f"{url}status/").json()["step"] == 0
        assert "data-steps" in client.get(url).content.decode()

        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    portrait.refresh_from_db()
    assert portrait.status == Portrait.Status.DONE
    assert portrait.attempts == 1 and portrait.render_ms > 0
    assert portrait.finished_at >= portrait.started_at >= portrait.created_at
    page = client.get(url).content.decode()
    assert f'src="/kk/batyr/{token}/portrait.jpg"' in page
    image = client.get(f"{url}portrait.jpg")
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert len(private_dir()) == 3
