"""Inputs for the batyr tests, all generated here: a public-domain portrait and crafted files."""

import functools
import io
import struct
import zlib

import numpy as np
from PIL import Image, ImageDraw


@functools.cache
def astronaut_array():
    """NASA's portrait of Eileen Collins (public domain), shipped by scikit-image."""
    from skimage import data

    return data.astronaut()


def astronaut(scale=1.0):
    im = Image.fromarray(astronaut_array())
    if scale != 1.0:
        im = im.resize((round(512 * scale), round(512 * scale)), Image.Resampling.LANCZOS)
    return im


def encode(im, fmt="JPEG", **params):
    buf = io.BytesIO()
    im.save(buf, fmt, **params)
    return buf.getvalue()


def astronaut_jpeg(scale=1.0, **params):
    return encode(astronaut(scale), "JPEG", quality=92, **params)


def big_astronaut_jpeg(size=(4000, 3000)):
    """A 12-megapixel photo: the portrait upscaled onto a wide canvas, like a phone picture."""
    w, h = size
    portrait = astronaut().resize((h, h), Image.Resampling.BICUBIC)
    canvas = Image.new("RGB", size, (40, 44, 60))
    canvas.paste(portrait, ((w - h) // 2, 0))
    return encode(canvas, "JPEG", quality=90)


def landscape_png(size=(800, 600)):
    """A drawn steppe with a lake and mountains: no face anywhere."""
    w, h = size
    im = Image.new("RGB", size)
    px = np.zeros((h, w, 3), np.uint8)
    t = np.linspace(0, 1, h)[:, None]
    px[..., 0] = (90 + 120 * t).astype(np.uint8)
    px[..., 1] = (150 + 60 * t).astype(np.uint8)
    px[..., 2] = (230 - 80 * t).astype(np.uint8)
    im = Image.fromarray(px)
    draw = ImageDraw.Draw(im)
    draw.polygon([(0, h * 0.6), (w * 0.3, h * 0.25), (w * 0.55, h * 0.6)], fill=(110, 110, 130))
    draw.polygon([(w * 0.4, h * 0.6), (w * 0.7, h * 0.3), (w, h * 0.6)], fill=(95, 100, 120))
    draw.rectangle([0, h * 0.6, w, h], fill=(170, 160, 80))
    draw.ellipse([w * 0.2, h * 0.7, w * 0.6, h * 0.85], fill=(70, 120, 170))
    return encode(im, "PNG")


def tiny_face_jpeg():
    """The portrait shrunk to a thumbnail on a large empty wall: a face far too small."""
    canvas = Image.new("RGB", (1600, 1200), (200, 196, 188))
    canvas.paste(astronaut(0.4), (700, 500))
    return encode(canvas, "JPEG", quality=92)


def cmyk_jpeg():
    return encode(astronaut().convert("CMYK"), "JPEG", quality=92)


def png16():
    grey = np.asarray(astronaut().convert("L"), dtype=np.uint16) * 257
    return encode(Image.fromarray(grey), "PNG")


def grey_jpeg():
    return encode(astronaut().convert("L"), "JPEG", quality=92)


def rgba_png():
    im = astronaut().convert("RGBA")
    im.putalpha(230)
    return encode(im, "PNG")


def animated_gif():
    first = astronaut().convert("P", palette=Image.Palette.ADAPTIVE)
    second = Image.new("P", first.size, 0)
    buf = io.BytesIO()
    first.save(buf, "GIF", save_all=True, append_images=[second], duration=200, loop=0)
    return buf.getvalue()


def heic():
    import pillow_heif

    heif = pillow_heif.from_pillow(astronaut())
    buf = io.BytesIO()
    heif.save(buf, quality=90)
    return buf.getvalue()


def webp():
    return encode(astronaut(), "WEBP", quality=90)


def rotated_jpeg():
    """A phone photo stored sideways with EXIF orientation 6 (display rotated 90° clockwise)."""
    stored = astronaut().transpose(Image.Transpose.ROTATE_90)  # what the sensor wrote
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "Phone maker"
    return encode(stored, "JPEG", quality=92, exif=exif.tobytes())


def truncated_jpeg():
    data = astronaut_jpeg()
    return data[: len(data) // 2]


def png_bomb(width=30000, height=30000):
    """A valid PNG header declaring 30000x30000 pixels, with a tiny IDAT: never decode this."""

    def chunk(kind, payload):
        body = kind + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512">'
    b'<script>alert(document.cookie)</script><circle cx="256" cy="256" r="200"/></svg>'
)
TEXT_AS_JPG = b"This is not a photo, only text with a .jpg name.\n" * 20


def one_by_one_png():
    return encode(Image.new("RGB", (1, 1), (255, 0, 0)), "PNG")


def huge_file(size=25 * 1024 * 1024):
    """25 MB that starts like a JPEG: refused by its size before anything is decoded."""
    head = astronaut_jpeg()
    return head + b"\0" * (size - len(head))


def group_jpeg(count=2, gap=24):
    """The portrait ``count`` times in rows of three, at slightly different sizes and tilts."""
    tiles = []
    for i in range(count):
        tile = astronaut(1.0 - 0.08 * (i % 3)).rotate(
            (-8, 0, 10, 4, -4, 6)[i % 6], fillcolor=(40, 44, 60)
        )
        tiles.append(tile)
    columns = min(count, 3)
    rows = (count + columns - 1) // columns
    width = columns * (512 + gap) + gap
    height = rows * (512 + gap) + gap
    canvas = Image.new("RGB", (width, height), (40, 44, 60))
    for i, tile in enumerate(tiles):
        row, column = divmod(i, columns)
        x = gap + column * (512 + gap) + (512 - tile.width) // 2
        y = gap + row * (512 + gap) + 512 - tile.height
        canvas.paste(tile, (x, y))
    return encode(canvas, "JPEG", quality=92)


def cut_off_face_jpeg():
    """The portrait cropped through the middle of the face at the left edge."""
    return encode(astronaut().crop((205, 0, 512, 512)), "JPEG", quality=92)


# --- photos for the painting's checks (composed in batyr.gallery, also its contact sheets) ---

KEY_GREEN = (0, 255, 0)


def green_screen_jpeg():
    """The person cut out onto pure green, the body reaching the photo's bottom edge."""
    from batyr import gallery

    return encode(gallery.on_colour(KEY_GREEN), "JPEG", quality=92)


def tight_green_screen_jpeg():
    """The green-screen photo cropped tight: the shoulders run off both sides of the photo
    and the body fills its bottom edge (the costume must carry on past the photo's edges)."""
    from batyr import gallery

    return encode(gallery.on_colour(KEY_GREEN).crop((230, 40, 700, 900)), "JPEG", quality=92)


def close_pair_jpeg():
    """Two people, the right one farther back and partly behind the left one's shoulder."""
    from batyr import gallery

    return encode(gallery.pair(), "JPEG", quality=92)


def crowd_jpeg():
    """Three people and a much smaller fourth face far behind them (a passer-by)."""
    from batyr import gallery

    return encode(gallery.group(), "JPEG", quality=92)
