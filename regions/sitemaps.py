from django.urls import reverse

from kazportal.sitemaps import I18nSitemap

from .models import Place, Region


class RegionSitemap(I18nSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Region.objects.published().order_by("order", "slug")

    def lastmod(self, obj):
        return obj.updated_at


class PlaceSitemap(I18nSitemap):
    changefreq = "weekly"
    priority = 0.7

    def items(self):
        return (
            Place.objects.published()
            .select_related("region")
            .order_by("region__order", "order", "slug")
        )

    def lastmod(self, obj):
        return obj.updated_at


class RegionsIndexSitemap(I18nSitemap):
    changefreq = "weekly"
    priority = 0.9

    def items(self):
        return ["regions:index"]

    def location(self, item):
        return reverse(item)
