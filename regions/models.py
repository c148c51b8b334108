from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

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


class RegionQuerySet(PublishableQuerySet):
    def regions(self):
        return self.filter(kind=Region.Kind.REGION)

    def cities(self):
        return self.filter(kind=Region.Kind.CITY)

    def with_place_counts(self):
        """Each region with `place_count`: how many of its places the public can see."""
        return self.annotate(
            place_count=Count("places", filter=self.published_condition("places__"), distinct=True)
        )

    def for_cards(self):
        """What a region card needs (regions/_region_card.html): the cover and the number of
        public places, in the one query of the list."""
        return self.select_related("cover").with_place_counts()


class Region(SanitizedBodies, Publishable):
    class Kind(models.TextChoices):
        REGION = "region", _("Region")
        CITY = "city", _("City of republican significance")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REGION)
    name = models.CharField(_("name"), max_length=120)
    short_name = models.CharField(
        _("short name"),
        max_length=40,
        blank=True,
        help_text=_("The label on the map, e.g. “Abai” for “Abai Region”. Empty: the name."),
    )
    centre = models.CharField(_("administrative centre"), max_length=120, blank=True)
    area_km2 = models.PositiveIntegerField(_("area, km²"), null=True, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(
        _("population year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1897), MaxValueValidator(2100)],
        help_text=_("The year of the official figure."),
    )
    summary = models.TextField(_("summary"), blank=True)
    body = body_field()
    cover = photo_field()
    neighbours = models.ManyToManyField("self", verbose_name=_("neighbours"), blank=True)
    # Position on the project's tile-grid map of Kazakhstan (column, row).
    map_col = models.PositiveSmallIntegerField(
        _("map column"), default=0, validators=[MaxValueValidator(6)]
    )
    map_row = models.PositiveSmallIntegerField(
        _("map row"), default=0, validators=[MaxValueValidator(4)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["order", "slug"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("regions:region", kwargs={"slug": self.slug})

    @property
    def is_city(self):
        return self.kind == self.Kind.CITY


class PlaceQuerySet(PublishableQuerySet):
    def in_region(self, region):
        return self.filter(region=region)

    def published(self):
        """Published places of published regions."""
        return super().published().filter(self.published_condition("region__"))

    def for_cards(self):
        """What a place card needs (regions/_place_card.html): the cover, and not the long
        texts of the place's own page. The card links to the place's page, which needs
        `place.region`: set it when the region is known."""
        return self.select_related("cover").defer(*PAGE_ONLY_TEXTS)


# The texts of a place's own page, in every language: cards never show them.
PAGE_ONLY_TEXTS = [
    f"{name}{suffix}"
    for name in ("body", "season", "hours", "getting_there", "fee")
    for suffix in ("", "_kk", "_ru", "_en")
]


class Place(SanitizedBodies, Located, Publishable):
    class Kind(models.TextChoices):
        NATURE = "nature", _("Nature and parks")
        CITY = "city", _("City")
        MUSEUM = "museum", _("Museum")
        MONUMENT = "monument", _("Monument")
        SACRED = "sacred", _("Sacred site")
        LAKE = "lake", _("Lake")
        MOUNTAIN = "mountain", _("Mountain")

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="places"
    )
    slug = models.SlugField(_("slug"), max_length=80)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NATURE)
    name = models.CharField(_("name"), max_length=160)
    summary = models.TextField(_("summary"), blank=True)
    body = body_field()
    latitude = latitude_field()
    longitude = longitude_field()
    season = models.CharField(_("best season"), max_length=200, blank=True)
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    getting_there = models.TextField(_("how to get there"), blank=True)
    fee = models.CharField(_("entrance fee"), max_length=200, blank=True)
    cover = photo_field()
    gallery = models.ManyToManyField(
        Photo, verbose_name=_("gallery"), through="PlacePhoto", blank=True, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["order", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["region", "slug"], name="unique_place_slug_in_region")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("regions:place", kwargs={"region": self.region.slug, "slug": self.slug})


class PlacePhoto(GalleryPhoto):
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="place_photos")
