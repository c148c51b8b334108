"""Shared content plumbing: the publishing mixin and the Photo library."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from imagekit import ImageSpec, register
from imagekit.cachefiles import ImageCacheFile
from imagekit.processors import ResizeToFit


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """What the public may see: published, and the publication time has come."""
        return self.filter(status=Publishable.Status.PUBLISHED, published_at__lte=timezone.now())

    def drafts(self):
        return self.filter(status=Publishable.Status.DRAFT)

    def scheduled(self):
        return self.filter(status=Publishable.Status.PUBLISHED, published_at__gt=timezone.now())

    def visible_to(self, user):
        """Staff preview drafts and scheduled content ("view on site"); everyone else sees
        only what is published."""
        if user.is_authenticated and user.is_staff:
            return self
        return self.published()


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
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_public(self):
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()


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


class Photo(models.Model):
    """One picture in the shared library; content points at it (covers, galleries)."""

    WIDTHS = (480, 800, 1200, 1600)

    image = models.ImageField(
        _("image"), upload_to="photos/%Y/", width_field="width", height_field="height"
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
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["-created_at"]

    def __str__(self):
        return self.alt or self.image.name

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
        Photo, verbose_name=_("photo"), on_delete=models.CASCADE, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]
        verbose_name = _("gallery photo")
        verbose_name_plural = _("gallery")

    def __str__(self):
        return str(self.photo)
