import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language_info, gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin
from modeltranslation.translator import translator
from modeltranslation.utils import get_translation_fields
from reversion.admin import VersionAdmin
from reversion.models import Version

from kazportal.i18n import LANGS

from . import revisions
from .bodies import photo_uses_in_bodies
from .body_admin import BodyEditorAdminMixin
from .models import (
    GalleryPhoto,
    HomePage,
    HomeRegion,
    Photo,
    Publishable,
    check_photo_limits,
    file_sha256,
)
from .pages import bad_request
from .preview import has_public_page, preview_view
from .tasks import make_renditions
from .text import latin_slug


def translated_fields(model):
    return list(translator.get_options_for_model(model).fields)


# The translated fields whose gaps the status column, the "missing translation" filter and the
# translation dashboard report: what a visitor reads first. Other translated fields (a centre's
# name, opening hours...) fall back quietly.
KEY_FIELDS = ("title", "name", "summary", "lead", "body", "alt", "card_text", "intro")


def key_fields(model):
    fields = translated_fields(model)
    return [f for f in fields if f in KEY_FIELDS] or fields


def missing_in(obj, lang):
    """Key fields that have text in some language but not in `lang`."""
    missing = []
    for field in key_fields(type(obj)):
        values = {code: getattr(obj, f"{field}_{code}", None) for code in LANGS}
        if any(values.values()) and not values[lang]:
            missing.append(field)
    return missing


def missing_condition(model, lang):
    """Rows with a key field empty in `lang` and filled in another language, as a Q (the
    filter and the translation dashboard count the same rows)."""
    condition = Q()
    for field in key_fields(model):
        empty_here = Q(**{f"{field}_{lang}": ""}) | Q(**{f"{field}_{lang}__isnull": True})
        filled_elsewhere = Q()
        for other in LANGS:
            if other != lang:
                filled_elsewhere |= Q(**{f"{field}_{other}__gt": ""})
        condition |= empty_here & filled_elsewhere
    return condition


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
        return queryset.filter(missing_condition(queryset.model, lang))


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


def thumbnail_url(photo):
    """The small picture of a photo in the admin: its 480 px WebP rendition."""
    return photo.rendition(480, "WEBP").url if photo.image else ""


class PhotoAutocompleteSelect(ValidAutocompleteSelect):
    """The photo picker: Select2 fed by the Photo admin's own autocomplete view, which adds
    each result's thumbnail (`thumbnail` in the JSON); the chosen photo's <option> carries it
    as `data-thumbnail`. static/js/admin-photo-picker.js shows them."""

    url_name = "%s:kazportal_photo_autocomplete"

    def optgroups(self, name, value, attr=None):
        # Django's AutocompleteMixin.optgroups, with each photo at hand for its thumbnail
        # (no query more than Django's own).
        value = [v for v in value if is_key(target_key(self.field.remote_field), v)]
        default = (None, [], 0)
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if not self.is_required and not self.allow_multiple_selected:
            default[1].append(self.create_option(name, "", "", False, 0))
        photos = self.choices.queryset.using(self.db).filter(pk__in=selected)
        for photo in photos:
            label = self.choices.field.label_from_instance(photo)
            option = self.create_option(name, photo.pk, label, selected, len(default[1]))
            option["attrs"]["data-thumbnail"] = thumbnail_url(photo)
            default[1].append(option)
        return [default]

    @property
    def media(self):
        # One list with Django's own files, so that the merged page media keeps the picker's
        # script after Select2 and autocomplete.js.
        media = super().media
        return forms.Media(
            js=(*media._js, "js/admin-photo-picker.js"),
            css={**media._css, "all": (*media._css.get("all", ()), "css/admin-photo.css")},
        )


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
        if type(widget) is ValidAutocompleteSelect and widget.field.remote_field.model is Photo:
            widget.__class__ = PhotoAutocompleteSelect  # with thumbnails
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
        if has_public_page(self.model):
            opts = self.model._meta
            name = f"admin:{opts.app_label}_{opts.model_name}_preview"
            context["preview_url"] = (
                reverse(f"{name}_change", args=[quote(obj.pk)]) if obj and obj.pk else reverse(name)
            )
            context["preview_languages"] = [
                (code, get_language_info(code)["name_local"]) for code in LANGS
            ]
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
        urls = [compare]
        if has_public_page(self.model):
            preview = self.admin_site.admin_view(self.preview_view)
            urls += [
                path("preview/", preview, name=f"{opts.app_label}_{opts.model_name}_preview"),
                path(
                    "<path:object_id>/preview/",
                    preview,
                    name=f"{opts.app_label}_{opts.model_name}_preview_change",
                ),
            ]
        return [*urls, *super().get_urls()]

    def preview_view(self, request, object_id=None):
        return preview_view(self, request, object_id)

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


class PublicationStateFilter(admin.SimpleListFilter):
    """Draft, scheduled, published or taken off the site (Publishable.State): a scheduled row
    is not "published" to an editor, whatever its status field says."""

    title = _("publication")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return Publishable.State.choices

    def queryset(self, request, queryset):
        return {
            Publishable.State.DRAFT: queryset.drafts,
            Publishable.State.SCHEDULED: queryset.scheduled,
            Publishable.State.PUBLISHED: queryset.published,
            Publishable.State.EXPIRED: queryset.expired,
        }.get(self.value(), queryset.all)()


def publication_note(obj):
    """What the form says about a row's publication: when it will appear or leave, if it has
    not yet or will."""
    state = obj.state
    when = {
        "published_at": obj.published_at
        and formats.date_format(timezone.localtime(obj.published_at), "DATETIME_FORMAT"),
        "unpublish_at": obj.unpublish_at
        and formats.date_format(timezone.localtime(obj.unpublish_at), "DATETIME_FORMAT"),
    }
    if state == Publishable.State.SCHEDULED:
        return gettext("Scheduled: it will appear on the site on %(published_at)s.") % when
    if state == Publishable.State.EXPIRED:
        return gettext("Taken off the site on %(unpublish_at)s.") % when
    if state == Publishable.State.PUBLISHED and obj.unpublish_at:
        return gettext("On the site until %(unpublish_at)s.") % when
    if state == Publishable.State.DRAFT:
        return gettext("Draft: only editors see it.")
    return ""


class PublishableAdminMixin:
    """List columns, filters, form notes and bulk actions for Publishable models: the list
    shows each row's state (a scheduled row is "Scheduled", not "Published"), the form says
    when it appears or leaves, and has the unpublication time beside the publication time."""

    actions = ["publish_now", "unpublish"]

    @admin.display(description=_("publication"), ordering="published_at")
    def publication_state(self, obj):
        state = obj.state
        label = Publishable.State(state).label
        if state == Publishable.State.SCHEDULED:
            label = format_html(
                "{} · {}",
                label,
                formats.date_format(timezone.localtime(obj.published_at), "SHORT_DATETIME_FORMAT"),
            )
        return format_html('<span class="state state-{}">{}</span>', state, label)

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        return tuple("publication_state" if name == "status" else name for name in shown)

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        return tuple(PublicationStateFilter if f == "status" else f for f in filters)

    def get_fieldsets(self, request, obj=None):
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields = list(options.get("fields", ()))
            if "published_at" in fields and "unpublish_at" not in fields:
                fields.insert(fields.index("published_at") + 1, "unpublish_at")
            fieldsets.append((name, {**options, "fields": fields}))
        return fieldsets

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["publication_note"] = publication_note(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.state in (Publishable.State.PUBLISHED, Publishable.State.SCHEDULED):
            title = "title" if "title" in translated_fields(type(obj)) else "name"
            gaps = [code for code in LANGS if not getattr(obj, f"{title}_{code}", None)]
            if gaps:
                messages.warning(
                    request,
                    gettext(
                        "Published without a title in %(languages)s: visitors reading in that "
                        "language see the title in another language."
                    )
                    % {"languages": ", ".join(gaps)},
                )

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


class PhotoAutocompleteJsonView(AutocompleteJsonView):
    """Django's autocomplete view, with each photo's thumbnail URL in the JSON."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, Photo):
            result["thumbnail"] = thumbnail_url(obj)
        return result


class PhotoForm(forms.ModelForm):
    """A new file already in the library (the same SHA-256) is refused with a link to it."""

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if not isinstance(image, UploadedFile):
            return image  # no new upload
        # The limits, from the header Django's ImageField read (Image.open): refused before
        # the model reads the file's dimensions, and before any hashing.
        width, height = getattr(getattr(image, "image", None), "size", (0, 0))
        check_photo_limits(image.size, width * height)
        image.sha256 = file_sha256(image)  # kept for Photo.save()
        existing = self.instance.same_file(image.sha256)
        if existing is not None:
            raise ValidationError(
                format_html(
                    gettext(
                        "This picture is already in the library: {link}. Choose that photo "
                        "instead of uploading it again."
                    ),
                    link=format_html(
                        '<a href="{}">{}</a>', existing.get_admin_url(), str(existing)
                    ),
                ),
                code="duplicate_photo",
            )
        return image


@admin.register(Photo)
class PhotoAdmin(EditorAdmin):
    form = PhotoForm
    list_display = ("thumbnail", "alt", "width", "height", "translation_status", "created_at")
    search_fields = (*get_translation_fields("alt"), *get_translation_fields("caption"))
    readonly_fields = ("width", "height", "focal_point", "used_in")
    ordering = ("-created_at",)
    fieldsets = (
        (None, {"fields": ("image", "alt", "caption", "credit")}),
        (
            _("Focal point"),
            {
                "description": _(
                    "Click the picture where its subject is: every crop of it on the site "
                    "keeps that point in view. The numbers can be typed too."
                ),
                "fields": ("focal_point", ("focal_x", "focal_y")),
            },
        ),
        (None, {"fields": (("width", "height"), "used_in")}),
    )

    class Media:
        js = ("js/admin-photo-focal.js",)
        css = {"all": ("css/admin-photo.css",)}

    def get_urls(self):
        autocomplete = path(
            "autocomplete/",
            self.admin_site.admin_view(
                PhotoAutocompleteJsonView.as_view(admin_site=self.admin_site)
            ),
            name="kazportal_photo_autocomplete",
        )
        return [autocomplete, *super().get_urls()]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("focal_x", "focal_y"):
            field.required = False  # left empty: the middle
            field.widget.attrs.update({"min": 0, "max": 1, "step": 0.01, "class": "vSmallField"})
            field.widget.attrs[f"data-{db_field.name.replace('_', '-')}"] = ""
        return field

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class FocalDefaults(form):
            def clean_focal_x(self):
                value = self.cleaned_data.get("focal_x")
                return 0.5 if value is None else value

            def clean_focal_y(self):
                value = self.cleaned_data.get("focal_y")
                return 0.5 if value is None else value

        return FocalDefaults

    def get_deleted_objects(self, objs, request):
        """A photo in use is protected (PROTECT on every link to it, and a body that shows it):
        the confirmation page lists each use as a link to the record's change form, and nothing
        is deleted."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        found = uses(objs)  # links, and photos placed in a body (not a foreign key)
        if found:
            protected = [format_html('<a href="{}">{}</a>', url, text) for text, url in found]
        return deleted, counts, perms_needed, protected

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "image" in form.changed_data:
            transaction.on_commit(lambda: make_renditions.enqueue(obj.pk))

    @admin.display(description=_("Preview"))
    def thumbnail(self, obj):
        if not obj.image:
            return ""
        return format_html('<img src="{}" width="80" alt="" loading="lazy">', thumbnail_url(obj))

    @admin.display(description=_("Picture"))
    def focal_point(self, obj):
        """The picture to click for the focal point (static/js/admin-photo-focal.js); on the
        add form it shows the chosen file before it is uploaded."""
        src = obj.rendition(800, "WEBP").url if obj.pk and obj.image else ""
        return format_html(
            '<div class="admin-photo-focal"{}>'
            '<img src="{}" alt="" class="admin-photo-focal-image" data-focal-image>'
            '<span class="admin-photo-focal-marker" aria-hidden="true"></span></div>',
            "" if src else mark_safe(" hidden"),
            src,
        )

    @admin.display(description=_("Used in"))
    def used_in(self, obj):
        """Every record that shows the photo, each a link to its change form (uses())."""
        if not obj.pk:
            return "—"
        found = uses([obj])
        if not found:
            return gettext("Not used anywhere yet: it can be deleted.")
        return format_html(
            '<ul class="admin-photo-uses">{}</ul>',
            format_html_join("", '<li><a href="{}">{}</a></li>', ((u, t) for t, u in found)),
        )


def uses(photos):
    """(description, admin URL) of every record that shows one of `photos`: as a cover, hero
    or album art, or in a gallery (reported as the gallery's place or item). One query per
    kind of link, however many uses (the records' required parents, which their names and
    admin URLs may read, e.g. an item's section, come in the same query)."""
    found = []
    for relation in Photo._meta.get_fields(include_hidden=True):
        if not (relation.one_to_many and relation.auto_created):
            continue
        model, field = relation.related_model, relation.field
        rows = model._default_manager.filter(**{f"{field.name}__in": photos})
        if issubclass(model, GalleryPhoto):
            owner = next(f for f in model._meta.concrete_fields if f.is_relation and f != field)
            where = model._meta.verbose_name_plural
            parents = [f"{owner.name}__{name}" for name in required_parents(owner.related_model)]
            rows = rows.select_related(owner.name, *parents)
        else:
            owner, where = None, field.verbose_name
            rows = rows.select_related(*required_parents(model))
        for row in rows:
            obj = getattr(row, owner.name) if owner else row
            url = admin_url(obj)
            text = gettext("%(model)s “%(name)s”: %(where)s") % {
                "model": capfirst(obj._meta.verbose_name),
                "name": obj,
                "where": where,
            }
            found.append((text, url))
    for record, name in photo_uses_in_bodies(photos):
        text = gettext("%(model)s “%(name)s”: %(where)s") % {
            "model": capfirst(record._meta.verbose_name),
            "name": record,
            "where": record._meta.get_field(name).verbose_name,
        }
        found.append((text, admin_url(record)))
    return found


def admin_url(obj):
    """A record's change form (a heritage item's in its section's list)."""
    if hasattr(obj, "get_admin_url"):
        return obj.get_admin_url()
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])


def required_parents(model):
    """The names of a model's required foreign keys (a place's region, an item's section)."""
    return [f.name for f in model._meta.concrete_fields if f.many_to_one and not f.null]


class SortableInline(ValidKeysMixin, admin.TabularInline):
    """A tabular inline whose rows are dragged by their handle (or moved with the arrow keys
    on it) to change their order: static/js/admin-photo-gallery.js renumbers the `order`
    inputs, which stay editable."""

    sortable_field = "order"

    class Media:
        js = ("js/admin-photo-gallery.js",)
        css = {"all": ("css/admin-photo.css",)}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == self.sortable_field and field is not None:
            field.widget.attrs["data-sortable-order"] = gettext(
                "Drag to change the order, or press the up and down arrow keys"
            )
        return field


class HomeRegionInline(SortableInline):
    model = HomeRegion
    fields = ("region", "order")
    autocomplete_fields = ("region",)
    extra = 1


@admin.register(HomePage)
class HomePageAdmin(BodyEditorAdminMixin, EditorAdmin):
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
