from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import get_translation_fields

from kazportal.admin import EditorAdmin, PublishableAdminMixin, SortableInline
from kazportal.body_admin import BodyEditorAdminMixin

from .models import Place, PlacePhoto, Region


class PlaceInline(admin.TabularInline):
    """The region's places, read-only, with links to edit them."""

    model = Place
    fields = ("name", "kind", "status")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False
    verbose_name_plural = _("places in this region")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(BodyEditorAdminMixin, PublishableAdminMixin, EditorAdmin):
    slug_source = "name"
    list_display = (
        "name",
        "kind",
        "centre",
        "map_col",
        "map_row",
        "order",
        "status",
        "translation_status",
    )
    list_display_links = ("name",)
    list_editable = ("map_col", "map_row", "order")
    list_filter = ("kind", "status")
    search_fields = (*get_translation_fields("name", "centre", "short_name"), "slug")
    ordering = ("order", "slug")
    autocomplete_fields = ("cover",)
    filter_horizontal = ("neighbours",)
    inlines = [PlaceInline]
    fieldsets = (
        (None, {"fields": ("name", "short_name", "slug", "kind", "centre")}),
        (_("Facts"), {"fields": ("area_km2", "population", "population_year", "neighbours")}),
        (_("Text"), {"fields": ("summary", "body", "cover")}),
        (
            _("Map and order"),
            {
                "fields": ("map_col", "map_row", "order"),
                "description": _(
                    "Column 0–6 from west to east and row 0–4 from north to south on the "
                    "tile map of the regions page."
                ),
            },
        ),
        (_("Publishing"), {"fields": ("status", "published_at")}),
    )


class PlacePhotoInline(SortableInline):
    model = PlacePhoto
    fields = ("photo", "order")
    autocomplete_fields = ("photo",)
    extra = 1
    ordering = ("order", "pk")


@admin.register(Place)
class PlaceAdmin(BodyEditorAdminMixin, PublishableAdminMixin, EditorAdmin):
    slug_source = "name"
    list_display = ("name", "region", "kind", "status", "translation_status")
    list_filter = ("kind", "region", "status")
    list_select_related = ("region",)
    search_fields = (*get_translation_fields("name", "summary", "region__name"), "slug")
    ordering = ("region__order", "order", "slug")
    autocomplete_fields = ("region", "cover")
    inlines = [PlacePhotoInline]
    fieldsets = (
        (None, {"fields": ("region", "name", "slug", "kind", "order")}),
        (_("Text"), {"fields": ("summary", "body", "cover")}),
        (_("Location"), {"fields": ("latitude", "longitude")}),
        (_("Visiting information"), {"fields": ("season", "hours", "fee", "getting_there")}),
        (_("Publishing"), {"fields": ("status", "published_at")}),
    )
