"""The worker side: paint a queued portrait; recover jobs whose worker died; delete old photos."""

import logging
import time

from django.core.cache import cache
from django.db.models import F, Q
from django.utils import timezone, translation
from django_tasks import task

from . import pipeline
from .models import Portrait, private_storage

log = logging.getLogger(__name__)

CLEANUP_EVERY_SECONDS = 600

# Portraits go before the bulk work in the same queue (rendition tasks keep the default 0): the
# database worker takes the ready task of highest priority first, then the oldest.
PORTRAIT_PRIORITY = 50


@task(priority=PORTRAIT_PRIORITY)
def paint_portrait(portrait_id):
    """Render one portrait. Safe to run twice: only a queued job is picked up (a job whose
    photo was deleted meanwhile was failed by ``Portrait.delete_files()`` and is skipped)."""
    now = timezone.now()
    claimed = Portrait.objects.filter(
        pk=portrait_id, status=Portrait.Status.QUEUED, deleted_at__isnull=True
    ).update(
        status=Portrait.Status.PROCESSING,
        stage=Portrait.Stage.FACE,
        started_at=now,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return "skipped"
    portrait = Portrait.objects.select_related("look").get(pk=portrait_id)

    def progress(stage):
        Portrait.objects.filter(pk=portrait_id).update(stage=stage)

    started = time.perf_counter()
    try:
        data = portrait.read_upload()
        with translation.override(portrait.language):
            title = str(portrait.look.name)
        painting = pipeline.make_portrait(
            data, portrait.look.key, title, progress=progress, finish=portrait.finish
        )
    except pipeline.PipelineError as exc:
        _finish(portrait, Portrait.Status.FAILED, error_code=exc.code)
        return exc.code
    except FileNotFoundError:  # deleted by the visitor while it was being read
        portrait.refresh_from_db(fields=["deleted_at", "status", "error_code"])
        if portrait.deleted_at is None:
            _finish(portrait, Portrait.Status.FAILED, error_code="internal")
        return "gone"
    except Exception:
        log.exception("batyr: portrait %s failed", portrait_id)
        _finish(portrait, Portrait.Status.FAILED, error_code="internal")
        return "internal"

    portrait.refresh_from_db(fields=["deleted_at", "upload_name"])
    if portrait.deleted_at:
        return "deleted"
    portrait.save_results(painting.jpeg, painting.webp)
    portrait.width, portrait.height = painting.width, painting.height
    portrait.faces_found = painting.faces_found
    portrait.faces_dressed = painting.faces_dressed
    portrait.render_ms = round((time.perf_counter() - started) * 1000)
    _finish(portrait, Portrait.Status.DONE)
    maybe_clean_up()
    return "done"


def _finish(portrait, status, error_code=""):
    portrait.status = status
    portrait.stage = ""
    portrait.error_code = error_code
    portrait.finished_at = timezone.now()
    portrait.save(
        update_fields=[
            "status",
            "stage",
            "error_code",
            "finished_at",
            "jpeg_name",
            "webp_name",
            "width",
            "height",
            "faces_found",
            "faces_dressed",
            "render_ms",
        ]
    )


def enqueue(portrait, delete_photo=True):
    """Queue the job (call after the portrait's row is committed: the worker reads it).

    If the queue cannot be reached the job is failed at once (and with ``delete_photo`` its
    photo deleted), and the error re-raised for the caller to answer 503.
    """
    try:
        paint_portrait.enqueue(portrait.pk)
    except Exception:
        log.exception("batyr: could not queue portrait %s", portrait.pk)
        Portrait.objects.filter(pk=portrait.pk).update(
            status=Portrait.Status.FAILED, error_code="busy", finished_at=timezone.now()
        )
        if delete_photo:
            portrait.delete_files()
        raise


def recover(portrait):
    """A job left "processing" by a worker that died: queue it again once, then give up."""
    if portrait.attempts < Portrait.MAX_ATTEMPTS:
        requeued = Portrait.objects.filter(
            pk=portrait.pk, status=Portrait.Status.PROCESSING, started_at=portrait.started_at
        ).update(status=Portrait.Status.QUEUED, stage="")
        if not requeued:
            return "raced"
        log.warning("batyr: portrait %s was stuck, queued again", portrait.pk)
        try:
            enqueue(portrait, delete_photo=False)
        except Exception:  # enqueue() logged it and failed the job
            return "failed"
        return "requeued"
    Portrait.objects.filter(pk=portrait.pk, status=Portrait.Status.PROCESSING).update(
        status=Portrait.Status.FAILED,
        stage="",
        error_code="worker_lost",
        finished_at=timezone.now(),
    )
    log.warning("batyr: portrait %s was stuck twice, failed", portrait.pk)
    return "failed"


def recover_stuck():
    return [recover(p) for p in Portrait.objects.stuck()]


def fail_orphans(portraits=None):
    """Fail pending jobs whose photo is gone (deleted, past retention, or missing from the
    storage), so that they stop holding a queue slot. Returns how many were failed."""
    portraits = Portrait.objects.pending() if portraits is None else portraits
    now = timezone.now()
    failed = Portrait.objects.pending().filter(
        Q(deleted_at__isnull=False) | Q(expires_at__lte=now), pk__in=portraits.values("pk")
    )
    count = failed.fail_pending("deleted")
    missing = set()
    live = portraits.filter(deleted_at__isnull=True, expires_at__gt=now)
    for upload_name in set(live.values_list("upload_name", flat=True)):
        if not upload_name or not private_storage().exists(upload_name):
            missing.add(upload_name)
    if missing:
        count += Portrait.objects.filter(upload_name__in=missing).fail_pending("deleted")
        log.warning("batyr: %d upload(s) missing from the storage, their jobs failed", len(missing))
    return count


def clean_up(now=None):
    """Delete the photos (and their portraits) past their retention time. Returns how many."""
    done = set()
    for portrait in Portrait.objects.expired(now):
        if portrait.upload_name not in done:
            portrait.delete_files()
            done.add(portrait.upload_name)
    return len(done)


def maybe_clean_up():
    """Run the retention clean-up from the worker at most every ten minutes."""
    if cache.add("batyr:cleanup", 1, timeout=CLEANUP_EVERY_SECONDS):
        fail_orphans()
        recover_stuck()
        clean_up()
