"""The queue: a deleted photo frees its slot at once, orphaned jobs are failed, and portraits
go before the bulk rendition work (the real database backend and worker)."""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from batyr.models import Portrait
from kazportal.tasks import make_renditions

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker(**options):
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0, **options)


def token_of(response):
    return response["Location"].rstrip("/").rsplit("/", 1)[1]


# Transactional: the worker closes its database connection after its tasks (on PostgreSQL that
# is the test's own connection, which a test inside one transaction would lose).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_deleting_before_the_job_is_done_frees_its_slot(upload, client, settings, private_dir):
    settings.BATYR_MAX_QUEUE = 50
    settings.BATYR_UPLOADS_PER_HOUR = 0  # no rate limit: this is one busy visitor
    with override_settings(TASKS=DATABASE_TASKS):  # queued in the database, no worker
        first = upload()
        assert first.status_code == 303
        url = first["Location"]
        portrait = Portrait.objects.by_token(token_of(first)).get()
        assert portrait.status == Portrait.Status.QUEUED
        assert client.post(f"{url}delete/").status_code == 303
        portrait.refresh_from_db()
        assert portrait.status == Portrait.Status.FAILED and portrait.error_code == "deleted"
        assert portrait.deleted_at is not None and private_dir() == []

        # 59 more delete-before-done cycles, each also trying another look before deleting
        for _ in range(59):
            response = upload()
            assert response.status_code == 303
            url = response["Location"]
            assert client.post(f"{url}again/", {"look": "borik"}).status_code == 303
            assert client.post(f"{url}delete/").status_code == 303
        assert Portrait.objects.count() == 1 + 59 * 2
        assert not Portrait.objects.pending().exists()
        assert DBTaskResult.objects.filter(status="READY").count() == 1 + 59 * 2
        assert private_dir() == []

        response = upload(lang="kk")
        assert response.status_code == 303, response.content.decode()[:300]
        live = Portrait.objects.by_token(token_of(response)).get()
        assert live.status == Portrait.Status.QUEUED

    # the worker later takes the deleted jobs' tasks and skips them cleanly
    with override_settings(TASKS=DATABASE_TASKS):
        run_worker(max_tasks=3)
    skipped = DBTaskResult.objects.filter(status="SUCCESSFUL")
    assert skipped.count() == 3
    assert {result.return_value for result in skipped} == {"skipped"}
    assert not Portrait.objects.exclude(pk=live.pk).filter(status__in=Portrait.PENDING).exists()


@pytest.mark.django_db
def test_the_queue_limit_counts_only_jobs_whose_photo_is_there(upload, settings, look):
    settings.BATYR_MAX_QUEUE = 2
    alive, _token = Portrait.create(look=look, language="en", upload_bytes=b"x")
    lost, _token = Portrait.create(look=look, language="en", upload_bytes=b"x")
    # its file vanished behind the site's back (a lost disk, a manual clean-up)
    (settings.PRIVATE_MEDIA_ROOT / lost.upload_name).unlink()
    assert upload().status_code == 303
    lost.refresh_from_db()
    alive.refresh_from_db()
    assert lost.status == Portrait.Status.FAILED and lost.error_code == "deleted"
    assert alive.status == Portrait.Status.QUEUED
    # now two live jobs: the next upload is refused
    Portrait.objects.filter(status="done").update(status="queued")
    assert upload().status_code == 503


@pytest.mark.django_db
def test_cleanup_fails_jobs_whose_photo_is_gone(look, settings):
    missing, _t = Portrait.create(look=look, language="en", upload_bytes=b"x")
    (settings.PRIVATE_MEDIA_ROOT / missing.upload_name).unlink()
    deleted, _t = Portrait.create(look=look, language="en", upload_bytes=b"x")
    # left over from before the fix: photo deleted, job still "queued"
    Portrait.objects.filter(pk=deleted.pk).update(deleted_at=deleted.created_at)
    (settings.PRIVATE_MEDIA_ROOT / deleted.upload_name).unlink()
    processing, _t = Portrait.create(look=look, language="en", upload_bytes=b"x")
    (settings.PRIVATE_MEDIA_ROOT / processing.upload_name).unlink()
    Portrait.objects.filter(pk=processing.pk).update(status="processing")
    healthy, _t = Portrait.create(look=look, language="en", upload_bytes=b"x")

    out = io.StringIO()
    call_command("batyr_cleanup", stdout=out)
    assert "3 job(s) without a photo failed" in out.getvalue()
    for job in (missing, deleted, processing):
        job.refresh_from_db()
        assert job.status == Portrait.Status.FAILED and job.error_code == "deleted"
    healthy.refresh_from_db()
    assert healthy.status == Portrait.Status.QUEUED
    assert list(Portrait.objects.live()) == [healthy]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_paints_portraits_before_queued_renditions(upload):
    with override_settings(TASKS=DATABASE_TASKS):
        for photo_id in range(1, 21):  # a fresh site: the demo photos' renditions come first
            make_renditions.enqueue(photo_id)
        response = upload()
        assert response.status_code == 303
        portrait = Portrait.objects.by_token(token_of(response)).get()
        assert portrait.status == Portrait.Status.QUEUED

        run_worker(max_tasks=1)

    portrait.refresh_from_db()
    assert portrait.status == Portrait.Status.DONE
    assert DBTaskResult.objects.get(status="SUCCESSFUL").task_path.endswith("paint_portrait")
    assert DBTaskResult.objects.filter(status="READY").count() == 20
