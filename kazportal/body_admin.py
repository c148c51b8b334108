"""The admin side of the rich-text bodies (kazportal/sanitize.py): the CSP nonce for the editor's
import map, and the photo search of the editor's "Photo from the library" button.

`BodyEditorAdminMixin` goes first in the bases of every admin with a body field.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import JsonResponse
from django.urls import path, reverse
from django.views.decorators.http import require_GET
from django_prose_editor.widgets import ProseEditorWidget
from js_asset import Media as NonceMedia
from modeltranslation.utils import get_translation_fields

from .i18n import field_in_language
from .models import Photo
from .sanitize import LIBRARY_PHOTO

SEARCH_RESULTS = 24
MAX_IDS = 100
THUMBNAIL_WIDTH = 480


def _ids(value):
    """The photo ids of "3,17,42": numbers that can be keys, at most MAX_IDS."""
    found = []
    for part in (value or "").split(",")[:MAX_IDS]:
        part = part.strip()
        if part.isdigit() and len(part) <= 18:
            found.append(int(part))
    return found


def photo_json(photo):
    caption, _lang = field_in_language(photo, "caption")
    return {
        "id": photo.pk,
        "alt": field_in_language(photo, "alt")[0],
        "caption": caption,
        "thumbnail": photo.rendition(THUMBNAIL_WIDTH, "WEBP").url if photo.image else "",
        "width": photo.width,
        "height": photo.height,
    }


def search_photos(term="", ids=None):
    """Photos of the library: those of `ids`, or the newest whose description, caption or credit
    (any language) contains `term`."""
    photos = Photo.objects.all()
    if ids is not None:
        return list(photos.filter(pk__in=ids))
    term = term.strip()[:100]
    if term:
        condition = Q()
        for name in get_translation_fields("alt", "caption", "credit"):
            condition |= Q(**{f"{name}__icontains": term})
        photos = photos.filter(condition)
    return list(photos.order_by("-created_at", "-pk")[:SEARCH_RESULTS])


class BodyEditorAdminMixin:
    """For the admin of a model with body fields (sanitize.body_field):

    * The rich-text editor loads as ES modules through an import map, which is an inline
      <script type="importmap">: the form media get the request's CSP nonce, so that script-src
      'self' + nonce lets it run (no 'unsafe-inline' for scripts). Styles: style-src stays 'self'.
      The editor (Tiptap) also tries to inject a <style> element with its default rules; CSP
      blocks that one (a console message), but the package's static editor.css carries them.
    * The editor's "Photo from the library" button searches the library through this admin's
      `library-photos/` address (JSON, for those who may add or change this model and see
      photos), which is given to the editor in its configuration.
    """

    def render_change_form(self, request, context, *args, **kwargs):
        media = context.get("media")
        # str() evaluates django-csp's lazy nonce, which also puts it in the header.
        nonce = str(request.csp_nonce) if hasattr(request, "csp_nonce") else ""
        if media is not None and nonce:
            context["media"] = NonceMedia.from_media(media, nonce=nonce)
        return super().render_change_form(request, context, *args, **kwargs)

    @property
    def media(self):
        return super().media + forms.Media(css={"all": ("css/prose-photo.css",)})

    def _photo_search_name(self):
        opts = self.model._meta
        return f"{opts.app_label}_{opts.model_name}_library_photos"

    def get_urls(self):
        search = path(
            "library-photos/",
            self.admin_site.admin_view(self.library_photos_view),
            name=self._photo_search_name(),
        )
        return [search, *super().get_urls()]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(field, "widget", None)
        if isinstance(widget, ProseEditorWidget):
            extensions = (widget.config or {}).get("extensions", {})
            if LIBRARY_PHOTO in extensions:
                url = reverse(f"{self.admin_site.name}:{self._photo_search_name()}")
                photo = {**(extensions[LIBRARY_PHOTO] or {}), "searchUrl": url}
                # A copy: the field's configuration is shared by every form and admin.
                widget.config = {
                    **widget.config,
                    "extensions": {**extensions, LIBRARY_PHOTO: photo},
                }
        return field

    def may_search_photos(self, request):
        may_edit = self.has_change_permission(request) or self.has_add_permission(request)
        return may_edit and request.user.has_perm("kazportal.view_photo")

    def library_photos_view(self, request):
        """{"results": [{id, alt, caption, thumbnail, width, height}]}: `?q=` searches the
        library (newest first), `?ids=1,2` gives those photos (the editor shows the photos of a
        body it opens)."""
        if not self.may_search_photos(request):
            raise PermissionDenied
        return _library_photos(request)


@require_GET
def _library_photos(request):
    if "ids" in request.GET:
        photos = search_photos(ids=_ids(request.GET["ids"]))
    else:
        photos = search_photos(request.GET.get("q", ""))
    return JsonResponse({"results": [photo_json(photo) for photo in photos]})
