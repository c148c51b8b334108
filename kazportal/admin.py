from django.contrib import admin
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin
from modeltranslation.translator import translator
from modeltranslation.utils import get_translation_fields

from kazportal.i18n import LANGS

from .models import HomePage, HomeRegion, Photo
from .tasks import make_renditions
from .text import latin_slug


def translated_fields(model):
    return list(translator.get_options_for_model(model).fields)


def missing_in(obj, lang):
    """Fields that have text in some language but not in `lang`."""
    missing = []
    for field in translated_fields(type(obj)):
        values = {code: getattr(obj, f"{field}_{code}", None) for code in LANGS}
        if any(values.values()) and not values[lang]:
            missing.append(field)
    return missing


class TranslationStatusFilter(admin.SimpleListFilter):
    title = _("translation")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [
            ("kk", _("Missing Kazakh")),
            ("ru", _("Missing Russian")),
            ("en", _("Missing English")),
        ]

    def queryset(self, request, queryset):
        lang = self.value()
        if lang not in LANGS:
            return queryset
        condition = Q()
        for field in translated_fields(queryset.model):
            empty_here = Q(**{f"{field}_{lang}": ""}) | Q(**{f"{field}_{lang}__isnull": True})
            filled_elsewhere = Q()
            for other in LANGS:
                if other != lang:
                    filled_elsewhere |= Q(**{f"{field}_{other}__gt": ""})
            condition |= empty_here & filled_elsewhere
        return queryset.filter(condition)


class TranslationStatusMixin:
    """Adds a "kk ✓ ru ✓ en –" column and a "missing translation" filter to a translated model's
    admin. Use with modeltranslation's TabbedTranslationAdmin."""

    @admin.display(description=_("Languages"))
    def translation_status(self, obj):
        return format_html(
            '<span class="translation-status">{}</span>',
            format_html_join(
                " ",
                '<span title="{}" class="{}">{} {}</span>',
                (
                    (
                        ", ".join(missing) if (missing := missing_in(obj, lang)) else "",
                        "missing" if missing else "complete",
                        lang,
                        "–" if missing else "✓",
                    )
                    for lang in LANGS
                ),
            ),
        )

    def get_list_filter(self, request):
        return (*super().get_list_filter(request), TranslationStatusFilter)


class EditorAdmin(TranslationStatusMixin, TabbedTranslationAdmin):
    """Base admin for translated content: language tabs that show errors and gaps, and a Latin
    slug prefilled from `slug_source` (default: the Kazakh title) as the editor types; a slug
    left empty, or a prefilled one that is taken, becomes the first free one (free_slug)."""

    slug_source = None  # e.g. "name" or "title"

    class Media:
        js = ("js/admin-translation-tabs.js", "js/admin-slug.js")
        css = {"all": ("css/admin.css",)}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if self.slug_source and db_field.name == "slug" and field is not None:
            field.widget.attrs["data-slug-from"] = f"id_{self.slug_source}_kk"
            field.required = False
            field.help_text = _("Latin letters; left empty, it is made from the Kazakh title.")
        return field

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not self.slug_source or "slug" not in form.base_fields:
            return form
        source = self.slug_source

        class SlugFromTitleForm(form):
            def clean(self):
                """A slug left empty, or as the prefill made it from the title, becomes the
                first free one (…-2, …-3); a slug the editor typed is checked as it is."""
                cleaned = self.cleaned_data
                titles = (cleaned.get(f"{source}_{code}") for code in LANGS)
                made = latin_slug(next(filter(None, titles), ""))
                slug = cleaned.get("slug") or ""
                if "slug" in cleaned and (not slug or slug == made):
                    cleaned["slug"] = free_slug(self.instance, made, cleaned)
                return super().clean()

        return SlugFromTitleForm


def free_slug(obj, base, values):
    """`base` (or the model's name), or with the first free suffix: unique as the model's slug
    is unique, across the table or within a parent (a place's region, an item's section)."""
    model = type(obj)
    max_length = model._meta.get_field("slug").max_length
    base = base[:max_length].rstrip("-") or model._meta.model_name
    scope = {}
    for constraint in model._meta.constraints:
        if "slug" in getattr(constraint, "fields", ()):
            for name in constraint.fields:
                if name == "slug":
                    continue
                if name in values:
                    scope[name] = values[name]
                else:
                    attname = model._meta.get_field(name).attname
                    scope[attname] = getattr(obj, attname)
    taken = set(
        model._default_manager.filter(**scope)
        .exclude(pk=obj.pk)
        .filter(slug__startswith=base)
        .values_list("slug", flat=True)
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        suffix = f"-{n}"
        slug = base[: max_length - len(suffix)].rstrip("-") + suffix
    return slug


class PublishableAdminMixin:
    """List columns and bulk actions for Publishable models."""

    actions = ["publish_now", "unpublish"]

    @admin.action(description=_("Publish the selected items now"))
    def publish_now(self, request, queryset):
        # Rows already public keep their publication time (publish() leaves them alone).
        changed = list(queryset.exclude(queryset.published_condition()))
        count = queryset.filter(pk__in=[obj.pk for obj in changed]).publish()
        for obj in changed:
            self.log_change(request, obj, _("Published with the bulk action."))
        self.message_user(request, _("%(count)d item(s) published.") % {"count": count})

    @admin.action(description=_("Return the selected items to drafts"))
    def unpublish(self, request, queryset):
        changed = list(queryset.exclude(status="draft"))
        count = queryset.filter(pk__in=[obj.pk for obj in changed]).unpublish()
        for obj in changed:
            self.log_change(request, obj, _("Returned to drafts with the bulk action."))
        self.message_user(request, _("%(count)d item(s) returned to drafts.") % {"count": count})


@admin.register(Photo)
class PhotoAdmin(EditorAdmin):
    list_display = ("thumbnail", "alt", "width", "height", "translation_status", "created_at")
    search_fields = (*get_translation_fields("alt"), *get_translation_fields("caption"))
    readonly_fields = ("width", "height", "preview")
    ordering = ("-created_at",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "image" in form.changed_data:
            transaction.on_commit(lambda: make_renditions.enqueue(obj.pk))

    @admin.display(description=_("Preview"))
    def thumbnail(self, obj):
        if not obj.image:
            return ""
        return format_html(
            '<img src="{}" width="80" alt="" loading="lazy">', obj.rendition(480, "WEBP").url
        )

    @admin.display(description=_("Preview"))
    def preview(self, obj):
        if not obj.pk or not obj.image:
            return "—"
        return format_html(
            '<img src="{}" width="400" alt="" loading="lazy">', obj.rendition(800, "WEBP").url
        )


class HomeRegionInline(admin.TabularInline):
    model = HomeRegion
    fields = ("region", "order")
    autocomplete_fields = ("region",)
    extra = 1


@admin.register(HomePage)
class HomePageAdmin(EditorAdmin):
    """One change form for the single home page row: no list, no adding a second, no delete."""

    inlines = [HomeRegionInline]
    autocomplete_fields = ("hero_photo", "track_cover")
    fieldsets = (
        (_("1. Welcome"), {"fields": ("hero_heading", "hero_subheading", "hero_photo")}),
        (
            _("3. Music of the steppe"),
            {
                "fields": (
                    "music_heading",
                    "track_title",
                    "track_performer",
                    "track_description",
                    "track_cover",
                    "track_audio",
                )
            },
        ),
        (
            _("4. Culture of the Great Steppe"),
            {"fields": ("intro_heading", "intro_text", "intro_quote")},
        ),
        (
            _("5.–8. Headings of the other blocks"),
            {
                "description": _(
                    "Left empty, a block keeps the site's own wording. The featured regions "
                    "are chosen below; without them the three cities and the first region "
                    "are shown."
                ),
                "fields": (
                    "articles_heading",
                    "regions_heading",
                    "regions_lead",
                    "heritage_heading",
                    "batyr_heading",
                    "batyr_lead",
                ),
            },
        ),
    )

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not HomePage.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        home = HomePage.load()
        return redirect("admin:kazportal_homepage_change", home.pk)
