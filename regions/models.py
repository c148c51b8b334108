from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kazportal.models import Photo, Publishable, PublishableQuerySet


class RegionQuerySet(PublishableQuerySet):
    def regions(self):
        return self.filter(kind=Region.Kind.REGION)

    def cities(self):
        return self.filter(kind=Region.Kind.CITY)


class Region(Publishable):
    class Kind(models.TextChoices):
        REGION = "region", _("Region")
        CITY = "city", _("City of republican significance")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REGION)
    name = models.CharField(_("name"), max_length=120)
    centre = models.CharField(_("administrative centre"), max_length=120, blank=True)
    area_km2 = models.PositiveIntegerField(_("area, km²"), null=True, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(_("population year"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body"), blank=True)
    cover = models.ForeignKey(
        Photo, verbose_name=_("cover"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    neighbours = models.ManyToManyField("self", verbose_name=_("neighbours"), blank=True)
    # Position on the project's tile-grid map of Kazakhstan (column, row).
    map_col = models.PositiveSmallIntegerField(_("map column"), default=0)
    map_row = models.PositiveSmallIntegerField(_("map row"), default=0)
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


class PlaceQuerySet(PublishableQuerySet):
    def in_region(self, region):
        return self.filter(region=region)


class Place(Publishable):
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
    body = models.TextField(_("body"), blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    season = models.CharField(_("best season"), max_length=200, blank=True)
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    getting_there = models.TextField(_("how to get there"), blank=True)
    fee = models.CharField(_("entrance fee"), max_length=200, blank=True)
    cover = models.ForeignKey(
        Photo, verbose_name=_("cover"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
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
        return reverse(
            "regions:place", kwargs={"region": self.region.slug, "slug": self.slug}
        )


class PlacePhoto(models.Model):
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="place_photos")
    photo = models.ForeignKey(Photo, verbose_name=_("photo"), on_delete=models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("gallery photo")
        verbose_name_plural = _("gallery")
