"""Upload page, the job's progress/result page, its JSON status, and the private images.

Every page and file about a visitor's portrait is reached only through its secret token and
is sent with ``Cache-Control: private, no-store`` and ``X-Robots-Tag: noindex``.
"""

import hashlib
import threading
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_permissions_policy.decorators import permissions_policy_override

from kazportal.client import client_key

from . import pipeline, tasks
from .messages import error_message
from .models import Look, Portrait, private_storage

IMAGES = {
    # name in the URL: (field, content type)
    "photo.jpg": ("upload_name", "image/jpeg"),
    "portrait.jpg": ("jpeg_name", "image/jpeg"),
    "portrait.webp": ("webp_name", "image/webp"),
}


def private(view):
    """Never cached anywhere, never indexed."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


def limits():
    return pipeline.Limits(
        max_bytes=settings.BATYR_MAX_UPLOAD_MB * 1024 * 1024,
        max_pixels=settings.BATYR_MAX_MEGAPIXELS * 1_000_000,
        max_decoded_bytes=settings.BATYR_MAX_DECODED_MB * 1024 * 1024,
    )


# One photo read at a time per web process (its threads wait their turn, up to a few
# seconds): a process's memory for uploads is one decoding budget, however many arrive.
READING = threading.BoundedSemaphore(1)
READING_WAIT_SECONDS = 10


class SizeLimitHandler(FileUploadHandler):
    """Stop reading an uploaded file past the size limit (the rest is discarded, not stored)."""

    def __init__(self, request, limit):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def new_file(self, *args, **kwargs):
        self.received = 0
        return super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def over_rate_limit(request):
    """Count an upload for this client (a hash of its address) in this hour's window."""
    limit = settings.BATYR_UPLOADS_PER_HOUR
    if limit <= 0:
        return False
    address = client_key(request)  # the client's, also behind a trusted proxy
    client = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:24]
    key = f"batyr:uploads:{client}:{int(time.time() // 3600)}"
    cache.add(key, 0, timeout=3700)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=3700)
        count = 1
    return count > limit


def queue_is_full():
    """As many live jobs (queued or processing, photo not deleted) as ``BATYR_MAX_QUEUE``.

    At the limit, jobs whose photo is missing from the storage are failed first (they would
    never finish) and the count is taken again, so a lost file cannot hold a slot."""
    if Portrait.objects.live().count() < settings.BATYR_MAX_QUEUE:
        return False
    tasks.fail_orphans(Portrait.objects.live())
    return Portrait.objects.live().count() >= settings.BATYR_MAX_QUEUE


def has_nul(*values):
    """PostgreSQL refuses NUL in text: a field with one is answered 400 before any query."""
    return any("\x00" in value for value in values)


# --- refusals: a translated message (batyr/messages.py) and a status ---------------------

# The status of each refusal that is not a plain 400; a 503 also says when to try again.
REFUSAL_STATUS = {"too_large": 413, "rate_limited": 429, "busy": 503}
RETRY_AFTER_SECONDS = 120


def capacity_refusal(request):
    """Why one more job from this client cannot be taken now ("" if it can): too many this
    hour (counting this one), or a full queue."""
    if over_rate_limit(request):
        return "rate_limited"
    if queue_is_full():
        return "busy"
    return ""


def refuse(request, code, page, **context):
    """Turn a request down: ``page`` (the upload form or the "Not now" page) with the code's
    translated message, its status (``REFUSAL_STATUS``, else 400) and for 503 a Retry-After."""
    status = REFUSAL_STATUS.get(code, 400)
    response = page(request, error=error_message(code), status=status, **context)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def refused_page(request, *, error, status, back):
    return render(request, "batyr/refused.html", {"error": error, "back": back}, status=status)


# --- the upload page ---------------------------------------------------------------------


def looks_with_links():
    """Active looks, each with ``heritage_url`` when its heritage section exists (2 queries)."""
    looks = list(Look.objects.active())
    slugs = {look.heritage_section for look in looks if look.heritage_section}
    existing = set()
    if slugs:
        from heritage.models import Section

        existing = set(Section.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    for look in looks:
        look.heritage_url = (
            reverse("heritage:section", kwargs={"section": look.heritage_section})
            if look.heritage_section in existing
            else ""
        )
    return looks


@permissions_policy_override({**settings.PERMISSIONS_POLICY, "camera": ["self"]})
@csrf_exempt  # the CSRF check runs inside, after the size limit is installed
@require_http_methods(["GET", "HEAD", "POST"])
def upload(request):
    if request.method == "POST":
        handler = SizeLimitHandler(request, limits().max_bytes)
        request.upload_handlers.insert(0, handler)
        request.batyr_size_handler = handler
    return _upload(request)


@csrf_protect
def _upload(request):
    if request.method != "POST":
        return _upload_page(
            request, chosen=request.GET.get("look", ""), deleted=request.GET.get("deleted") == "1"
        )

    handler = request.batyr_size_handler
    chosen = request.POST.get("look", "")
    finish = request.POST.get("finish", Portrait.Finish.PAINTED)
    consent = request.POST.get("consent") == "yes"
    if has_nul(chosen):  # refused before the look is looked up (or the upload counted)
        return refuse(request, "unknown_look", _upload_page, consent=consent)

    def refuse_upload(code):  # the form again, as the visitor filled it in
        return refuse(request, code, _upload_page, chosen=chosen, consent=consent, finish=finish)

    if code := capacity_refusal(request):
        return refuse_upload(code)
    if handler.exceeded:  # checked first: the fields after the file were not read
        return refuse_upload("too_large")
    if not consent:
        return refuse_upload("consent")
    look = Look.objects.active().filter(slug=chosen).first()
    if look is None:
        return refuse_upload("unknown_look")
    if finish not in Portrait.Finish.values:
        return refuse_upload("unknown_finish")
    files = [f for f in request.FILES.getlist("photo") if f.size]
    if not files:
        empty = any(f.size == 0 for f in request.FILES.getlist("photo"))
        return refuse_upload("empty" if empty else "no_file")
    upload_file = files[0]
    if not READING.acquire(timeout=READING_WAIT_SECONDS):
        upload_file.close()
        return refuse_upload("busy")
    try:
        work = pipeline.read_image(upload_file, limits())
        pipeline.find_faces(work)
    except pipeline.PipelineError as exc:
        return refuse_upload(exc.code)
    finally:
        READING.release()
        upload_file.close()

    portrait, token = Portrait.create(
        look=look,
        language=get_language(),
        finish=finish,
        upload_bytes=pipeline.encode_working_copy(work),
        photo_size=work.size,
    )
    try:
        tasks.enqueue(portrait)
    except Exception:
        return refuse_upload("busy")
    return redirect_303(portrait.url(token))


def _upload_page(
    request, *, error="", status=200, chosen="", consent=False, deleted=False, finish=""
):
    looks = looks_with_links()
    if looks and chosen not in {look.slug for look in looks}:
        chosen = looks[0].slug
    if finish not in Portrait.Finish.values:
        finish = Portrait.Finish.PAINTED
    return render(
        request,
        "batyr/upload.html",
        {
            "looks": looks,
            "chosen": chosen,
            "finishes": Portrait.Finish.choices,
            "finish": finish,
            "consent": consent,
            "error": error,
            "deleted": deleted,
            "max_mb": settings.BATYR_MAX_UPLOAD_MB,
            "retention_hours": settings.BATYR_RETENTION_HOURS,
        },
        status=status,
    )


def redirect_303(url):
    response = redirect(url)
    response.status_code = 303
    return response


# --- one portrait ------------------------------------------------------------------------


def get_portrait(token):
    if not token or len(token) > 64:
        raise Http404
    portrait = Portrait.objects.by_token(token).select_related("look").first()
    if portrait is None:
        raise Http404
    if portrait.is_stuck:
        tasks.recover(portrait)
        portrait.refresh_from_db()
    return portrait


def gone(request, portrait=None):
    if portrait is not None and portrait.deleted_at is None:
        portrait.delete_files()  # past its retention time: delete now, not at the next sweep
    return render(request, "batyr/deleted.html", status=410)


@private
@require_GET
def portrait_page(request, token):
    portrait = get_portrait(token)
    if portrait.is_deleted:
        return gone(request, portrait)
    context = {
        "portrait": portrait,
        "token": token,
        "steps": portrait.steps(),
        "error": error_message(portrait.error_code) if portrait.error_code else "",
    }
    if portrait.status == Portrait.Status.DONE:
        context["other_looks"] = [
            look for look in Look.objects.active() if look.pk != portrait.look_id
        ]
        context["other_finish"] = next(
            (value, label) for value, label in Portrait.Finish.choices if value != portrait.finish
        )
    return render(request, "batyr/portrait.html", context)


@private
@require_GET
def status(request, token):
    try:
        portrait = get_portrait(token)
    except Http404:
        return JsonResponse({"status": "unknown"}, status=404)
    if portrait.is_deleted:
        return JsonResponse({"status": "deleted"}, status=410)
    return JsonResponse(
        {
            "status": portrait.status,
            "step": int(portrait.step()),
            "steps": [dict(step, label=str(step["label"])) for step in portrait.steps()],
            "done": portrait.status == Portrait.Status.DONE,
            "failed": portrait.status == Portrait.Status.FAILED,
            "slow": portrait.is_slow,
        }
    )


@private
@require_GET
def image(request, token, name):
    if name not in IMAGES:
        raise Http404
    portrait = get_portrait(token)
    if portrait.is_deleted:
        return gone(request, portrait)
    field, content_type = IMAGES[name]
    stored = getattr(portrait, field)
    if not stored:
        raise Http404
    try:
        handle = private_storage().open(stored, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    download = request.GET.get("download") == "1"
    filename = f"kazportal-{portrait.look.slug}{name[name.rindex('.') :]}"
    return FileResponse(
        handle, content_type=content_type, as_attachment=download, filename=filename
    )


@private
@require_POST
def again(request, token):
    """Try another look on the stored photo: a new job, no new upload."""
    portrait = get_portrait(token)
    if portrait.is_deleted:
        return gone(request, portrait)
    slug = request.POST.get("look", "")
    finish = request.POST.get("finish", portrait.finish)
    look = None if has_nul(slug) else Look.objects.active().filter(slug=slug).first()
    if look is None:
        return refuse(request, "unknown_look", refused_page, back=portrait.url(token))
    if finish not in Portrait.Finish.values:
        return refuse(request, "unknown_finish", refused_page, back=portrait.url(token))
    if code := capacity_refusal(request):
        return refuse(request, code, refused_page, back=portrait.url(token))
    new, new_token = Portrait.create(
        look=look, language=get_language(), finish=finish, reuse=portrait
    )
    try:
        tasks.enqueue(new, delete_photo=False)
    except Exception:
        return refuse(request, "busy", refused_page, back=reverse("batyr:upload"))
    return redirect_303(new.url(new_token))


@private
@require_POST
def delete(request, token):
    portrait = get_portrait(token)
    if portrait.deleted_at is None:
        portrait.delete_files()
    return redirect_303(reverse("batyr:upload") + "?deleted=1")


def home_examples():
    """The home page's teaser cards: the active looks with their drawn examples (one query)."""
    return list(Look.objects.active())
