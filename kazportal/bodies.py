"""Photos in rich-text bodies: a body refers to a library photo as `<figure data-photo="ID">
</figure>` (the editor's "Photo from the library", static/js/prose-photo.js; the sanitizer keeps
nothing else of an image, kazportal/sanitize.py).

* `render_body()` is how a body is shown (the `translated` tag with html=True): each reference
  becomes the photo's <figure> with its <picture>, alt text, caption and credit in the page's
  language; a photo no longer in the library is left out. One query per body with photos.
* `photo_uses_in_bodies()` lists the records whose body shows some photos (the Photo admin's
  "in use" protection).
"""

import re

from django.apps import apps
from django.db.models import Q
from django.template.loader import render_to_string
from modeltranslation.fields import TranslationField
from modeltranslation.translator import NotRegistered, translator

from .i18n import LANGS
from .sanitize import BodyField, as_html

# The body column is at most the prose column's width (site.css: .prose { max-width: 46rem }).
BODY_PHOTO_SIZES = "(max-width: 48rem) 100vw, 46rem"
FIGURE_TEMPLATE = "kazportal/_body_photo.html"

# As the sanitizer stores it (clean_html: empty, data-photo its only attribute); the content of
# a figure that arrived unsanitized (fixtures) is not shown either.
_PHOTO_FIGURE = re.compile(r'<figure\s+data-photo="([0-9]{1,18})"\s*>(.*?)</figure>', re.S)
# Many photos at once: look for any reference and check in Python rather than one condition
# per photo and language.
MAX_PHOTO_CONDITIONS = 30


def referenced_photo_ids(html):
    """The ids of the library photos a body shows, in order, once each."""
    if not html or "data-photo" not in html:
        return []
    return list(dict.fromkeys(int(pk) for pk, _content in _PHOTO_FIGURE.findall(html)))


def expand_photos(html, sizes=BODY_PHOTO_SIZES):
    """`html` with each photo reference replaced by the photo's figure (one query for all)."""
    ids = referenced_photo_ids(html)
    if not ids:
        return html
    from .models import Photo

    photos = Photo.objects.in_bulk(ids)

    def figure(match):
        photo = photos.get(int(match.group(1)))
        if photo is None or not photo.image:
            return ""  # deleted from the library since: left out silently
        return render_to_string(FIGURE_TEMPLATE, {"photo": photo, "sizes": sizes}).strip()

    return _PHOTO_FIGURE.sub(figure, html)


def render_body(text):
    """A stored body as the site shows it: plain text of before the editor in paragraphs, each
    library photo expanded."""
    return expand_photos(as_html(text))


# --- where photos are used ------------------------------------------------------------------


def body_fields():
    """(model, field name) of every rich-text body field of the content models."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, BodyField) and not isinstance(field, TranslationField):
                found.append((model, field.name))
    return found


def body_columns(model, name):
    """The database columns of a body field: one per language when it is translated."""
    try:
        translated = name in translator.get_options_for_model(model).fields
    except NotRegistered:
        translated = False
    return [f"{name}_{code}" for code in LANGS] if translated else [name]


def photo_uses_in_bodies(photo_ids):
    """(record, field name) of every content record whose body, in any language, shows one of
    `photo_ids` (ids or Photo instances): e.g. (place, "body"), (home page, "intro_text"). One
    query per kind of content with a body field; drafts count too."""
    ids = {int(pk) for pk in (getattr(photo, "pk", photo) for photo in photo_ids) if pk}
    if not ids:
        return []
    found = []
    for model, name in body_fields():
        columns = body_columns(model, name)
        condition = Q()
        for column in columns:
            if len(ids) * len(columns) > MAX_PHOTO_CONDITIONS:
                condition |= Q(**{f"{column}__contains": 'data-photo="'})
            else:
                for pk in sorted(ids):
                    condition |= Q(**{f"{column}__contains": f'data-photo="{pk}"'})
        for record in model._default_manager.filter(condition).order_by("pk"):
            shown = set()
            for column in columns:
                shown.update(referenced_photo_ids(getattr(record, column, "") or ""))
            if shown & ids:
                found.append((record, name))
    return found
