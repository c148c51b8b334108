"""Revisions, the trash and edit conflicts of the content models, on django-reversion.

Every content model of REVISIONED is registered with reversion (`register()`, at start-up), with
`follow` for what its admin edits inline (galleries, bylines, references, documents, the home
page's regions), and is edited through EditorAdmin (kazportal/admin.py), a reversion
VersionAdmin: every admin save, revert, recovery, bulk action and deletion stores a revision
with who, when and a comment. The library's "recover deleted" view is the trash. This module
holds what reversion does not:

* `compare()`: the per-field, per-language difference between two versions, inlines included;
* `conflict()`: a save over a version newer than the one the form was opened at is refused;
* `editing_now()`: the "someone else is editing this" notice (a few minutes, in the cache);
* `purge_trash()`: deleted content older than TRASH_DAYS goes for good (`manage.py purge_trash`).
"""

import difflib
import logging
import re
from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.core.cache import cache
from django.db import models
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join, strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from modeltranslation.fields import TranslationField
from modeltranslation.translator import NotRegistered, translator
from reversion import add_to_revision, create_revision, get_registered_models, set_comment
from reversion import register as reversion_register
from reversion.models import Revision, Version

log = logging.getLogger(__name__)

TRASH_DAYS = 30
EDITING_SECONDS = 5 * 60
# The hidden input of the change form that carries the version it was opened at.
OPENED_FIELD = "_opened_version"

# django-reversion's own messages, which it has in Russian but not in Kazakh: listed here so that
# `manage.py messages` puts them in the project's catalogues (which win over the library's).
LIBRARY_MESSAGES = (
    gettext_noop("Initial version."),
    gettext_noop("Reverted to previous version, saved on %(datetime)s"),
    gettext_noop("Recover %(name)s"),
    gettext_noop("Revert %(name)s"),
    gettext_noop("Recover deleted %(name)s"),
    gettext_noop("Could not load %(object_repr)s version - not found"),
)


# Each content model editors touch, with the relations stored in the same revision (what its
# admin edits inline). A model's proxies (the heritage sections' item lists) are registered by
# their admins (reversion's VersionAdmin) and share the concrete model's versions.
REVISIONED = {
    "kazportal.Photo": (),
    "kazportal.HomePage": ("region_features",),
    "kazportal.HomeRegion": (),
    "regions.Region": (),
    "regions.Place": ("place_photos",),
    "regions.PlacePhoto": (),
    "heritage.Section": (),
    "heritage.Item": ("item_photos", "documents"),
    "heritage.ItemPhoto": (),
    "heritage.Document": (),
    "articles.Article": ("bylines", "references"),
    "articles.Byline": (),
    "articles.Reference": (),
    "articles.Author": (),
    "articles.Tag": (),
    "articles.Event": ("announced_dates",),
    "articles.EventDate": (),
    "batyr.Look": (),
}


def register():
    """Register REVISIONED with reversion. Called from KazportalConfig.ready(), after
    modeltranslation has added the per-language columns (title_kk, title_ru, title_en...):
    reversion stores the fields a model has when it is registered, so a model registered at
    class definition would keep only the default language."""
    for label, follow in REVISIONED.items():
        reversion_register(apps.get_model(label), follow=follow)


def history(obj):
    """The object's versions, newest first, each with its revision and the revision's user."""
    return Version.objects.get_for_object(obj).select_related("revision__user")


def latest_version(obj):
    return history(obj).first()


def keep_first_version(obj):
    """Before the first tracked change of a record that has no version yet (demo content,
    rows loaded from fixtures): store it as it is, so that the change has something to be
    compared with and reverted to. Returns the new version's id, or None."""
    if Version.objects.get_for_object(obj).exists():
        return None
    with create_revision():
        set_comment("Initial version.")  # translated when shown (LIBRARY_MESSAGES)
        add_to_revision(obj)
    return latest_version(obj).pk


def who_and_when(version):
    user = version.revision.user
    name = (user.get_full_name() or user.get_username()) if user else _("someone")
    when = formats.date_format(timezone.localtime(version.revision.date_created), "DATETIME_FORMAT")
    return name, when


def conflict(obj, opened, history_url, kept=None):
    """The error message when `obj` was saved by someone else after its form was opened at
    version `opened` (a version id, "0" for none), or None; `kept` is the first version this
    very save stored (keep_first_version). The form is shown again with what the editor typed
    and now carries the newer version: saving again replaces it knowingly."""
    latest = latest_version(obj)
    opened = str(opened)
    if latest is None or str(latest.pk) == opened or (opened == "0" and latest.pk == kept):
        return None
    name, when = who_and_when(latest)
    if opened == "0":  # opened before any version: compare with the first one
        opened = str(history(obj).last().pk)
    link = history_url  # the compare page is history_url + "compare/"
    if opened.isdigit():
        link = f"{history_url}compare/?old={opened}&new={latest.pk}"
    return format_html(
        '{} <a href="{}">{}</a>',
        _(
            "%(name)s saved this record at %(when)s, after you opened it. Your changes are still "
            "in the form below and nothing was saved. Look at what they changed; if you then "
            "save again, your version replaces theirs."
        )
        % {"name": name, "when": when},
        link,
        _("See their changes"),
    )


def editing_now(request, obj):
    """Note that this user has `obj` open; the names of the other editors who opened it in the
    last EDITING_SECONDS. A notice only: without the cache it says nothing rather than fail."""
    key = f"kazportal:editing:{obj._meta.label_lower}:{obj.pk}"
    now = timezone.now().timestamp()
    user = request.user
    try:
        editors = {
            uid: entry
            for uid, entry in (cache.get(key) or {}).items()
            if now - entry[1] < EDITING_SECONDS and uid != user.pk
        }
        others = [name for name, _seen in editors.values()]
        editors[user.pk] = (user.get_full_name() or user.get_username(), now)
        cache.set(key, editors, EDITING_SECONDS)
    except Exception:  # the notice is a courtesy: a cache outage must not stop the editor
        log.warning("the editing notice could not reach the cache", exc_info=True)
        return []
    return others


# --- comparing two versions ------------------------------------------------------------------


@dataclass
class Change:
    label: str
    language: str
    old: str
    new: str

    @property
    def diff(self):
        """The new text with the words removed and added marked (<del>, <ins>)."""
        old_words = re.split(r"(\s+)", self.old)
        new_words = re.split(r"(\s+)", self.new)
        parts = []
        matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                parts.append(("{}", "".join(new_words[j1:j2])))
                continue
            if removed := "".join(old_words[i1:i2]):
                parts.append(("<del>{}</del>", removed))
            if added := "".join(new_words[j1:j2]):
                parts.append(("<ins>{}</ins>", added))
        return format_html_join("", "{}", ((format_html(t, v),) for t, v in parts))


def compared_fields(model):
    """The fields an editor changes, in form order: each language of a translated field (not
    modeltranslation's mirror of the default language), without keys and automatic times."""
    try:
        mirrored = set(translator.get_options_for_model(model).fields)
    except NotRegistered:  # a model without translated fields
        mirrored = set()
    for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
        if field.primary_key or not field.editable or field.name in mirrored:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        if field.many_to_many and not field.remote_field.through._meta.auto_created:
            continue  # stored by its own model (bylines), compared as an inline
        yield field


def _related_names(fields, versions):
    """{(model, pk): str} for every object the versions point at: one query per related
    model, whatever the number of fields or versions."""
    wanted = {}
    for field in fields:
        if field.is_relation:
            model = field.related_model
            for version in versions:
                value = version.field_dict.get(field.attname)
                ids = value if field.many_to_many else [value]
                wanted.setdefault(model, set()).update(i for i in ids or () if i is not None)
    return {
        (model, obj.pk): str(obj)
        for model, ids in wanted.items()
        if ids
        for obj in model._base_manager.filter(pk__in=ids)
    }


def _shown(field, value, names):
    if value in (None, ""):
        return ""
    if field.many_to_many:
        return ", ".join(names.get((field.related_model, pk), f"#{pk}") for pk in value)
    if field.is_relation:
        return names.get((field.related_model, value), f"#{value}")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(field, models.DateTimeField):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(field, models.DateField):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(field, models.FileField):
        return str(value)
    text = str(value)
    if isinstance(field, models.TextField) and "<" in text:
        return strip_tags(text.replace("</p>", "</p>\n"))
    return text


def _inline_versions(version):
    return {
        (v.content_type_id, v.object_id): v
        for v in version.revision.version_set.select_related("content_type")
        if v.pk != version.pk
    }


def compare(old, new):
    """What changed from version `old` to version `new` of one object: a Change per field and
    language, then a Change per inline row (gallery photo, byline, reference...) added, removed
    or edited. A fixed number of queries: two for the inlines, one per related model."""
    model = old._model
    fields = list(compared_fields(model))
    names = _related_names(fields, (old, new))
    changes = []
    for field in fields:
        before, after = old.field_dict.get(field.attname), new.field_dict.get(field.attname)
        if before == after:
            continue
        language = ""
        label = field.verbose_name
        if isinstance(field, TranslationField):
            language, label = field.language, field.translated_field.verbose_name
        changes.append(
            Change(str(label), language, _shown(field, before, names), _shown(field, after, names))
        )
    old_rows, new_rows = _inline_versions(old), _inline_versions(new)
    for key in sorted(old_rows.keys() | new_rows.keys()):
        before, after = old_rows.get(key), new_rows.get(key)
        if before and after and before.serialized_data == after.serialized_data:
            continue
        row = after or before
        label = str(row.content_type.model_class()._meta.verbose_name)
        changes.append(
            Change(
                label,
                "",
                before.object_repr if before else "",
                after.object_repr if after else "",
            )
        )
    return changes


# --- the trash -------------------------------------------------------------------------------


def purge_trash(days=TRASH_DAYS, now=None):
    """Forget deleted content whose deletion is older than `days`: its versions, and the
    revisions left empty. Content that still exists keeps its whole history. Returns the number
    of deleted objects forgotten."""
    cutoff = (now or timezone.now()) - timedelta(days=days)
    forgotten = 0
    for model in get_registered_models():
        if model._meta.proxy:
            continue  # a proxy's versions are its concrete model's
        for version in Version.objects.get_deleted(model).select_related("revision"):
            if version.revision.date_created < cutoff:
                Version.objects.get_for_object_reference(model, version.object_id).delete()
                forgotten += 1
    Revision.objects.filter(version__isnull=True).delete()
    return forgotten
