from django.urls import reverse

from kazportal.sitemaps import I18nSitemap

from .models import Item, Section


class HeritageSectionSitemap(I18nSitemap):
    """The heritage index and the eight section pages."""

    changefreq = "weekly"
    priority = 0.7

    def items(self):
        return ["index", *Section.objects.order_by("order", "pk")]

    def location(self, obj):
        if obj == "index":
            return reverse("heritage:index")
        return obj.get_absolute_url()


class HeritageItemSitemap(I18nSitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return Item.objects.published().select_related("section").order_by("section__order", "pk")

    def lastmod(self, obj):
        return obj.updated_at
