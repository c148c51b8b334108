"""Looks (the costumes a visitor can choose) and Portraits (one job: a photo, a look, a result).

A portrait's photo and results are personal data: they live in the "private" storage (outside
the public media URL), are served only through the token views, and are deleted after
``BATYR_RETENTION_HOURS``. The database keeps no photo, no IP address and only a hash of the
secret token, so the link in the visitor's address bar is the only key to their pictures.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .pipeline.looks import LOOKS


def private_storage():
    """The storage for visitors' files, looked up on every use (tests swap it per test)."""
    return storages["private"]


def new_token():
    return secrets.token_urlsafe(32)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def stuck_before(now=None):
    """A job still processing that started before this was left by a worker that died."""
    return (now or timezone.now()) - timedelta(seconds=settings.BATYR_STUCK_AFTER_SECONDS)


class Step(models.IntegerChoices):
    """The steps of a portrait job, in the order the visitor watches them, with what the visitor
    reads. FACE, DRESS and PAINT are also the pipeline's stages (``progress("dress")``), stored
    in ``Portrait.stage`` while the job is processing."""

    QUEUED = 0, _("Queued")
    FACE = 1, _("Finding your face")
    DRESS = 2, _("Dressing")
    PAINT = 3, _("Painting the steppe")
    DONE = 4, _("Done")

    @property
    def key(self):
        """The step's name in the page (``data-step``), the status JSON and ``Portrait.stage``."""
        return self.name.lower()


class LookQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


PREVIEW_FORMATS = ("webp", "jpg")  # the <picture>'s source and its fallback <img>


def static_url(name):
    """The URL of static file ``name``, or "" when there is no such file, neither collected nor
    in the source folders, or when the manifest lacks it (``{% static %}`` would raise there, a
    500; a plain storage would give a broken picture)."""
    from django.contrib.staticfiles import finders
    from django.contrib.staticfiles.storage import staticfiles_storage

    if not name or name.startswith(("/", "\\")) or "\x00" in name:
        return ""
    try:
        if not (staticfiles_storage.exists(name) or finders.find(name)):
            return ""
        return staticfiles_storage.url(name)
    except (ValueError, OSError, SuspiciousOperation):  # not in the manifest, a bad path
        return ""


class Look(models.Model):
    class Kind(models.TextChoices):
        BATYR = "batyr", _("Batyr")
        AMAZON = "amazon", _("Amazon")

    key = models.CharField(
        _("drawing"),
        max_length=30,
        unique=True,
        choices=[(key, key) for key in LOOKS],
        help_text=_("Which of the costumes drawn by the pipeline this look wears."),
    )
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(
        _("name"), max_length=80, help_text=_("Also written in the portrait's frame.")
    )
    description = models.TextField(
        _("cultural note"), help_text=_("Two or three sentences about the costume.")
    )
    preview = models.CharField(
        _("preview image"),
        max_length=200,
        help_text=_("Path of the preview picture under static/, without the extension."),
    )
    heritage_section = models.SlugField(
        _("heritage section"),
        max_length=80,
        blank=True,
        help_text=_("Slug of the heritage section the cultural note links to, if any."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("offered to visitors"), default=True)

    objects = LookQuerySet.as_manager()

    class Meta:
        verbose_name = _("look")
        verbose_name_plural = _("looks")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if not self.preview:
            return
        missing = [
            f"{self.preview}.{ext}"
            for ext in PREVIEW_FORMATS
            if not static_url(f"{self.preview}.{ext}")
        ]
        if missing:
            raise ValidationError(
                {
                    "preview": _(
                        "There is no picture %(names)s in the static files. Give the path "
                        "under static/ without the extension, e.g. batyr/looks/dulyga."
                    )
                    % {"names": ", ".join(missing)}
                }
            )

    @cached_property
    def preview_urls(self):
        """``{"webp": url, "jpg": url}`` of the preview picture, or ``{}`` when a file is
        missing: the pages then show the look without a picture instead of failing."""
        urls = {ext: static_url(f"{self.preview}.{ext}") for ext in PREVIEW_FORMATS}
        return urls if all(urls.values()) else {}


class PortraitQuerySet(models.QuerySet):
    def by_token(self, token):
        return self.filter(token_hash=hash_token(token))

    def pending(self):
        return self.filter(status__in=Portrait.PENDING)

    def live(self, now=None):
        """Pending jobs whose photo has not been deleted: the ones that hold a queue slot."""
        return self.pending().filter(deleted_at__isnull=True, expires_at__gt=now or timezone.now())

    def fail_pending(self, error_code="deleted"):
        """Fail these jobs if still pending (their photo is gone): a worker skips them."""
        return self.filter(status__in=Portrait.PENDING).update(
            status=Portrait.Status.FAILED,
            stage="",
            error_code=error_code,
            finished_at=timezone.now(),
        )

    def expired(self, now=None):
        return self.filter(expires_at__lte=now or timezone.now(), deleted_at__isnull=True)

    def stuck(self, now=None):
        return self.filter(status=Portrait.Status.PROCESSING, started_at__lt=stuck_before(now))


class Portrait(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        PROCESSING = "processing", _("processing")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    PENDING = (Status.QUEUED, Status.PROCESSING)

    class Stage(models.TextChoices):
        """The ``Step`` a processing job is at (blank until then), as the admin names it."""

        WAITING = "", _("waiting")
        FACE = Step.FACE.key, _("finding the face")
        DRESS = Step.DRESS.key, _("dressing")
        PAINT = Step.PAINT.key, _("painting the steppe")

    class Finish(models.TextChoices):
        """How the visitor's face is shown: as photographed (lit like the scene) or painted
        like the costume (the pipeline's ``finish``)."""

        PAINTED = "painted", _("painted")
        PHOTO = "photo", _("as in the photo")

    MAX_ATTEMPTS = 2  # a job whose worker died is retried once

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    look = models.ForeignKey(Look, verbose_name=_("look"), on_delete=models.PROTECT)
    language = models.CharField(_("language"), max_length=8, default="kk")
    finish = models.CharField(
        _("face"), max_length=8, choices=Finish.choices, default=Finish.PAINTED
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices, blank=True)
    error_code = models.CharField(_("error"), max_length=30, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    faces_found = models.PositiveSmallIntegerField(_("faces found"), default=0)
    faces_dressed = models.PositiveSmallIntegerField(_("faces dressed"), default=0)
    # names in the private storage (not FileFields: the storage is looked up per use)
    upload_name = models.CharField(max_length=200, editable=False)
    jpeg_name = models.CharField(max_length=200, blank=True, editable=False)
    webp_name = models.CharField(max_length=200, blank=True, editable=False)
    width = models.PositiveSmallIntegerField(default=0, editable=False)
    height = models.PositiveSmallIntegerField(default=0, editable=False)
    photo_width = models.PositiveSmallIntegerField(default=0, editable=False)
    photo_height = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    render_ms = models.PositiveIntegerField(_("rendering time (ms)"), null=True, blank=True)
    expires_at = models.DateTimeField(_("deleted after"), db_index=True)
    deleted_at = models.DateTimeField(_("photos deleted"), null=True, blank=True)

    objects = PortraitQuerySet.as_manager()

    class Meta:
        verbose_name = _("portrait job")
        verbose_name_plural = _("portrait jobs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.look_id}/{self.pk} ({self.status})"

    # --- creation ------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        *,
        look,
        language,
        finish=Finish.PAINTED,
        upload_bytes=None,
        photo_size=(0, 0),
        reuse=None,
    ):
        """A queued job with a fresh secret token. Returns ``(portrait, token)``.

        Either stores ``upload_bytes`` (the metadata-free working copy) or, with ``reuse``,
        shares that portrait's stored photo ("try another look": no second upload, and the
        photo keeps its original deletion time).
        """
        token = new_token()
        now = timezone.now()
        portrait = cls(
            token_hash=hash_token(token),
            look=look,
            language=language,
            finish=finish,
            created_at=now,
        )
        if reuse is not None:
            portrait.upload_name = reuse.upload_name
            portrait.expires_at = reuse.expires_at
            portrait.photo_width, portrait.photo_height = reuse.photo_width, reuse.photo_height
        else:
            name = f"batyr/{secrets.token_hex(16)}-photo.jpg"
            portrait.photo_width, portrait.photo_height = photo_size
            portrait.upload_name = private_storage().save(name, ContentFile(upload_bytes))
            portrait.expires_at = now + timedelta(hours=settings.BATYR_RETENTION_HOURS)
        portrait.save()
        return portrait, token

    # --- state ---------------------------------------------------------------------------

    @property
    def is_pending(self):
        return self.status in self.PENDING

    @property
    def is_deleted(self):
        return self.deleted_at is not None or self.expires_at <= timezone.now()

    @property
    def is_stuck(self):
        """Processing for longer than any render takes: its worker was killed or crashed."""
        return (
            self.status == self.Status.PROCESSING
            and self.started_at is not None
            and self.started_at < stuck_before()
        )

    @property
    def is_slow(self):
        """Still waiting for a worker a minute after the upload."""
        return (
            self.status == self.Status.QUEUED
            and (timezone.now() - self.created_at).total_seconds() > 60
        )

    @property
    def too_many_faces(self):
        return self.faces_found > self.faces_dressed

    def step(self):
        """The ``Step`` the visitor sees: while processing, the stage the job is at."""
        if self.status == self.Status.DONE:
            return Step.DONE
        if self.status == self.Status.PROCESSING:  # the worker starts it at FACE
            return Step.__members__.get(self.stage.upper(), Step.FACE)
        return Step.QUEUED

    def steps(self):
        """The visitor's progress list: every ``Step`` with its state."""
        current = self.step()
        failed = self.status == self.Status.FAILED
        steps = []
        for step in Step:
            if step < current or step == current == Step.DONE:
                state = "done"
            elif step == current:
                state = "failed" if failed else "current"
            else:
                state = "todo"
            steps.append({"key": step.key, "label": step.label, "state": state})
        return steps

    def url(self, token, name="batyr:portrait", **kwargs):
        return reverse(name, kwargs={"token": token, **kwargs})

    # --- files ---------------------------------------------------------------------------

    def read_upload(self):
        with private_storage().open(self.upload_name, "rb") as fh:
            return fh.read()

    def save_results(self, jpeg, webp):
        storage = private_storage()
        stem = self.upload_name.rsplit("-photo", 1)[0]
        self.jpeg_name = storage.save(f"{stem}-{self.pk}.jpg", ContentFile(jpeg))
        self.webp_name = storage.save(f"{stem}-{self.pk}.webp", ContentFile(webp))

    def delete_files(self):
        """Delete this photo and every portrait made from it (all looks tried on it).

        Jobs on it that are still queued or processing are failed at once ("deleted"), so they
        no longer hold a queue slot; the worker skips a queued one when it comes to it."""
        storage = private_storage()
        family = list(Portrait.objects.filter(upload_name=self.upload_name))
        names = {self.upload_name}
        for portrait in family:
            names.update(n for n in (portrait.jpeg_name, portrait.webp_name) if n)
        for name in names:
            storage.delete(name)
        now = timezone.now()
        in_family = Portrait.objects.filter(pk__in=[p.pk for p in family])
        in_family.fail_pending("deleted")
        in_family.update(deleted_at=now, jpeg_name="", webp_name="")
        self.deleted_at = now
        self.jpeg_name = self.webp_name = ""
        if self.is_pending:
            self.status, self.stage, self.error_code = self.Status.FAILED, "", "deleted"

    def photo_exists(self):
        return bool(self.upload_name) and private_storage().exists(self.upload_name)
