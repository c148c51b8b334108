"""The eight heritage sections and their items.

Shape: ONE `Item` model with typed, optional fact fields, and a `Section.kind` that says which of
those facts apply (`KINDS` in kinds.py: the one table of what differs between kinds). Why not a
model per kind: every list (a section page, the region page's slot, search, the sitemap) stays
one plain query on one table, an item can be moved to another section without copying rows, and
the admin still shows only the kind's own fields (one proxy model per kind, see admin.py). The
cost is a few empty columns per row, which is cheap. Archive documents are the one fact that
repeats, so they get their own `Document` model.
"""

import os

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kazportal.models import (
    GalleryPhoto,
    Located,
    Photo,
    Publishable,
    PublishableQuerySet,
    latitude_field,
    longitude_field,
    photo_field,
)
from kazportal.sanitize import SanitizedBodies, body_field


class Kind(models.TextChoices):
    """What a section holds; decides which facts its items carry."""

    CUSTOMS = "customs", _("Customs and traditions")
    ABOUT = "about", _("About Kazakhstan")
    HISTORY = "history", _("History")
    UNESCO = "unesco", _("UNESCO heritage")
    MUSEUMS = "museums", _("Museums and reserves")
    GOLDEN_FUND = "golden-fund", _("Golden fund")
    CINEMA = "cinema", _("Cinema")
    ARCHIVES = "archives", _("Archives")


class SectionQuerySet(models.QuerySet):
    def with_item_counts(self):
        """Sections with their covers and `item_count`, the number of published items."""
        published = PublishableQuerySet.published_condition(prefix="items__")
        return self.select_related("cover").annotate(
            item_count=models.Count("items", filter=published)
        )


class Section(models.Model):
    """One of the eight sections of the heritage home page. The eight are created by a data
    migration; editors change their texts and covers, not their number."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=120)
    card_text = models.TextField(
        _("card text"), help_text=_("The short text of the section's card (two or three lines).")
    )
    intro = models.TextField(_("introduction"), blank=True)
    cover = photo_field()
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = SectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("heritage section")
        verbose_name_plural = _("heritage sections")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("heritage:section", kwargs={"section": self.slug})


class ItemQuerySet(PublishableQuerySet):
    def in_section(self, section):
        """The items of one section (a Section or its pk)."""
        return self.filter(section=section)

    def for_cards(self):
        """What an item card needs: its section (for the URL) and its cover, in the same query."""
        return self.select_related("section", "cover")


class Item(SanitizedBodies, Located, Publishable):
    class HeritageType(models.TextChoices):
        CULTURAL = "cultural", _("Cultural")
        NATURAL = "natural", _("Natural")
        MIXED = "mixed", _("Mixed")

    class MuseumKind(models.TextChoices):
        MUSEUM = "museum", _("Museum")
        RESERVE = "reserve", _("Nature reserve")
        MUSEUM_RESERVE = "museum-reserve", _("Museum-reserve")

    class Field(models.TextChoices):
        LITERATURE = "literature", _("Literature")
        MUSIC = "music", _("Music")
        SCIENCE = "science", _("Science")
        ART = "art", _("Art")
        THEATRE_CINEMA = "stage", _("Theatre and cinema")
        SPORT = "sport", _("Sport")
        STATECRAFT = "statecraft", _("Public life")

    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="items"
    )
    slug = models.SlugField(_("slug"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(
        _("summary"), help_text=_("One or two sentences for cards, search results and sharing.")
    )
    body = body_field()
    cover = photo_field()
    gallery = models.ManyToManyField(
        Photo, verbose_name=_("gallery"), through="ItemPhoto", blank=True, related_name="+"
    )
    regions = models.ManyToManyField(
        "regions.Region", verbose_name=_("regions"), blank=True, related_name="heritage_items"
    )
    places = models.ManyToManyField(
        "regions.Place", verbose_name=_("places"), blank=True, related_name="heritage_items"
    )
    related = models.ManyToManyField(
        "self",
        verbose_name=_("related items"),
        blank=True,
        help_text=_("Shown at the end of the page; the link is made both ways."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    # --- customs, about Kazakhstan, history, archives -------------------------------------
    period = models.CharField(
        _("period or date"),
        max_length=120,
        blank=True,
        help_text=_("As visitors should read it, e.g. “14–23 March” or “8th–3rd centuries BC”."),
    )
    start_year = models.SmallIntegerField(
        _("start year"),
        null=True,
        blank=True,
        help_text=_("Used to order items and for the era filter; negative for years BC."),
    )
    # --- UNESCO --------------------------------------------------------------------------
    inscription_year = models.PositiveSmallIntegerField(
        _("year of inscription"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1978), MaxValueValidator(2100)],
    )
    heritage_type = models.CharField(
        _("type of heritage"), max_length=10, choices=HeritageType.choices, blank=True
    )
    criteria = models.CharField(
        _("selection criteria"), max_length=60, blank=True, help_text=_("e.g. (i)(iii)(iv)")
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    # --- UNESCO and museums ------------------------------------------------------------------
    latitude = latitude_field()
    longitude = longitude_field()
    # --- museums and reserves ----------------------------------------------------------------
    museum_kind = models.CharField(
        _("kind of institution"), max_length=20, choices=MuseumKind.choices, blank=True
    )
    address = models.CharField(_("address"), max_length=250, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=250, blank=True)
    website = models.URLField(_("website"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # --- golden fund -------------------------------------------------------------------------
    field = models.CharField(
        pgettext_lazy("area of work", "field"), max_length=20, choices=Field.choices, blank=True
    )
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"), null=True, blank=True, validators=[MaxValueValidator(2100)]
    )
    death_year = models.PositiveSmallIntegerField(
        _("year of death"), null=True, blank=True, validators=[MaxValueValidator(2100)]
    )
    achievements = models.TextField(
        _("works and achievements"), blank=True, help_text=_("One work or achievement per line.")
    )
    # --- cinema --------------------------------------------------------------------------
    film_year = models.PositiveSmallIntegerField(
        _("year of release"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1895), MaxValueValidator(2100)],
    )
    director = models.CharField(_("director"), max_length=200, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("running time, minutes"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    genre = models.CharField(_("genre"), max_length=120, blank=True)
    trailer_url = models.URLField(_("trailer link"), blank=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("heritage item")
        verbose_name_plural = _("heritage items")
        ordering = ["order", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["section", "slug"], name="unique_item_slug_in_section")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("heritage:item", kwargs={"section": self.section.slug, "slug": self.slug})

    def get_admin_url(self):
        """The change form in its section's admin (each section has its own item list)."""
        proxy = KIND_PROXIES[self.section.kind]
        return reverse(f"admin:heritage_{proxy._meta.model_name}_change", args=[self.pk])

    @property
    def kind(self):
        return self.section.kind

    def clean(self):
        super().clean()
        errors = {}
        if self.birth_year and self.death_year and self.death_year < self.birth_year:
            errors["death_year"] = _("The year of death is before the year of birth.")
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = _("Give both the latitude and the longitude, or neither.")
        if errors:
            raise ValidationError(errors)

    @property
    def life_years(self):
        if self.birth_year and self.death_year:
            return f"{self.birth_year}–{self.death_year}"
        return ""


class ItemPhoto(GalleryPhoto):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="item_photos")


# Document files: what may be uploaded and how each kind is served.
DOCUMENT_TYPES = {
    # extension: (content type, the file's first bytes, label shown to visitors)
    "pdf": ("application/pdf", (b"%PDF-",), "PDF"),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",), "JPEG"),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",), "JPEG"),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",), "PNG"),
    "webp": ("image/webp", (b"RIFF",), "WebP"),
}


def document_upload_to(instance, filename):
    from kazportal.text import latin_slug

    stem, ext = os.path.splitext(filename)
    return f"documents/{latin_slug(stem) or 'document'}{ext.lower()}"


class Document(models.Model):
    """A downloadable file of an archive item: a PDF or a picture of a document."""

    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"),
        upload_to=document_upload_to,
        max_length=200,
        validators=[FileExtensionValidator(list(DOCUMENT_TYPES))],
        help_text=_("PDF, JPEG, PNG or WebP, at most 20 MB."),
    )
    content_type = models.CharField(_("content type"), max_length=60, editable=False)
    size = models.PositiveIntegerField(_("size in bytes"), default=0, editable=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    MAX_SIZE = 20 * 1024 * 1024

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.file:
            kind = DOCUMENT_TYPES.get(self.extension)
            self.content_type = kind[0] if kind else "application/octet-stream"
            try:
                self.size = self.file.size
            except (OSError, ValueError):
                pass
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "heritage:document",
            kwargs={"section": self.item.section.slug, "slug": self.item.slug, "pk": self.pk},
        )

    def clean(self):
        if not self.file:
            return
        kind = DOCUMENT_TYPES.get(self.extension)
        if kind is None:
            return  # the extension validator reports it
        if self.file.size > self.MAX_SIZE:
            raise ValidationError({"file": _("The file is larger than 20 MB.")})
        self.file.seek(0)
        head = self.file.read(16)
        self.file.seek(0)
        if not any(head.startswith(magic) for magic in kind[1]) or (
            self.extension == "webp" and head[8:12] != b"WEBP"
        ):
            raise ValidationError({"file": _("The file's content does not match its extension.")})

    @property
    def extension(self):
        return os.path.splitext(self.file.name)[1].lower().lstrip(".")

    @property
    def type_label(self):
        return DOCUMENT_TYPES.get(self.extension, ("", (), self.extension.upper()))[2]

    def download_name(self):
        """A safe, Latin file name for Content-Disposition (never the stored path)."""
        from kazportal.text import latin_slug

        title = self.title_en or self.title_ru or self.title_kk or ""
        stem = latin_slug(f"{self.item.slug}-{title}", max_length=90)
        return f"{stem or 'document'}.{self.extension or 'bin'}"


# One proxy per kind of item, so that the admin has a list per section showing only that
# section's facts (admin.py). They add no table. (class name, kind, verbose names)
PROXIES = (
    ("CustomsItem", Kind.CUSTOMS, _("custom or tradition"), _("items: customs and traditions")),
    ("AboutItem", Kind.ABOUT, _("page about Kazakhstan"), _("items: about Kazakhstan")),
    ("HistoryItem", Kind.HISTORY, _("history item"), _("items: history")),
    ("UnescoSite", Kind.UNESCO, _("UNESCO site"), _("items: UNESCO heritage")),
    ("MuseumItem", Kind.MUSEUMS, _("museum or reserve"), _("items: museums and reserves")),
    ("Person", Kind.GOLDEN_FUND, _("person of the golden fund"), _("items: golden fund")),
    ("Film", Kind.CINEMA, _("film"), _("items: cinema")),
    ("ArchiveItem", Kind.ARCHIVES, _("archive item"), _("items: archives")),
)


def _item_proxy(name, kind, verbose_name, verbose_name_plural):
    meta = type(
        "Meta",
        (),
        {"proxy": True, "verbose_name": verbose_name, "verbose_name_plural": verbose_name_plural},
    )
    return type(name, (Item,), {"__module__": __name__, "Meta": meta, "section_kind": kind})


KIND_PROXIES = {kind: _item_proxy(name, kind, *names) for name, kind, *names in PROXIES}
