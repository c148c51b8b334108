import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin
from modeltranslation.translator import translator
from modeltranslation.utils import get_translation_fields
from reversion.admin import VersionAdmin
from reversion.models import Version

from kazportal.i18n import LANGS

from . import revisions
from .models import GalleryPhoto, HomePage, HomeRegion, Photo, Publishable
from .pages import bad_request
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


def is_key(field, value):
    """Whether `value` can be a value of the model field `field` (a key: a number within the
    database's range, no NUL byte). Django looks submitted keys up as they are: on SQLite a
    number too large fails with a server error, not a form error."""
    if "\x00" in str(value):
        return False
    try:
        field.run_validators(field.to_python(value))
    except ValidationError:
        return False
    return True


def target_key(remote_field):
    name = getattr(remote_field, "field_name", None)
    return remote_field.model._meta.get_field(name) if name else remote_field.model._meta.pk


class ValidChoicesOnly:
    """An autocomplete widget that shows a value the form refused as nothing chosen: Django's
    widget looks every value up in the database, and would fail on the error page itself."""

    def optgroups(self, name, value, attr=None):
        key = target_key(self.field.remote_field)
        return super().optgroups(name, [v for v in value if is_key(key, v)], attr)


class ValidAutocompleteSelect(ValidChoicesOnly, AutocompleteSelect):
    pass


class ValidAutocompleteSelectMultiple(ValidChoicesOnly, AutocompleteSelectMultiple):
    pass


class ValidKeyChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and not is_key(self.key, value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ValidKeysMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for pk in value:
            if not is_key(self.key, pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


SAFE_CLASSES = {
    AutocompleteSelect: ValidAutocompleteSelect,
    AutocompleteSelectMultiple: ValidAutocompleteSelectMultiple,
    forms.ModelChoiceField: ValidKeyChoiceField,
    forms.ModelMultipleChoiceField: ValidKeysMultipleChoiceField,
}


class ValidKeysMixin:
    """For admins and inlines: submitted keys that cannot be keys (see is_key) are form errors,
    and the autocomplete widgets show them as nothing chosen."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if type(field) in SAFE_CLASSES:
            field.__class__ = SAFE_CLASSES[type(field)]
            field.key = target_key(db_field.remote_field)
        widget = getattr(getattr(field, "widget", None), "widget", None)  # inside the wrapper
        if type(widget) in SAFE_CLASSES:
            widget.__class__ = SAFE_CLASSES[type(widget)]
        return field


class EditorAdmin(ValidKeysMixin, TranslationStatusMixin, VersionAdmin, TabbedTranslationAdmin):
    """Base admin for translated content.

    * Language tabs that show errors and gaps, and a Latin slug prefilled from `slug_source`
      (default: the Kazakh title) as the editor types; a slug left empty, or a prefilled one
      that is taken, becomes the first free one (free_slug).
    * Revisions (django-reversion, see kazportal/revisions.py): every save, revert, recovery,
      bulk action and deletion stores one revision per record; the history page compares any
      two versions field by field and language by language; deleted records wait in the trash
      ("Recover deleted ...") for revisions.TRASH_DAYS days.
    * No lost updates: a save over a version newer than the one the form was opened at is
      refused with who saved and when, and the form keeps what the editor typed; opening a
      record another editor opened in the last minutes shows a notice.
    * A draft published from its form without a chosen time is published as of the save.
    """

    slug_source = None  # e.g. "name" or "title"
    change_form_template = "admin/kazportal/change_form.html"
    object_history_template = "admin/kazportal/object_history.html"
    compare_template = "admin/kazportal/revision_compare.html"
    history_per_page = 50

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
        source = self.slug_source
        history_url = self._url("history", obj) if obj is not None else ""

        class EditorForm(form):
            def clean(self):
                cleaned = self.cleaned_data
                opened = self.data.get(revisions.OPENED_FIELD)
                if self.instance.pk and opened is not None:
                    kept = getattr(request, "kept_first_version", None)
                    message = revisions.conflict(self.instance, opened, history_url, kept)
                    if message:
                        raise ValidationError(message, code="conflict")
                if source and "slug" in cleaned:
                    # A slug left empty, or as the prefill made it from the title, becomes the
                    # first free one (…-2, …-3); a slug the editor typed is checked as it is.
                    titles = (cleaned.get(f"{source}_{code}") for code in LANGS)
                    made = latin_slug(next(filter(None, titles), ""))
                    slug = cleaned.get("slug") or ""
                    if not slug or slug == made:
                        cleaned["slug"] = free_slug(self.instance, made, cleaned)
                if (
                    cleaned.get("status") == Publishable.Status.PUBLISHED
                    and self.initial.get("status") != Publishable.Status.PUBLISHED
                    and "published_at" in cleaned
                    and "published_at" not in self.changed_data
                    and (cleaned["published_at"] or timezone.now()) <= timezone.now()
                ):
                    # Published for the first time, no time chosen: now, not when the form
                    # was opened (a time in the future stays: that is a schedule).
                    cleaned["published_at"] = timezone.now()
                return super().clean()

        return EditorForm

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and self.has_change_permission(request, obj):
                request.kept_first_version = revisions.keep_first_version(obj)
        return super().change_view(request, object_id, form_url, extra_context)

    # Revision comments are stored untranslated (Django's change message as JSON, or an English
    # message id) and shown in the reader's language (the history template translates them).
    def log_addition(self, request, obj, message):
        entry = admin.ModelAdmin.log_addition(self, request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.change_message)
        return entry

    def log_change(self, request, obj, message):
        entry = admin.ModelAdmin.log_change(self, request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.change_message)
        return entry

    def _url(self, name, obj=None):
        opts = self.model._meta
        args = [quote(obj.pk)] if obj is not None else []
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=args)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            latest = revisions.latest_version(obj)
            context["opened_version"] = latest.pk if latest else 0
            context["opened_field"] = revisions.OPENED_FIELD
            if request.method == "GET":
                others = revisions.editing_now(request, obj)
                if others:
                    messages.warning(
                        request,
                        gettext(
                            "%(names)s opened this record in the last few minutes and may be "
                            "editing it. If you both save, the second save is refused."
                        )
                        % {"names": ", ".join(others)},
                    )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- history and comparison --------------------------------------------------------------

    def get_urls(self):
        opts = self.model._meta
        compare = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.compare_view),
            name=f"{opts.app_label}_{opts.model_name}_history_compare",
        )
        return [compare, *super().get_urls()]

    def history_view(self, request, object_id, extra_context=None):
        """Django's history page with the record's versions, newest first, a page at a time:
        each can be compared with any other or reverted to."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        page = Paginator(revisions.history(obj), self.history_per_page).get_page(
            request.GET.get("page")
        )
        opts = self.model._meta
        for version in page:
            version.revert_url = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_revision",
                args=[quote(obj.pk), version.pk],
            )
        context = {
            "versions": page,
            "compare_url": self._url("history_compare", obj),
            **(extra_context or {}),
        }
        return admin.ModelAdmin.history_view(self, request, object_id, context)

    def compare_view(self, request, object_id):
        """Two versions of one record side by side: each changed field in each language, and
        the inline rows added, removed or changed."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        ids = [request.GET.get("old", ""), request.GET.get("new", "")]
        if not all(i.isdigit() for i in ids):
            return bad_request(request, gettext("Choose two versions to compare."))
        found = {v.pk: v for v in revisions.history(obj).filter(pk__in=[int(i) for i in ids])}
        if len(found) != len(set(ids)) or not found:
            raise Http404
        old, new = sorted((found[int(ids[0])], found[int(ids[1])]), key=lambda v: v.pk)
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Changes to %(name)s") % {"name": obj},
            "subtitle": None,
            "opts": opts,
            "object": obj,
            "old": old,
            "new": new,
            "old_by": revisions.who_and_when(old),
            "new_by": revisions.who_and_when(new),
            "changes": revisions.compare(old, new),
            "revert_url": reverse(
                f"admin:{opts.app_label}_{opts.model_name}_revision", args=[quote(obj.pk), old.pk]
            ),
            "history_url": self._url("history", obj),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.compare_template, context)

    # --- deletion: to the trash --------------------------------------------------------------

    def _to_trash(self, request, obj):
        """Store the record as it is (with its inlines) as the last revision before deleting:
        the trash shows it and recovers it with its translations, inlines and links."""
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(gettext_noop("Deleted."))
            reversion.add_to_revision(obj)

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._to_trash(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self._to_trash(request, obj)
            super().delete_queryset(request, queryset)

    def trash(self):
        """The deleted records of this admin's model, last deleted first."""
        return Version.objects.get_deleted(self.model).select_related("revision").order_by("-pk")

    def recoverlist_view(self, request, extra_context=None):
        context = {"deleted": self.trash(), "trash_days": revisions.TRASH_DAYS}
        return super().recoverlist_view(request, {**context, **(extra_context or {})})

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and "action" in request.POST:
            # Actions store one revision per record themselves (a deleted record must get its
            # revision before it goes); reversion's one revision around the whole list would
            # hold them until the end and then drop the deleted ones.
            extra_context = {
                "has_change_permission": self.has_change_permission(request),
                **(extra_context or {}),
            }
            return TabbedTranslationAdmin.changelist_view(self, request, extra_context)
        return super().changelist_view(request, extra_context)


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
        not_public = queryset.exclude(queryset.published_condition())
        changed = list(not_public.values_list("pk", flat=True))
        self._keep_first_versions(changed)
        count = queryset.filter(pk__in=changed).publish()
        self._record(request, changed, gettext_noop("Published with the bulk action."))
        self.message_user(request, _("%(count)d item(s) published.") % {"count": count})

    @admin.action(description=_("Return the selected items to drafts"))
    def unpublish(self, request, queryset):
        changed = list(queryset.exclude(status="draft").values_list("pk", flat=True))
        self._keep_first_versions(changed)
        count = queryset.filter(pk__in=changed).unpublish()
        self._record(request, changed, gettext_noop("Returned to drafts with the bulk action."))
        self.message_user(request, _("%(count)d item(s) returned to drafts.") % {"count": count})

    def _keep_first_versions(self, pks):
        for obj in self.model._default_manager.filter(pk__in=pks):
            revisions.keep_first_version(obj)

    def _record(self, request, pks, message):
        """A history entry and a revision (as the row now is) for each changed row."""
        for obj in self.model._default_manager.filter(pk__in=pks):
            with reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment(message)
                reversion.add_to_revision(obj)
            self.log_change(request, obj, gettext(message))


@admin.register(Photo)
class PhotoAdmin(EditorAdmin):
    list_display = ("thumbnail", "alt", "width", "height", "translation_status", "created_at")
    search_fields = (*get_translation_fields("alt"), *get_translation_fields("caption"))
    readonly_fields = ("width", "height", "preview")
    ordering = ("-created_at",)

    def get_deleted_objects(self, objs, request):
        """A photo in use is protected (PROTECT on every link to it): the confirmation page
        lists each use as a link to the record's change form, and nothing is deleted."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            protected = [format_html('<a href="{}">{}</a>', url, text) for text, url in uses(objs)]
        return deleted, counts, perms_needed, protected

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


def uses(photos):
    """(description, admin URL) of every record that shows one of `photos`: as a cover, hero
    or album art, or in a gallery (reported as the gallery's place or item). One query per
    kind of link."""
    found = []
    for relation in Photo._meta.get_fields(include_hidden=True):
        if not (relation.one_to_many and relation.auto_created):
            continue
        model, field = relation.related_model, relation.field
        rows = model._default_manager.filter(**{f"{field.name}__in": photos})
        if issubclass(model, GalleryPhoto):
            owner = next(f for f in model._meta.concrete_fields if f.is_relation and f != field)
            rows, where = rows.select_related(owner.name), model._meta.verbose_name_plural
        else:
            owner, where = None, field.verbose_name
        for row in rows:
            obj = getattr(row, owner.name) if owner else row
            url = (
                obj.get_admin_url()
                if hasattr(obj, "get_admin_url")
                else reverse(
                    f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change",
                    args=[quote(obj.pk)],
                )
            )
            text = gettext("%(model)s “%(name)s”: %(where)s") % {
                "model": capfirst(obj._meta.verbose_name),
                "name": obj,
                "where": where,
            }
            found.append((text, url))
    return found


class HomeRegionInline(ValidKeysMixin, admin.TabularInline):
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
