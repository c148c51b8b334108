"""Read a visitor's photo safely: sniff, bound, decode small, orient, strip, normalise to RGB."""

import io
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageCms, ImageOps

from . import errors

try:  # HEIC/HEIF from phones; registers the "HEIF" format with Pillow.
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIF_AVAILABLE = True
except ImportError:  # pragma: no cover - pillow-heif is a declared dependency
    HEIF_AVAILABLE = False

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000
# What a web process may hold to decode one photo at full size (see decoded_bytes). A JPEG is
# decoded at a reduced scale, so it never comes near it; a PNG, WebP, GIF or HEIC is decoded
# whole. 96 MiB lets a 25-megapixel colour PNG, a 40-megapixel GIF or 16-bit grey PNG and a
# 14-megapixel HEIC through, and keeps a whole upload (decoding, shrinking, finding the
# faces) under about 150 MiB: `make bench-upload-memory` measures it.
DEFAULT_MAX_DECODED_BYTES = 96 * 1024 * 1024
MIN_SIDE = 128
# The working copy: large enough for a 1024-px-high portrait cropped around the face,
# small enough that every later step is cheap.
WORK_MAX_SIDE = 2048
# JPEGs are decoded at the smallest 1/2, 1/4 or 1/8 scale that keeps this many pixels on the
# long side (a 4000x3000 photo decodes straight to 2000x1500).
DRAFT_SIDE = 1600

# ISO BMFF brands of HEIF still images (HEVC-coded or the generic image brands).
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1"}
_SRGB = None
# Bytes per pixel of Pillow's own buffer (it keeps RGB as RGBX); 4 for every other mode.
_PILLOW_BYTES = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2, "I;16N": 2}
# What a band of rows is turned into before it is reduced (modes Image.reduce cannot take).
_BAND_MODE = {"1": "L", "P": "RGB", "PA": "RGBA", "I;16": "I", "I;16B": "I", "I;16L": "I"}
_BAND_MODE["I;16N"] = "I"
BAND_ROWS = 256
# Modes Image.reduce premultiplies as a whole (a full-size copy): reduced from a cropped band.
_PREMULTIPLIED = {"RGBA", "LA"}


@dataclass(frozen=True)
class Limits:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_pixels: int = DEFAULT_MAX_PIXELS
    max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES
    min_side: int = MIN_SIDE
    work_max_side: int = WORK_MAX_SIDE
    draft_side: int = DRAFT_SIDE


def sniff(head):
    """Name the container from its first bytes, or ``None``. Never trusts a file name."""
    if head[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if head[4:8] == b"ftyp" and HEIF_AVAILABLE:
        size = int.from_bytes(head[:4], "big")
        box = head[8 : min(max(size, 16), 64)]
        major = box[0:4]
        brands = {major} | {box[i : i + 4] for i in range(8, len(box) - 3, 4)}
        if brands & _HEIF_BRANDS and major not in (b"avif", b"avis"):
            return "HEIF"
    return None


def _read_bytes(source, max_bytes):
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    else:
        data = source.read(max_bytes + 1)
    if not data:
        raise errors.PipelineError(errors.EMPTY, "no bytes")
    if len(data) > max_bytes:
        raise errors.PipelineError(errors.TOO_LARGE, f"more than {max_bytes} bytes")
    return data


def _srgb():
    global _SRGB
    if _SRGB is None:
        _SRGB = ImageCms.createProfile("sRGB")
    return _SRGB


def _to_rgb(im, icc):
    """Any Pillow mode to 8-bit RGB, honouring an embedded colour profile when there is one."""
    mode = im.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        arr = np.asarray(im, dtype=np.float32)
        top = 65535.0 if mode.startswith("I;16") or arr.max() > 255 else 255.0
        arr = np.clip(arr * (255.0 / top) + 0.5, 0, 255).astype(np.uint8)
        return Image.fromarray(arr, "L").convert("RGB")
    if mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
        mode = im.mode
    if mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        im = im.convert("RGBA")
        background = Image.new("RGBA", im.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, im).convert("RGB")
    if icc and mode in ("RGB", "CMYK"):
        try:
            src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(im, src, _srgb(), outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass
    return im.convert("RGB")


def decoded_bytes(im, kind):
    """The memory reading ``im`` (opened, not loaded; a JPEG after ``draft``) takes at its
    largest: Pillow's full-size buffer, plus the RGB(A) copy pillow-heif holds while it hands
    libheif's pixels to Pillow. (Nothing else is ever made at full size: see ``_shrink``.)"""
    width, height = im.size
    per_pixel = _PILLOW_BYTES.get(im.mode, 4)
    if kind == "HEIF":
        per_pixel += len(im.getbands())
    return width * height * per_pixel


def read_image(source, limits=None):
    """Return a metadata-free RGB ``PIL.Image`` no larger than ``limits.work_max_side``.

    ``source`` is ``bytes`` or a binary file object. Raises ``PipelineError`` for anything
    that is not a readable JPEG, PNG, WebP, GIF or HEIC/HEIF photo within the limits.
    """
    limits = limits or Limits()
    data = _read_bytes(source, limits.max_bytes)
    kind = sniff(data[:64])
    if kind is None:
        raise errors.PipelineError(errors.NOT_AN_IMAGE, "unrecognised content")

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            im = Image.open(io.BytesIO(data), formats=[kind])
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise errors.PipelineError(errors.TOO_MANY_PIXELS, str(exc)) from exc
        except Exception as exc:  # Pillow raises many types for garbage headers
            raise errors.PipelineError(errors.DAMAGED, f"cannot open: {exc}") from exc

        # Everything below runs on the header only: nothing has been decoded yet.
        width, height = im.size
        if width * height > limits.max_pixels:
            raise errors.PipelineError(errors.TOO_MANY_PIXELS, f"{width}x{height}")
        if min(width, height) < limits.min_side:
            raise errors.PipelineError(errors.TOO_SMALL, f"{width}x{height}")

        icc = im.info.get("icc_profile")
        if kind == "JPEG":
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale: the cheapest size still above
            # the working size.
            scale = limits.draft_side / max(width, height)
            if scale < 1:
                im.draft(im.mode, (int(width * scale) + 1, int(height * scale) + 1))
        needed = decoded_bytes(im, kind)
        if needed > limits.max_decoded_bytes:  # refused before a single pixel is decoded
            raise errors.PipelineError(errors.TOO_HEAVY, f"{kind} {im.mode} needs {needed} bytes")
        try:
            im.seek(0)  # the first frame of an animated GIF, PNG or WebP
            orientation = im.getexif().get(0x0112, 1)
            im.load()
        except Exception as exc:
            raise errors.PipelineError(errors.DAMAGED, f"cannot decode: {exc}") from exc

    im = _reduce(im, limits.work_max_side)  # the full-size picture is freed here
    im = _shrink(im, limits.work_max_side)  # before any conversion, while it is cheap
    if orientation != 1:
        im = ImageOps.exif_transpose(im)
    im = _to_rgb(im, icc)
    im = _shrink(im, limits.work_max_side)
    im.info = {}
    return im


def _reduce(im, max_side):
    """``im`` at most twice ``max_side``, by averaging whole blocks of pixels a band of rows
    at a time, so that no second full-size copy is made: a band whose mode cannot be averaged
    (palette, bilevel, 16-bit grey) or that Pillow premultiplies (alpha) is converted on its
    own. Rebind the caller's name to the result, so the full-size picture goes at once."""
    width, height = im.size
    factor = int(max(width, height) / max_side)
    if factor < 2:
        return im
    mode = _BAND_MODE.get(im.mode, im.mode)
    if mode == "RGB" and im.mode == "P" and "transparency" in im.info:
        mode = "RGBA"
    reduced = Image.new(mode, (-(-width // factor), -(-height // factor)))
    rows = factor * max(1, BAND_ROWS // factor)  # whole blocks: no seam between bands
    for top in range(0, height, rows):
        box = (0, top, width, min(height, top + rows))
        if mode == im.mode and mode not in _PREMULTIPLIED:
            band = im.reduce(factor, box)  # straight from the picture: no copy
        else:
            band = im.crop(box).convert(mode).reduce(factor)
        reduced.paste(band, (0, top // factor))
    # 16-bit grey stays 16-bit, so _to_rgb still scales it from 65535
    return reduced.convert("I;16") if im.mode.startswith("I;16") else reduced


def _shrink(im, max_side):
    width, height = im.size
    scale = max_side / max(width, height)
    if scale >= 1:
        return im
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return im.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)


def encode_working_copy(im, quality=90):
    """The normalised photo as a metadata-free JPEG: what the site keeps as "the upload"."""
    buf = io.BytesIO()
    im.convert("RGB").save(buf, "JPEG", quality=quality, optimize=True)
    return buf.getvalue()
