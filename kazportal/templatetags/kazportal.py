import dataclasses
import datetime
import hashlib
import threading
from collections import OrderedDict
from decimal import Decimal
from uuid import UUID

from django import template
from django.conf import settings
from django.db import connection
from django.db.models import Model, QuerySet
from django.db.models.fields.files import FieldFile
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import conditional_escape, format_html, json_script
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from kazportal import cache as page_cache
from kazportal import structured_data
from kazportal.bodies import render_body
from kazportal.i18n import NOT_YET_TRANSLATED, field_in_language
from kazportal.renditions import picture_markup, storage_key

register = template.Library()


@register.simple_tag
def translated(obj, field, tag="", html=False, notice=False):
    """Write a translated field. Where it is shown in another language, wrap it with the right
    `lang` attribute and, with notice=True, a short notice saying it is not yet translated.

    {% translated item "title" %}  {% translated item "body" tag="div" html=True notice=True %}
    """
    text, lang = field_in_language(obj, field)
    # A rich-text body (html=True) is stored sanitized; its library photos are expanded here.
    content = mark_safe(render_body(text)) if html else conditional_escape(text)
    current = get_language()
    if lang == current:
        if tag:
            return format_html("<{0}>{1}</{0}>", mark_safe(tag), content)
        return content
    wrapper = tag or "span"
    note = ""
    if notice:
        note = format_html(
            '<p class="fallback-notice" role="note">{}</p>', NOT_YET_TRANSLATED[current]()
        )
    return format_html(
        '{}<{} lang="{}" class="fallback">{}</{}>',
        note,
        mark_safe(wrapper),
        lang,
        content,
        mark_safe(wrapper),
    )


@register.simple_tag
def picture(photo, sizes="100vw", loading="lazy", css_class="", alt=None, fetchpriority=""):
    """<picture> with WebP and a JPEG/PNG fallback in several widths, width/height and alt;
    the <img> carries the photo's focal point as classes (Photo.focal_classes), so that a crop
    by `object-fit: cover` keeps it in view."""
    if not photo or not photo.image:
        return ""
    alt_text = alt if alt is not None else field_in_language(photo, "alt")[0]
    return picture_markup(
        str(settings.MEDIA_ROOT),
        photo.image.name,
        photo.width,
        photo.height,
        photo.focal_classes,
        # escaped first, so that the remembered markup depends on the text alone
        str(conditional_escape(sizes)),
        str(conditional_escape(loading)),
        str(conditional_escape(css_class)),
        str(conditional_escape(alt_text)),
        str(conditional_escape(fetchpriority)),
    )


@register.simple_tag
def og_image_url(request, photo, width=1200):
    """Absolute URL of a JPEG rendition for Open Graph / JSON-LD."""
    return structured_data.image(request, photo, width)


@register.simple_tag
def jsonld(data):
    """A JSON-LD block; json_script escapes <, > and & so content cannot close the tag."""
    html = json_script(data).replace('type="application/json"', 'type="application/ld+json"', 1)
    return mark_safe(html)  # json_script escaped the data


# --- fragments: parts of a page rendered once per version of what they show ---------------
# {% fragment "name" obj other ... %}...{% endfragment %} keeps the output of its body in this
# process's memory (a bounded LRU), keyed by the name, the active language, timezone and URL
# prefix, and a fingerprint of each value named in the tag: for a model instance, every value
# loaded on it (fields, annotations) and, recursively, the instances loaded with it
# (select_related, prefetches, assigned relations). Any change of what the fragment may show
# gives a new key, so an entry never needs invalidation; a value that cannot be fingerprinted
# (a queryset, an unknown object) renders the body without the cache. The body must read
# nothing from the context but the named values (and the language).
FRAGMENT_ENTRIES = 4000
_fragments = OrderedDict()
_fragments_lock = threading.Lock()
_PLAIN = (str, int, float, bool, type(None), Decimal, datetime.date, datetime.time, UUID)


class Unfingerprintable(Exception):
    pass


def fingerprint(value, seen=None):
    """A tuple of plain values standing for `value` and everything reachable from it that a
    template may show."""
    if isinstance(value, _PLAIN):
        return value
    if seen is None:
        seen = set()
    if isinstance(value, Model):
        ident = (value._meta.label, value.pk)
        if id(value) in seen:
            return ("seen", ident)
        seen.add(id(value))
        parts = []
        for name, item in value.__dict__.items():
            if name == "_state":
                parts.append(("related", fingerprint(item.fields_cache, seen)))
            elif name == "_prefetched_objects_cache":
                parts.append(("prefetched", fingerprint(item, seen)))
            elif not name.startswith("_"):
                parts.append((name, fingerprint(item, seen)))
            elif name.startswith("_") and name.endswith("_cache"):
                # cached_property-like memos (e.g. "_kind_cache"): what the template may read
                parts.append((name, fingerprint(item, seen)))
        parts.sort(key=lambda part: part[0])
        return (ident, tuple(parts))
    if isinstance(value, FieldFile):
        return ("file", value.name)
    if isinstance(value, (list, tuple)):
        return tuple(fingerprint(item, seen) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), fingerprint(v, seen)) for k, v in value.items()))
    if isinstance(value, QuerySet):
        if value._result_cache is None:
            raise Unfingerprintable(value)
        return ("qs", fingerprint(value._result_cache, seen))
    if isinstance(value, Promise):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__qualname__,
            tuple(fingerprint(getattr(value, f.name), seen) for f in dataclasses.fields(value)),
        )
    raise Unfingerprintable(type(value))


def fragment_key(name, values):
    parts = (
        name,
        get_language(),
        timezone.get_current_timezone_name(),
        get_script_prefix(),
        storage_key(),  # where the media live: the pictures' URLs depend on it
        tuple(fingerprint(value) for value in values),
    )
    return hashlib.blake2b(repr(parts).encode(), digest_size=20).digest()


def remembered_fragment(key, render):
    """The remembered output under `key`, or render() (remembered when it returns a key too:
    None says the output must not be kept)."""
    html = _fragments.get(key)
    if html is not None:
        with _fragments_lock:
            if key in _fragments:
                _fragments.move_to_end(key)
        return html
    html, keep = render()
    if keep:
        with _fragments_lock:
            _fragments[key] = html
            while len(_fragments) > FRAGMENT_ENTRIES:
                _fragments.popitem(last=False)
    return html


def forget_fragments():
    with _fragments_lock:
        _fragments.clear()


class FragmentNode(template.Node):
    def __init__(self, name, values, nodelist):
        self.name, self.values, self.nodelist = name, values, nodelist

    def render(self, context):
        values = [value.resolve(context) for value in self.values]
        try:
            key = fragment_key(self.name, values)
        except Unfingerprintable:
            return self.nodelist.render(context)

        def render():
            queries = []

            def count(execute, sql, params, many, context):
                queries.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                html = self.nodelist.render(context)
            # Kept only when the render read nothing from the database and loaded nothing
            # more on these objects (a relation not selected with them): the key then stands
            # for everything the output shows.
            if queries:
                return html, False
            try:
                return html, fragment_key(self.name, values) == key
            except Unfingerprintable:
                return html, False

        return remembered_fragment(key, render)


class KeptNode(template.Node):
    def __init__(self, name, values, nodelist):
        self.name, self.values, self.nodelist = name, values, nodelist

    def render(self, context):
        instances, named = [], []
        for value in (value.resolve(context) for value in self.values):
            rows = value if isinstance(value, list | tuple) else [value]
            if rows and all(isinstance(row, Model) for row in rows):
                instances.extend(rows)
                value = tuple((row._meta.label, row.pk) for row in rows)
            named.append(value)
        try:
            key = fragment_key(self.name, named)
        except Unfingerprintable:
            return self.nodelist.render(context)
        return page_cache.kept(
            key, lambda: self.nodelist.render(context), context.get("request"), instances
        )


def named_block(parser, token):
    """(the template's name and the block's, its values, its body) of {% tag "name" value
    ... %}...{% endtag %}."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{{% {bits[0]} %}} needs a name")
    values = [parser.compile_filter(bit) for bit in bits[2:]]
    nodelist = parser.parse((f"end{bits[0]}",))
    parser.delete_first_token()
    name = bits[1].strip("\"'")
    return f"{parser.origin.template_name}:{name}", values, nodelist


@register.tag("kept")
def do_kept(parser, token):
    """{% kept "name" value ... %}...{% endkept %}: a block kept across renders and pages while
    the content it shows is unchanged (kazportal/cache.py, kept blocks). Its body must read
    nothing from the context but the named values and what it loads itself (lazy context
    values that no other block or part of the page reads, template tags): on a hit it is not
    rendered, so its queries are not run. A named model instance (or list of them) counts as
    shown by the block, with the rows loaded with it (select_related, prefetch_related without
    to_attr); other values must be plain (a pk, a slug, a date)."""
    name, values, nodelist = named_block(parser, token)
    return KeptNode(f"kept:{name}", values, nodelist)


@register.tag("fragment")
def do_fragment(parser, token):
    """{% fragment "name" value ... %}...{% endfragment %}: see FragmentNode above."""
    return FragmentNode(*named_block(parser, token))
