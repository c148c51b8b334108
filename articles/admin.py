from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import get_translation_fields

from kazportal.admin import EditorAdmin, PublishableAdminMixin, ValidKeysMixin
from kazportal.body_admin import BodyEditorAdminMixin

from .models import Article, Author, Byline, Event, EventDate, Reference, Tag


class BylineInline(ValidKeysMixin, admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ("author",)
    fields = ("author", "order")


class ReferenceInline(admin.TabularInline):
    model = Reference
    extra = 1
    fields = ("order", "text", "url")
    # A reference is a line or two: a small box keeps the table inside the page.
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})}
    }


@admin.register(Article)
class ArticleAdmin(BodyEditorAdminMixin, PublishableAdminMixin, EditorAdmin):
    slug_source = "title"
    list_display = (
        "title",
        "category",
        "status",
        "published_at",
        "translation_status",
        "updated_at",
    )
    list_filter = ("status", "category", "tags")
    search_fields = (*get_translation_fields("title", "lead"), "slug", "doi")
    date_hierarchy = "published_at"
    ordering = ("-published_at",)
    autocomplete_fields = ("cover", "tags", "related")
    inlines = (BylineInline, ReferenceInline)
    fieldsets = (
        (None, {"fields": ("title", "slug", "category", "lead", "cover")}),
        (_("Text"), {"fields": ("abstract", "body")}),
        (_("Keywords and related articles"), {"fields": ("tags", "related")}),
        (
            _("Source and article history"),
            {
                "fields": (
                    "original_title",
                    "original_language",
                    "source",
                    "source_url",
                    "doi",
                    "received_on",
                    "accepted_on",
                    "first_published_on",
                )
            },
        ),
        (_("Publication"), {"fields": ("status", "published_at")}),
    )


@admin.register(Author)
class AuthorAdmin(EditorAdmin):
    list_display = ("name", "affiliation", "translation_status")
    search_fields = get_translation_fields("name", "affiliation")
    ordering = ("name_kk",)


@admin.register(Tag)
class TagAdmin(EditorAdmin):
    slug_source = "name"
    list_display = ("name", "slug", "translation_status")
    search_fields = (*get_translation_fields("name"), "slug")
    ordering = ("slug",)


class EventDateInline(admin.TabularInline):
    """The date announced each year for an event of the Islamic calendar (Kurban Ait: by the
    Spiritual Administration of Muslims of Kazakhstan), where it differs from the computed one."""

    model = EventDate
    extra = 0
    fields = ("date",)
    verbose_name = _("announced date")
    verbose_name_plural = _("Announced dates (Islamic calendar)")


@admin.register(Event)
class EventAdmin(PublishableAdminMixin, EditorAdmin):
    slug_source = "title"
    list_display = (
        "title",
        "start_date",
        "end_date",
        "recurrence",
        "category",
        "region",
        "status",
        "translation_status",
    )
    list_filter = ("status", "category", "recurrence", "is_example", "region")
    search_fields = (*get_translation_fields("title", "summary"), "slug", "notes")
    date_hierarchy = "start_date"
    ordering = ("start_date", "order")
    autocomplete_fields = ("image",)
    fieldsets = (
        (None, {"fields": ("title", "slug", "category", "summary", "description", "image")}),
        (
            _("Dates"),
            {
                "fields": (
                    "start_date",
                    "end_date",
                    "recurrence",
                    ("hijri_month", "hijri_day"),
                    "day_off",
                    "order",
                ),
                "description": _(
                    "A date of the Islamic calendar (Kurban Ait: 10 Dhu al-Hijjah) is computed "
                    "for every year; where the announced date differs, add it below."
                ),
            },
        ),
        (_("Where"), {"fields": ("region", "place", "venue", "link")}),
        (_("Publication"), {"fields": ("status", "published_at", "notes")}),
    )
    inlines = (EventDateInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("region")
