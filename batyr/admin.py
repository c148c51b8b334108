from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import get_translation_fields

from kazportal.admin import EditorAdmin

from .models import Look, Portrait


@admin.register(Look)
class LookAdmin(EditorAdmin):
    list_display = (
        "name",
        "kind",
        "key",
        "heritage_section",
        "order",
        "is_active",
        "translation_status",
    )
    list_editable = ("order", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = (*get_translation_fields("name"), "slug")
    ordering = ("order", "pk")
    fields = (
        "name",
        "description",
        "slug",
        "kind",
        "key",
        "preview",
        "heritage_section",
        "order",
        "is_active",
    )


@admin.register(Portrait)
class PortraitAdmin(admin.ModelAdmin):
    """The jobs: status, look and timings only. Visitors' photos are never shown here."""

    list_display = (
        "created_at",
        "look",
        "finish",
        "status",
        "error_code",
        "attempts",
        "faces_dressed",
        "seconds_waited",
        "render_ms",
        "expires_at",
        "photos_deleted",
    )
    list_filter = ("status", "look", "finish", "error_code")
    date_hierarchy = "created_at"
    fields = (
        "look",
        "finish",
        "language",
        "status",
        "stage",
        "error_code",
        "attempts",
        "faces_found",
        "faces_dressed",
        "created_at",
        "started_at",
        "finished_at",
        "render_ms",
        "expires_at",
        "deleted_at",
    )
    readonly_fields = fields
    list_select_related = ("look",)

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        if obj.deleted_at is None:
            obj.delete_files()
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for portrait in queryset:
            if portrait.deleted_at is None:
                portrait.delete_files()
        super().delete_queryset(request, queryset)

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("waited (s)"))
    def seconds_waited(self, obj):
        if obj.started_at is None:
            return "—"
        return round((obj.started_at - obj.created_at).total_seconds(), 1)

    @admin.display(description=_("photos deleted"), boolean=True)
    def photos_deleted(self, obj):
        return obj.deleted_at is not None
