"""A faster way to the same rendition file names and <picture> URLs.

imagekit names a rendition after an md5 of its pickled spec (source name, processors, format,
options), made with a pure-Python pickler: about half a millisecond per rendition, and a page
lists up to a hundred renditions in its `srcset`s. The name only depends on those values, so it
is computed once per process and remembered (a bounded `functools.lru_cache`).
"""

from functools import lru_cache

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from imagekit.cachefiles.namers import source_name_as_path
from imagekit.utils import get_storage

MAX_NAMES = 50_000


def spec_key(generator):
    processors = tuple(
        (type(p).__module__, type(p).__qualname__, repr(sorted(vars(p).items())))
        for p in generator.processors
    )
    return (
        type(generator).__qualname__,
        getattr(generator.source, "name", None),
        generator.format,
        repr(sorted((generator.options or {}).items())),
        generator.autoconvert,
        processors,
    )


class _Spec:
    """A generator compared by the values its file name depends on (spec_key)."""

    def __init__(self, generator):
        self.generator = generator
        self.key = spec_key(generator)

    def __hash__(self):
        return hash(self.key)

    def __eq__(self, other):
        return self.key == other.key


@lru_cache(maxsize=MAX_NAMES)
def _name(spec):
    return source_name_as_path(spec.generator)


def remembered_source_name_as_path(generator):
    """imagekit's `source_name_as_path` namer (IMAGEKIT_SPEC_CACHEFILE_NAMER), remembered."""
    return _name(_Spec(generator))


# What a rendition's URL depends on besides its name: the storage the renditions are kept in
# (imagekit's, the "default" of STORAGES: local disk or an S3-compatible bucket), which makes
# the URL (`storage.url(name)`).
_STORAGE_PARTS = (
    "location",
    "base_url",
    "bucket_name",
    "endpoint_url",
    "custom_domain",
    "url_protocol",
    "addressing_style",
)


def storage_key():
    """The rendition storage's class and every value its URLs depend on, or None when its URLs
    must not be remembered (signed, expiring URLs: querystring_auth)."""
    storage = get_storage()
    if getattr(storage, "querystring_auth", False):
        return None
    cls = type(storage)
    return (
        cls.__module__,
        cls.__qualname__,
        *(str(getattr(storage, part, None)) for part in _STORAGE_PARTS),
    )


# The <picture> of a photo: its URLs never change for a given image file and storage (a new
# upload gets a new name), so they are worked out once per process: imagekit builds a spec,
# names it and checks that the file exists for each of the eight renditions of each picture on
# a page.
def _make_picture_urls(name, width, height):
    from .models import Photo

    photo = Photo(image=name, width=width, height=height)
    widths = photo.widths()
    fallback = photo.fallback_format
    default_width = min(widths, key=lambda w: abs(w - 800))
    return (
        photo.srcset("WEBP"),
        photo.rendition(default_width, fallback).url,
        photo.srcset(fallback),
        default_width,
    )


@lru_cache(maxsize=MAX_NAMES)
def _picture_urls(storage, name, width, height):
    return _make_picture_urls(name, width, height)


def _urls(storage, name, width, height):
    if storage is None:
        return _make_picture_urls(name, width, height)
    return _picture_urls(storage, name, width, height)


def picture_urls(photo):
    """(WebP srcset, fallback src, fallback srcset, fallback width) of a Photo."""
    return _urls(storage_key(), photo.image.name, photo.width, photo.height)


def _make_picture_markup(
    storage,
    name,
    width,
    height,
    focal_classes,
    sizes,
    loading,
    css_class,
    alt_text,
    fetchpriority,
):
    css_class = " ".join(filter(None, (css_class, str(conditional_escape(focal_classes)))))
    webp_srcset, fallback_src, fallback_srcset, default_width = _urls(storage, name, width, height)
    ratio = height / width if width else 0.75
    # The texts come escaped (the tag escapes them): mark_safe keeps them as they are.
    sizes, loading, css_class, alt_text, fetchpriority = map(
        mark_safe, (sizes, loading, css_class, alt_text, fetchpriority)
    )
    return format_html(
        '<picture><source type="image/webp" srcset="{}" sizes="{}">'
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" loading="{}" '
        'decoding="async"{}{}></picture>',
        webp_srcset,
        sizes,
        fallback_src,
        fallback_srcset,
        sizes,
        default_width,
        round(default_width * ratio),
        alt_text,
        loading,
        format_html(' class="{}"', css_class) if css_class else "",
        format_html(' fetchpriority="{}"', fetchpriority) if fetchpriority else "",
    )


_picture_markup = lru_cache(maxsize=10_000)(_make_picture_markup)


def picture_markup(media_root, *values):
    """The whole <picture> of a photo (the `picture` template tag), from the photo's file name,
    width, height, focal classes and the tag's escaped texts: it depends only on these values
    and the storage (a new upload gets a new file name). `media_root` (the tag's first
    argument) is not used: the storage's key (storage_key()) stands for where the files are."""
    storage = storage_key()
    if storage is None:
        return _make_picture_markup(storage, *values)
    return _picture_markup(storage, *values)


def forget():
    """Forget the remembered names and URLs (tests that switch imagekit's strategy)."""
    _name.cache_clear()
    _picture_urls.cache_clear()
    _picture_markup.cache_clear()
    # Fragments hold pictures too: rendered again, they make (or name) their renditions again.
    from .templatetags.kazportal import forget_fragments

    forget_fragments()
