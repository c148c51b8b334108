"""Preview before saving: a record's public page as it would look with the change form's unsaved
values, in the chosen language.

The form (and its inline formsets) is validated and saved inside a transaction that is always
rolled back, the public view renders the page from that state, and nothing stays: no row, no
revision (reversion records only inside its own blocks), no uploaded file (files are not taken),
and no change to the page cache (`cache.untouched()` holds back its invalidation). The page
is answered to the editor alone: private, never cached, not indexed.
"""

import copy

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms.formsets import all_valid
from django.http import Http404, HttpResponse, QueryDict
from django.template.response import TemplateResponse
from django.urls import resolve, reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import cache as page_cache
from .i18n import LANGS


def public_url(obj):
    """The public page of a record, or None if it has none (photos, authors...)."""
    if obj._meta.label == "kazportal.HomePage":
        return reverse("home")
    if hasattr(obj, "get_absolute_url"):
        return obj.get_absolute_url()
    return None


def has_public_page(model):
    return model._meta.label == "kazportal.HomePage" or hasattr(model, "get_absolute_url")


class _Discard(Exception):
    """Raised to roll the preview's transaction back once the page is rendered."""


def preview_view(model_admin, request, object_id=None):
    if request.method != "POST":
        raise Http404
    obj = None
    if object_id is not None:
        obj = model_admin.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not model_admin.has_change_permission(request, obj):
            raise PermissionDenied
    elif not model_admin.has_add_permission(request):
        raise PermissionDenied
    lang = request.POST.get("_preview_language")
    lang = lang if lang in LANGS else get_language()
    response = None
    try:
        with transaction.atomic(), page_cache.untouched():
            form_class = model_admin.get_form(request, obj, change=obj is not None)
            form = form_class(request.POST, {}, instance=obj)
            formsets, _inlines = model_admin._create_formsets(
                request, form.instance, change=obj is not None
            )
            if not (form.is_valid() and all_valid(formsets)):
                response = errors_page(model_admin, request, form, formsets)
                raise _Discard
            record = form.save()
            for formset in formsets:
                formset.instance = record
                formset.save()
            with translation.override(lang):
                response = render_public_page(request, record, lang)
            raise _Discard
    except _Discard:
        pass
    return response


def render_public_page(request, record, lang):
    url = public_url(record)
    match = resolve(url)
    page = copy.copy(request)
    page.method = "GET"
    page.GET, page.POST = QueryDict(), QueryDict()
    page.META = {**request.META, "REQUEST_METHOD": "GET", "PATH_INFO": url, "QUERY_STRING": ""}
    page.path = page.path_info = url
    page.resolver_match = match
    page.LANGUAGE_CODE = lang
    rendered = match.func(page, *match.args, **match.kwargs)
    if hasattr(rendered, "render"):
        rendered.render()
    html = rendered.content.decode()
    banner = '<p class="preview-banner" role="status">{}</p>'.format(
        escape(_("Preview: these changes are not saved. Close this tab to go back to the form."))
    )
    start = html.find(">", html.find("<body")) + 1
    html = html[:start] + banner + html[start:] if start else banner + html
    response = HttpResponse(html, status=rendered.status_code)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def errors_page(model_admin, request, form, formsets):
    """The form cannot be previewed as it is: say what to fix (the form itself keeps the
    editor's typing, in the other tab)."""
    errors = [
        f"{form.fields[name].label if name in form.fields else ''} {message}".strip()
        for name, messages in form.errors.items()
        for message in messages
    ]
    for formset in formsets:
        errors += [str(e) for e in formset.non_form_errors()]
        for row in formset.errors:
            errors += [message for messages in row.values() for message in messages]
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("The preview needs a valid form"),
        "opts": model_admin.model._meta,
        "errors": errors,
    }
    return TemplateResponse(
        request, "admin/kazportal/preview_errors.html", context, status=400
    ).render()
