"""A faster way to the same rendition file names and <picture> URLs.

imagekit names a rendition after an md5 of its pickled spec (source name, processors, format,
options), made with a pure-Python pickler: about half a millisecond per rendition, and a page
lists up to a hundred renditions in its `srcset`s. The name only depends on those values, so it
is computed once per process and remembered (a bounded `functools.lru_cache`).
"""

from functools import lru_cache

from django.conf import settings
from imagekit.cachefiles.namers import source_name_as_path

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


# The <picture> of a photo: its URLs never change for a given image file (a new upload gets a
# new name), so they are worked out once per process: imagekit builds a spec, names it and
# checks that the file exists for each of the eight renditions of each picture on a page.
@lru_cache(maxsize=MAX_NAMES)
def _picture_urls(media_root, name, width, height):
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


def picture_urls(photo):
    """(WebP srcset, fallback src, fallback srcset, fallback width) of a Photo."""
    return _picture_urls(str(settings.MEDIA_ROOT), photo.image.name, photo.width, photo.height)


def forget():
    """Forget the remembered names and URLs (tests that switch imagekit's strategy)."""
    _name.cache_clear()
    _picture_urls.cache_clear()
