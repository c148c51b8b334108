"""Heritage admin: the eight sections (texts and covers only: their number is fixed) and one item
list per section, each showing only the facts of its kind."""

from django import forms
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationTabularInline
from modeltranslation.utils import get_translation_fields

from kazportal.admin import EditorAdmin, PublishableAdminMixin, SortableInline
from kazportal.body_admin import BodyEditorAdminMixin
from kazportal.i18n import LANGS
from kazportal.text import latin_slug

from .kinds import KINDS
from .models import KIND_PROXIES, Document, Item, ItemPhoto, Section


@admin.register(Section)
class SectionAdmin(EditorAdmin):
    list_display = ("title", "kind", "order", "items_link", "translation_status")
    list_editable = ("order",)
    search_fields = get_translation_fields("title")
    fields = ("title", "slug", "card_text", "intro", "cover", "order")
    readonly_fields = ("slug",)
    autocomplete_fields = ("cover",)
    ordering = ("order",)

    def has_add_permission(self, request):
        return False  # the eight sections come from a data migration

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Items"))
    def items_link(self, obj):
        proxy = KIND_PROXIES.get(obj.kind)
        if proxy is None:
            return "—"
        url = reverse(f"admin:heritage_{proxy._meta.model_name}_changelist")
        return format_html('<a href="{}">{}</a>', url, _("Edit the items"))


class ItemPhotoInline(SortableInline):
    model = ItemPhoto
    extra = 0
    autocomplete_fields = ("photo",)
    fields = ("photo", "order")


class DocumentInline(TranslationTabularInline):
    model = Document
    extra = 0
    fields = ("title", "file", "order", "content_type", "size")
    readonly_fields = ("content_type", "size")


class KindItemForm(forms.ModelForm):
    """Checks the slug against the section's other items (the section is not on the form, so
    Django's own check of the unique constraint would skip it)."""

    kind = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.section_id:  # a new item belongs to the admin's section
            self.instance.section = Section.objects.get(kind=self.kind)

    def clean(self):
        cleaned = super().clean()
        titles = [cleaned.get(f"title_{code}") for code in LANGS]
        slug = cleaned.get("slug") or latin_slug(next((t for t in titles if t), ""))
        taken = Item.objects.filter(section__kind=self.kind, slug=slug)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if slug and taken.exists():
            self.add_error("slug", _("Another item of this section already has this slug."))
        return cleaned


class KindItemAdmin(BodyEditorAdminMixin, PublishableAdminMixin, EditorAdmin):
    """Base admin of one section's items; `kind` is set by each subclass below."""

    kind = None
    slug_source = "title"
    list_display = ("title", "status", "published_at", "order", "translation_status")
    list_filter = ("status", "regions")
    list_editable = ("order",)
    search_fields = (*get_translation_fields("title"), *get_translation_fields("summary"), "slug")
    ordering = ("order", "slug")
    date_hierarchy = "published_at"
    autocomplete_fields = ("cover",)
    filter_horizontal = ("regions", "places", "related")
    view_on_site = True
    form = KindItemForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"kind": self.kind})

    def get_queryset(self, request):
        return super().get_queryset(request).filter(section__kind=self.kind)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "related":
            kwargs["queryset"] = Item.objects.select_related("section").order_by(
                "section__order", "order", "slug"
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def trash(self):
        """Only this section's deleted items (they share one table, and so one trash)."""
        section = Section.objects.get(kind=self.kind)
        return [v for v in super().trash() if v.field_dict.get("section_id") == section.pk]

    def save_model(self, request, obj, form, change):
        if not obj.section_id:
            obj.section = Section.objects.get(kind=self.kind)
        super().save_model(request, obj, form, change)


def item_admin(kind, info):
    """The admin of one section's items. Its item form: common fields, the kind's facts, links,
    publication; set as class attributes (not get_fieldsets) so that modeltranslation puts in
    its language tabs. Archive items also take their documents."""
    fieldsets = [
        (None, {"fields": ("title", "slug", "summary", "body", "cover")}),
        (info.fieldset_title, {"fields": info.fact_fields}),
        (_("Links"), {"fields": ("regions", "places", "related")}),
        (_("Publication"), {"fields": ("status", "published_at", "order")}),
    ]
    inlines = [DocumentInline, ItemPhotoInline] if info.documents else [ItemPhotoInline]
    proxy = KIND_PROXIES[kind]
    return type(
        f"{proxy.__name__}Admin",
        (KindItemAdmin,),
        {"kind": kind, "fieldsets": fieldsets, "inlines": inlines},
    )


for _kind, _info in KINDS.items():
    admin.site.register(KIND_PROXIES[_kind], item_admin(_kind, _info))
