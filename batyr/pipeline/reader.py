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
_RESIZABLE = {"RGB", "RGBA", "L", "LA", "CMYK"}


@dataclass(frozen=True)
class Limits:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_pixels: int = DEFAULT_MAX_PIXELS
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
        try:
            im.seek(0)  # the first frame of an animated GIF, PNG or WebP
            orientation = im.getexif().get(0x0112, 1)
            im.load()
        except Exception as exc:
            raise errors.PipelineError(errors.DAMAGED, f"cannot decode: {exc}") from exc

    if im.mode in _RESIZABLE:
        im = _shrink(im, limits.work_max_side)  # before any conversion, while it is cheap
    if orientation != 1:
        im = ImageOps.exif_transpose(im)
    im = _to_rgb(im, icc)
    im = _shrink(im, limits.work_max_side)
    im.info = {}
    return im


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
