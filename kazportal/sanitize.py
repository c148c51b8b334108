"""The rich-text bodies: one editor, one allow-list, one field (articles, regions, places,
heritage items, the home page's introduction).

`editor_extensions()` is the editor's toolbar and the one source of the allow-list: the tags and
attributes kept on save are what those extensions can make (django-prose-editor's processors,
plus `library_photo_allowlist` for the project's "Photo from the library" node), nothing more.
Whatever an editor pastes, what is stored has no scripts, no styles, no event handlers, no
`<img src>` (a photo is a reference to the library, `<figure data-photo="ID"></figure>`,
expanded on the site by kazportal/bodies.py), no iframes or forms. A `javascript:`, `data:` or
`vbscript:` link is refused with a form error (`validate_body_links`); on a save from elsewhere
it is stripped.
"""

import re
from functools import cache
from html.parser import HTMLParser

import nh3
from django.core.exceptions import ValidationError
from django.utils.html import linebreaks
from django.utils.translation import gettext_lazy as _
from django_prose_editor.config import add_tags_and_attributes, allowlist_from_extensions
from django_prose_editor.fields import ProseEditorField, ProseEditorFormField

URL_SCHEMES = ("http", "https", "mailto")
LINK_REL = "noopener noreferrer"
# The content of these is dropped entirely, not kept as text.
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript"}

# The project's editor extension (static/js/prose-photo.js; registered with its allow-list in
# settings.DJANGO_PROSE_EDITOR_EXTENSIONS).
LIBRARY_PHOTO = "LibraryPhoto"
PHOTO_ATTRIBUTE = "data-photo"


def editor_extensions():
    """The editor's toolbar; the sanitizer keeps exactly what these can make."""
    return {
        "Bold": True,
        "Italic": True,
        "Strike": True,
        "Underline": True,
        "Subscript": True,
        "Superscript": True,
        "Heading": {"levels": [2, 3, 4]},
        "BulletList": True,
        "OrderedList": True,
        "ListItem": True,
        "Blockquote": True,
        "HorizontalRule": True,
        "HardBreak": True,
        "Link": {"enableTarget": False, "protocols": list(URL_SCHEMES)},
        "Table": True,
        "TableRow": True,
        "TableHeader": True,
        "TableCell": True,
        "History": True,
        "HTML": True,
        LIBRARY_PHOTO: {
            # The dialog's words, in the admin's language (the editor's own gettext only knows
            # its package's catalogue). The search address is set per admin (body_admin.py).
            "labels": {
                "button": _("Photo from the library"),
                "search": _("Search the photo library"),
                "searchHelp": _("Words from the description or caption, in any language."),
                "noResults": _("No photos found."),
                "loading": _("Loading…"),
                "cancel": _("Cancel"),
                "missing": _("This photo is no longer in the library: it is not shown."),
                "choose": _("Insert this photo"),
            },
        },
    }


def library_photo_allowlist(config, shared_config):
    """The allow-list of the "Photo from the library" node: `<figure data-photo="ID">`, empty
    (a django-prose-editor processor, see DJANGO_PROSE_EDITOR_EXTENSIONS)."""
    add_tags_and_attributes(shared_config, ["figure"], {"figure": [PHOTO_ATTRIBUTE]})


@cache
def allowlist():
    """nh3's options for what the editor can make (worked out once, on first use)."""
    options = allowlist_from_extensions(editor_extensions())
    tags, attributes = set(options["tags"]), {k: set(v) for k, v in options["attributes"].items()}
    # Links get rel="noopener noreferrer" from the sanitizer (the editor sets none).
    attributes.get("a", set()).discard("rel")
    return {
        "tags": frozenset(tags),
        "attributes": {k: frozenset(v) for k, v in attributes.items()},
        "url_schemes": frozenset(options.get("url_schemes") or URL_SCHEMES),
    }


def tags():
    """The tags kept (worked out from editor_extensions())."""
    return allowlist()["tags"]


def attributes():
    """The attributes kept, per tag (worked out from editor_extensions())."""
    return allowlist()["attributes"]


_PHOTO_ID_VALUE = re.compile(r"[1-9][0-9]{0,17}")


def _attribute_filter(tag, attribute, value):
    if attribute == PHOTO_ATTRIBUTE:
        # A photo's id, as a key can be: nothing else (the site looks it up).
        value = value.strip()
        return value if _PHOTO_ID_VALUE.fullmatch(value) else None
    return value


@cache
def _cleaner():
    rules = allowlist()
    return nh3.Cleaner(
        tags=set(rules["tags"]),
        # "*": none: nh3 would otherwise keep `lang` and `title` on every tag.
        attributes={"*": set()} | {k: set(v) for k, v in rules["attributes"].items()},
        url_schemes=set(rules["url_schemes"]),
        attribute_filter=_attribute_filter,
        link_rel=LINK_REL,
        strip_comments=True,
        clean_content_tags=DROPPED_WITH_CONTENT - set(rules["tags"]),
    )


_EMPTY = re.compile(r"^\s*(<p>\s*(<br>)?\s*</p>\s*)*$")
_FIGURE_TAG = re.compile(r"<(/?)figure\b([^>]*)>")
_PHOTO_ID = re.compile(r'\sdata-photo="([0-9]+)"')


def _photo_figures(html):
    """A photo figure as the editor makes it: `<figure data-photo="ID"></figure>`, empty; a
    figure without a photo is unwrapped (the editor has no other figure). `html` is nh3's
    output: well formed, and a figure's only attribute can be data-photo."""
    if "<figure" not in html:
        return html
    out, pos, stack = [], 0, []  # stack: per open figure, whether it is a photo
    for match in _FIGURE_TAG.finditer(html):
        inside_photo = any(stack)
        if not inside_photo:
            out.append(html[pos : match.start()])
        pos = match.end()
        closing, attrs = match.group(1), match.group(2)
        if closing:
            was_photo = stack.pop() if stack else False
            if was_photo and not any(stack):
                out.append("</figure>")
            continue
        photo = _PHOTO_ID.search(attrs)
        if photo and not inside_photo:
            out.append(f'<figure data-photo="{photo.group(1)}">')
            stack.append(True)
        else:
            stack.append(inside_photo)
    out.append(html[pos:])
    return "".join(out)


def clean_html(html):
    """Sanitized HTML; an editor's lone empty paragraph becomes an empty string (= not
    translated, so the visible language fallback works)."""
    if not html:
        return ""
    cleaned = _photo_figures(_cleaner().clean(str(html))).strip()
    if _EMPTY.match(cleaned):
        return ""
    return cleaned


# --- links that run code: a form error ------------------------------------------------------

UNSAFE_SCHEMES = ("javascript", "data", "vbscript")
URL_ATTRIBUTES = {
    "href", "src", "srcset", "action", "formaction", "xlink:href", "poster", "background",
    "cite", "data", "longdesc", "lowsrc", "dynsrc", "ping",
}  # fmt: skip
# What a browser ignores in a scheme: ASCII whitespace and control characters anywhere in it.
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")


class _LinkFinder(HTMLParser):
    """The URL-like attribute values of a piece of HTML, with character references decoded."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values = []

    def handle_starttag(self, tag, attrs):
        self.values.extend(value for name, value in attrs if name in URL_ATTRIBUTES and value)

    handle_startendtag = handle_starttag


def unsafe_schemes(html):
    """The schemes of `javascript:`, `data:` or `vbscript:` links in `html`, in order."""
    if not html or ":" not in html:
        return []
    finder = _LinkFinder()
    finder.feed(str(html))
    finder.close()
    found = []
    for value in finder.values:
        squeezed = _IGNORED_IN_SCHEME.sub("", value).lower()
        for scheme in UNSAFE_SCHEMES:
            if squeezed.startswith(f"{scheme}:") and scheme not in found:
                found.append(scheme)
    return found


def validate_body_links(value):
    """A body with a link that would run code (`javascript:`, `data:`, `vbscript:`) is refused,
    with the typing kept in the form, rather than silently changed on save."""
    schemes = unsafe_schemes(value)
    if schemes:
        raise ValidationError(
            _(
                "A link in this text starts with “%(scheme)s:”. Such links can run code in "
                "the reader's browser and are not allowed: use an address that starts with "
                "https://, http:// or mailto:."
            ),
            code="unsafe_link",
            params={"scheme": schemes[0]},
        )


# --- plain text of before the editor ---------------------------------------------------------

_HAS_TAG = re.compile(r"<[a-zA-Z/!]")


def as_html(text):
    """Rich text as HTML. A text without any tag is plain text of before the editor (the home
    page's introduction): an empty line starts a paragraph. Its `&` are left as they are (the
    sanitizer may have written them as `&amp;` already); a `<` or `>` is escaped."""
    if not text or _HAS_TAG.search(text):
        return text or ""
    return linebreaks(text.replace("<", "&lt;").replace(">", "&gt;"))


# --- the field --------------------------------------------------------------------------------


class BodyFormField(ProseEditorFormField):
    def prepare_value(self, value):
        # The editor reads HTML: plain text keeps its paragraphs.
        return as_html(super().prepare_value(value))


class BodyField(ProseEditorField):
    """A rich-text body: the editor with editor_extensions(), cleaned with clean_html (in forms
    and on every save of a language column), links that run code refused. Stored as text
    (migrations see a TextField); with modeltranslation, each language column is one of these."""

    default_validators = [validate_body_links]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs["config"] = {"extensions": editor_extensions()}
        kwargs["sanitize"] = clean_html
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if not value:
            return value
        cleaned = clean_html(value)
        if getattr(self, "language", None):
            # A language column (modeltranslation): store the cleaned text and keep it. The
            # untranslated attribute reads a fallback language and must not be written to.
            setattr(model_instance, self.attname, cleaned)
        return cleaned

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": BodyFormField, **kwargs})


def body_field(verbose_name=None, **options):
    """The one definition of a rich-text body field."""
    return BodyField(verbose_name or _("body"), **options)


class SanitizedBodies:
    """Model mixin: every language's rich-text columns of BODY_FIELDS are cleaned on save,
    however the row arrives (admin, fixtures, shell). Put it before the model base class."""

    BODY_FIELDS = ("body",)

    def save(self, *args, **kwargs):
        from kazportal.i18n import LANGS

        for name in self.BODY_FIELDS:
            for code in LANGS:
                # The per-language columns: reading `body` itself would give a fallback language.
                column = f"{name}_{code}"
                value = getattr(self, column, None)
                if value:
                    setattr(self, column, clean_html(value))
        super().save(*args, **kwargs)
