"""A faster way to the same rendition file names.

imagekit names a rendition after an md5 of its pickled spec (source name, processors, format,
options), made with a pure-Python pickler: about half a millisecond per rendition, and a page
lists up to a hundred renditions in its `srcset`s. The name only depends on those values, so it
is computed once per process and remembered.
"""

from django.conf import settings
from imagekit.cachefiles.namers import source_name_as_path

MAX_NAMES = 50_000
_names = {}


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


def remembered_source_name_as_path(generator):
    """imagekit's `source_name_as_path` namer (IMAGEKIT_SPEC_CACHEFILE_NAMER), remembered."""
    key = spec_key(generator)
    name = _names.get(key)
    if name is None:
        if len(_names) >= MAX_NAMES:
            _names.clear()
        name = _names[key] = source_name_as_path(generator)
    return name


# The <picture> of a photo: its URLs never change for a given image file (a new upload gets a
# new name), so they are worked out once per process: imagekit builds a spec, names it and
# checks that the file exists for each of the eight renditions of each picture on a page.
_pictures = {}


def picture_urls(photo):
    """(WebP srcset, fallback src, fallback srcset, fallback width) of a Photo."""
    key = (str(settings.MEDIA_ROOT), photo.image.name, photo.width, photo.height)
    urls = _pictures.get(key)
    if urls is None:
        widths = photo.widths()
        fallback = photo.fallback_format
        default_width = min(widths, key=lambda w: abs(w - 800))
        urls = (
            photo.srcset("WEBP"),
            photo.rendition(default_width, fallback).url,
            photo.srcset(fallback),
            default_width,
        )
        if len(_pictures) >= MAX_NAMES:
            _pictures.clear()
        _pictures[key] = urls
    return urls
