"""Shared content plumbing: the publishing mixin and the Photo library."""

import hashlib
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_permission_codename
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from imagekit import ImageSpec, register
from imagekit.cachefiles import ImageCacheFile
from imagekit.processors import ResizeToFit

from .sanitize import body_field


class PublishableQuerySet(models.QuerySet):
    """The publishing rule lives here and nowhere else: views, feeds, sitemaps, search, the page
    cache and the admin's bulk actions all go through these methods."""

    @staticmethod
    def published_condition(prefix=""):
        """What the public may see, as a Q: published, the publication time has come and the
        unpublication time (if any) has not. `prefix` applies it across a relation, e.g.
        "places__" to count a region's places."""
        now = timezone.now()
        return models.Q(
            **{
                f"{prefix}status": Publishable.Status.PUBLISHED,
                f"{prefix}published_at__lte": now,
            }
        ) & (
            models.Q(**{f"{prefix}unpublish_at__isnull": True})
            | models.Q(**{f"{prefix}unpublish_at__gt": now})
        )

    def published(self):
        return self.filter(self.published_condition())

    def drafts(self):
        return self.filter(status=Publishable.Status.DRAFT)

    def scheduled(self):
        """Published, but its publication time is still to come."""
        return self.filter(status=Publishable.Status.PUBLISHED, published_at__gt=timezone.now())

    def expired(self):
        """Published, but its unpublication time has passed: no longer on the site."""
        return self.filter(status=Publishable.Status.PUBLISHED, unpublish_at__lte=timezone.now())

    def ending(self):
        """Public now, and to be taken off the site at a set time."""
        return self.published().filter(unpublish_at__isnull=False)

    def visible_to(self, user):
        """Editors who may change this kind of content preview its drafts and scheduled rows
        ("view on site"); everyone else sees only what is published."""
        opts = self.model._meta
        if user.is_authenticated and user.is_staff:
            if user.has_perm(f"{opts.app_label}.{get_permission_codename('change', opts)}"):
                return self
        return self.published()

    def publish(self):
        """Publish the rows now (the admin's bulk action). A row already public keeps its
        publication time; drafts and scheduled rows are published as of now. Returns the
        number of rows changed; the pages that read this table are invalidated."""
        from .cache import table_changed

        now = timezone.now()
        expired = models.Q(unpublish_at__lte=now)
        changed = self.exclude(self.published_condition()).update(
            status=Publishable.Status.PUBLISHED,
            published_at=now,
            updated_at=now,
            # A past unpublication time would hide the row again at once: it goes.
            unpublish_at=models.Case(
                models.When(expired, then=None), default=models.F("unpublish_at")
            ),
        )
        table_changed(self.model)
        return changed

    def unpublish(self):
        """Back to drafts (the admin's bulk action); the pages that read this table are
        invalidated."""
        from .cache import table_changed

        changed = self.exclude(status=Publishable.Status.DRAFT).update(
            status=Publishable.Status.DRAFT, updated_at=timezone.now()
        )
        table_changed(self.model)
        return changed


class Publishable(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        _("publication time"),
        default=timezone.now,
        db_index=True,
        help_text=_("A time in the future schedules the publication."),
    )
    unpublish_at = models.DateTimeField(
        _("unpublication time"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Left empty, it stays on the site. At this time it leaves the site."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    class State(models.TextChoices):
        """What an editor needs to know at a glance (lists, badges, filters, the desk)."""

        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        EXPIRED = "expired", _("Taken off the site")

    @property
    def state(self):
        now = timezone.now()
        if self.status != self.Status.PUBLISHED:
            return self.State.DRAFT
        if self.published_at > now:
            return self.State.SCHEDULED
        if self.unpublish_at is not None and self.unpublish_at <= now:
            return self.State.EXPIRED
        return self.State.PUBLISHED

    @property
    def is_public(self):
        return self.state == self.State.PUBLISHED

    def clean(self):
        super().clean()
        if self.unpublish_at and self.published_at and self.unpublish_at <= self.published_at:
            raise ValidationError(
                {"unpublish_at": _("The unpublication time must come after the publication time.")}
            )


def photo_field(verbose_name=None, **options):
    """A cover-like link to one Photo of the library: optional, with no reverse accessor on
    Photo. A photo in use cannot be deleted (PROTECT: the admin's delete page lists where)."""
    return models.ForeignKey(
        Photo,
        verbose_name=verbose_name or _("cover"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        **options,
    )


class Located:
    """Model mixin for rows with `latitude` and `longitude` (latitude_field/longitude_field)."""

    @property
    def has_coordinates(self):
        return self.latitude is not None and self.longitude is not None

    @property
    def osm_url(self):
        """The spot on openstreetmap.org (a link the visitor follows; nothing is loaded)."""
        if not self.has_coordinates:
            return ""
        lat, lon = (f"{Decimal(str(v)):.5f}" for v in (self.latitude, self.longitude))
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=13/{lat}/{lon}"


def latitude_field():
    return models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )


def longitude_field():
    return models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )


class Rendition(ImageSpec):
    """One width of a photo in one format; made (and cached) by django-imagekit."""

    options = {"quality": 82}

    def __init__(self, source, width, fmt):
        self.processors = [ResizeToFit(width=width, upscale=False)]
        self.format = fmt
        if fmt == "WEBP":
            self.options = {"quality": 80, "method": 4}
        super().__init__(source=source)


# Registered generators get imagekit's just-in-time strategy: a rendition is made on first use.
register.generator("kazportal:rendition", Rendition)


# --- upload limits, duplicates and the focal point -------------------------------------------

PHOTO_MAX_UPLOAD_MB = 15  # defaults of the settings of the same names
PHOTO_MAX_MEGAPIXELS = 40
FOCAL_STEP = 5  # the focal point's classes on the site: every 5 % (static/css/site.css)


def photo_limits():
    """(bytes, pixels): the largest upload the library accepts, from the settings
    PHOTO_MAX_UPLOAD_MB and PHOTO_MAX_MEGAPIXELS."""
    mb = getattr(settings, "PHOTO_MAX_UPLOAD_MB", PHOTO_MAX_UPLOAD_MB)
    megapixels = getattr(settings, "PHOTO_MAX_MEGAPIXELS", PHOTO_MAX_MEGAPIXELS)
    return int(mb * 1024 * 1024), int(megapixels * 1_000_000)


def _number(value):
    """A size for a message, in the reader's number format: 15, 0.5, 17.8."""
    value = round(value, 1)
    return number_format(value, 0 if value == int(value) else 1)


def check_photo_limits(size, pixels):
    """Refuse a file of `size` bytes and `pixels` pixels beyond the library's limits."""
    max_bytes, max_pixels = photo_limits()
    if size > max_bytes:
        raise ValidationError(
            _("The file is too large (%(size)s MB): at most %(max)s MB."),
            code="photo_file_size",
            params={
                "size": number_format(round(size / (1024 * 1024), 1), 1),
                "max": _number(max_bytes / (1024 * 1024)),
            },
        )
    if pixels is not None and pixels > max_pixels:
        raise ValidationError(
            _(
                "The picture is too large (%(size)s megapixels): at most %(max)s megapixels. "
                "Make it smaller before uploading it."
            ),
            code="photo_megapixels",
            params={
                "size": number_format(round(pixels / 1_000_000, 1), 1),
                "max": _number(max_pixels / 1_000_000),
            },
        )


def validate_photo_upload(value):
    """A new upload of at most PHOTO_MAX_UPLOAD_MB and PHOTO_MAX_MEGAPIXELS. The size in pixels
    comes from the file's header (Pillow reads it without decoding the picture). A file
    already stored is left alone: lowering the limits does not lock existing photos. (The
    admin's form checks the same before the file reaches the model: kazportal.admin.PhotoForm.)
    """
    if not value or getattr(value, "_committed", True):
        return
    try:
        pixels = value.width * value.height
    except (TypeError, ValueError, OSError):
        pixels = None  # not an image: the form field says so
    check_photo_limits(value.size, pixels)


def file_sha256(file):
    """The hex SHA-256 of a file's content, read in chunks; the file is left at its start."""
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


FOCAL_VALIDATORS = [
    MinValueValidator(
        0, message=_("The focal point is a fraction from 0 (left or top) to 1 (right or bottom).")
    ),
    MaxValueValidator(
        1, message=_("The focal point is a fraction from 0 (left or top) to 1 (right or bottom).")
    ),
]


class Photo(models.Model):
    """One picture in the shared library; content points at it (covers, galleries)."""

    WIDTHS = (480, 800, 1200, 1600)

    image = models.ImageField(
        _("image"),
        upload_to="photos/%Y/",
        width_field="width",
        height_field="height",
        validators=[validate_photo_upload],
    )
    width = models.PositiveIntegerField(_("width"), editable=False, default=0)
    height = models.PositiveIntegerField(_("height"), editable=False, default=0)
    alt = models.CharField(
        _("alternative text"),
        max_length=255,
        help_text=_("What the picture shows, for people who cannot see it."),
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    credit = models.CharField(_("credit"), max_length=200, blank=True)
    # Where the picture's subject is, as fractions of its width and height: every crop of it
    # (object-fit: cover on the site) keeps this point in view.
    focal_x = models.FloatField(
        _("focal point, across"),
        default=0.5,
        validators=FOCAL_VALIDATORS,
        help_text=_("0 is the left edge, 1 the right edge."),
    )
    focal_y = models.FloatField(
        _("focal point, down"),
        default=0.5,
        validators=FOCAL_VALIDATORS,
        help_text=_("0 is the top edge, 1 the bottom edge."),
    )
    sha256 = models.CharField(
        _("SHA-256 of the file"), max_length=64, blank=True, editable=False, db_index=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="photo_focal_point_within_the_picture",
            )
        ]

    def __str__(self):
        return self.alt or self.image.name

    def save(self, *args, **kwargs):
        if self.image and not self.image._committed:  # a new file: remember its content's hash
            uploaded = self.image.file
            self.sha256 = getattr(uploaded, "sha256", None) or file_sha256(self.image)
        super().save(*args, **kwargs)

    def same_file(self, digest):
        """Another photo of the library with this content hash, or None."""
        return Photo.objects.filter(sha256=digest).exclude(pk=self.pk).order_by("pk").first()

    @property
    def focal_classes(self):
        """The classes that crop this photo around its focal point on the site (CSS custom
        properties in static/css/site.css, in FOCAL_STEP % steps: the CSP forbids inline
        styles)."""

        def step(value):
            value = 0.5 if value is None else min(max(value, 0.0), 1.0)
            return round(value * 100 / FOCAL_STEP) * FOCAL_STEP

        return f"focal-x-{step(self.focal_x)} focal-y-{step(self.focal_y)}"

    @property
    def fallback_format(self):
        return "PNG" if self.image.name.lower().endswith(".png") else "JPEG"

    def widths(self):
        """Rendition widths for this photo: never wider than the original."""
        chosen = [w for w in self.WIDTHS if w < self.width]
        if self.width and (not chosen or self.width <= self.WIDTHS[-1]):
            chosen.append(min(self.width, self.WIDTHS[-1]))
        return chosen or [self.WIDTHS[0]]

    def rendition(self, width, fmt="WEBP"):
        return ImageCacheFile(Rendition(self.image, width, fmt))

    def srcset(self, fmt="WEBP"):
        return ", ".join(f"{self.rendition(w, fmt).url} {w}w" for w in self.widths())

    def get_admin_url(self):
        return reverse("admin:kazportal_photo_change", args=[self.pk])


class GalleryPhoto(models.Model):
    """One photo of an ordered gallery; a subclass adds the foreign key to what it illustrates."""

    photo = models.ForeignKey(
        Photo, verbose_name=_("photo"), on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]
        verbose_name = _("gallery photo")
        verbose_name_plural = _("gallery")

    def __str__(self):
        return str(self.photo)


# --- the home page ---------------------------------------------------------------------------

AUDIO_TYPES = {
    # extension: (MIME type for <source type>, does the file's start look like this format?)
    "mp3": ("audio/mpeg", lambda head: head[:3] == b"ID3" or (head[0] == 0xFF and head[1] >= 0xE0)),
    "ogg": ("audio/ogg", lambda head: head[:4] == b"OggS"),
    "m4a": ("audio/mp4", lambda head: head[4:8] == b"ftyp"),
    "wav": ("audio/wav", lambda head: head[:4] == b"RIFF" and head[8:12] == b"WAVE"),
}
AUDIO_MAX_BYTES = 12 * 1024 * 1024


def audio_extension(name):
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def validate_audio(upload):
    """An MP3, OGG, M4A or WAV file, checked by its extension and by its first bytes, of at most
    AUDIO_MAX_BYTES."""
    ext = audio_extension(upload.name)
    if ext not in AUDIO_TYPES:
        raise ValidationError(
            _("Choose an MP3, OGG, M4A or WAV audio file."), code="audio_extension"
        )
    if upload.size > AUDIO_MAX_BYTES:
        raise ValidationError(
            _("The audio file is too large: at most %(mb)d MB.")
            % {"mb": AUDIO_MAX_BYTES // (1024 * 1024)},
            code="audio_size",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    _mime, looks_right = AUDIO_TYPES[ext]
    if len(head) < 12 or not looks_right(head):
        raise ValidationError(
            _("This file is not a playable %(format)s audio file.") % {"format": ext.upper()},
            code="audio_content",
        )


class HomePage(models.Model):
    """The home page's editable texts, pictures and music: one row, edited in the admin."""

    SINGLETON_PK = 1

    # 1. hero
    hero_heading = models.CharField(
        _("hero heading"), max_length=120, blank=True, help_text=_("The page's main heading.")
    )
    hero_subheading = models.CharField(_("hero subheading"), max_length=300, blank=True)
    hero_photo = photo_field(
        _("hero picture"), help_text=_("A wide landscape picture, at least 1600 pixels wide.")
    )
    # 3. music of the steppe
    music_heading = models.CharField(_("music block heading"), max_length=120, blank=True)
    track_title = models.CharField(_("track title"), max_length=200, blank=True)
    track_performer = models.CharField(_("performer"), max_length=200, blank=True)
    track_description = models.CharField(_("about the track"), max_length=400, blank=True)
    track_cover = photo_field(_("album art"))
    track_audio = models.FileField(
        _("audio file"),
        upload_to="home/audio/",
        blank=True,
        validators=[validate_audio],
        help_text=_("MP3, OGG, M4A or WAV, at most 12 MB. Without it the music block is hidden."),
    )
    # 4. culture of the Great Steppe
    intro_heading = models.CharField(_("introduction heading"), max_length=120, blank=True)
    intro_text = body_field(_("introduction"))
    intro_quote = models.CharField(_("quotation"), max_length=300, blank=True)
    # 5.–8. the other blocks' headings and leads (empty: the site's default wording)
    articles_heading = models.CharField(_("articles heading"), max_length=120, blank=True)
    regions_heading = models.CharField(_("regions heading"), max_length=120, blank=True)
    regions_lead = models.CharField(_("regions lead"), max_length=400, blank=True)
    heritage_heading = models.CharField(_("heritage heading"), max_length=120, blank=True)
    batyr_heading = models.CharField(_("batyr heading"), max_length=120, blank=True)
    batyr_lead = models.CharField(_("batyr lead"), max_length=400, blank=True)
    featured_regions = models.ManyToManyField(
        "regions.Region",
        through="HomeRegion",
        verbose_name=_("featured regions"),
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home page")

    def __str__(self):
        return str(_("Home page"))

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        """The one row, created empty when missing (the admin's change form edits it)."""
        home, _created = cls.objects.get_or_create(pk=cls.SINGLETON_PK)
        return home

    @classmethod
    def for_page(cls):
        """The row with its pictures (one query), or an unsaved empty one: reading the home
        page never writes."""
        found = cls.objects.select_related("hero_photo", "track_cover").filter(pk=cls.SINGLETON_PK)
        return found.first() or cls(pk=cls.SINGLETON_PK)

    @property
    def audio_type(self):
        if not self.track_audio:
            return ""
        return AUDIO_TYPES.get(audio_extension(self.track_audio.name), ("",))[0]


class HomeRegion(models.Model):
    """A region featured on the home page, in the editor's order."""

    home = models.ForeignKey(HomePage, on_delete=models.CASCADE, related_name="region_features")
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.CASCADE,
        related_name="home_features",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("featured region")
        verbose_name_plural = _("featured regions")
        constraints = [models.UniqueConstraint(fields=["home", "region"], name="home_region_once")]

    def __str__(self):
        return str(self.region)
