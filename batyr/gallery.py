"""Contact sheets of every look in both finishes: ``python -m batyr.gallery DIR``.

Renders every look in ``LOOKS`` (new looks appear by themselves) in the ``"photo"`` and
``"painted"`` finishes for a set of test photos, and writes one contact sheet per photo,
``DIR/<photo>.jpg`` (the photo on the left, a row per finish). The photos are composed here
from NASA's public-domain portrait of Eileen Collins that scikit-image ships (a dev
dependency), so no picture of anyone else is needed:

* ``single``: the portrait as it is;
* ``pair``: two copies side by side, the nearer (bigger) one overlapping the other;
* ``group``: three people and a small fourth face far behind them (a passer-by);
* ``green``: the person cut out onto a pure green background, the body reaching the bottom;
* ``arm``: a raised forearm with a white shirt cuff in front of the body.

Look at the sheets after any change to the costumes or the painting: remnants of the photo
(rectangles at the bottom corners, hair under the headgear, a cuff over the costume), a face
that does not match the scene's light, costumes drawn in the wrong order in a group.
``--only single,green`` renders some of the photos; ``--looks dulyga,borik`` some looks.
"""

import argparse
import functools
import io
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

GREEN = (0, 255, 0)
MAGENTA = (255, 0, 255)
THUMB_HEIGHT = 400
LABEL = 26


@functools.cache
def astronaut_array():
    try:
        from skimage import data
    except ImportError:  # pragma: no cover - scikit-image is a dev dependency
        sys.exit("The gallery needs scikit-image: pip install -e '.[dev]'")
    return data.astronaut()


def astronaut(scale=1.0):
    im = Image.fromarray(astronaut_array())
    if scale != 1.0:
        side = round(512 * scale)
        im = im.resize((side, side), Image.Resampling.LANCZOS)
    return im


@functools.cache
def _cutout_alpha(scale):
    """The person's soft alpha in ``astronaut(scale)`` (selfie segmentation), 0..1."""
    from .pipeline import vision

    mask = vision.segment(np.ascontiguousarray(np.asarray(astronaut(scale))))
    return np.clip((mask - 0.3) / 0.4, 0, 1).astype(np.float32)


def cutout(scale=1.0):
    """The person alone: an RGBA image (the background transparent)."""
    rgba = np.dstack([np.asarray(astronaut(scale)), (_cutout_alpha(scale) * 255).astype(np.uint8)])
    return Image.fromarray(rgba, "RGBA")


def single():
    return astronaut(2.0)


def on_colour(color=GREEN, scale=2.0):
    """The person on a flat, saturated colour; the body reaches the photo's bottom edge."""
    person = cutout(scale)
    canvas = Image.new("RGBA", person.size, (*color, 255))
    canvas.alpha_composite(person)
    return canvas.convert("RGB")


def pair():
    """Two people, the right one a little farther back and partly behind the left one."""
    canvas = Image.new("RGBA", (1500, 1000), (206, 200, 190, 255))
    back = cutout(1.7)  # 870 px
    front = cutout(1.95)  # 998 px
    canvas.alpha_composite(back, (1500 - back.width - 20, 1000 - back.height))
    canvas.alpha_composite(front, (60, 1000 - front.height))
    return canvas.convert("RGB")


def group():
    """Three people in a row and a fourth, much smaller face far behind them."""
    canvas = Image.new("RGBA", (1600, 1000), (196, 204, 210, 255))
    far = cutout(0.55)  # its face about a third of the others' wide, between two heads
    canvas.alpha_composite(far, (420, 170))
    for scale, x in ((1.4, 0), (1.25, 1600 - 640), (1.55, 430)):
        person = cutout(scale)
        canvas.alpha_composite(person, (x, 1000 - person.height))
    return canvas.convert("RGB")


def raised_arm():
    """The portrait with a forearm raised in front of the body: a sleeve, a white shirt cuff
    and a hand beside the face."""
    im = astronaut(2.0).convert("RGBA")
    layer = Image.new("RGBA", im.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    skin = (222, 172, 140, 255)
    sleeve = (226, 110, 40, 255)
    # the forearm rises from the bottom right towards the face's right side
    d.polygon([(700, 1024), (860, 1024), (820, 640), (700, 660)], fill=sleeve)
    d.polygon([(700, 660), (820, 640), (815, 600), (705, 615)], fill=(250, 250, 248, 255))
    d.polygon([(712, 615), (812, 600), (800, 470), (730, 480)], fill=skin)
    d.ellipse([(715, 420), (810, 520)], fill=skin)
    for k in range(4):
        d.rounded_rectangle(
            [(716 + 24 * k, 360 + 6 * abs(k - 1.5)), (736 + 24 * k, 460)], 10, fill=skin
        )
    im.alpha_composite(layer)
    return im.convert("RGB")


PHOTOS = {
    "single": single,
    "pair": pair,
    "group": group,
    "green": on_colour,
    "arm": raised_arm,
}


def jpeg(im, quality=92):
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def _font(size):
    from .pipeline.compose import FONT_PATH

    return ImageFont.truetype(str(FONT_PATH), size)


def _thumb(im, label):
    scale = THUMB_HEIGHT / im.height
    thumb = im.resize((round(im.width * scale), THUMB_HEIGHT), Image.Resampling.LANCZOS)
    tile = Image.new("RGB", (thumb.width, THUMB_HEIGHT + LABEL), (24, 24, 28))
    tile.paste(thumb, (0, LABEL))
    ImageDraw.Draw(tile).text((6, 3), label, font=_font(17), fill=(236, 230, 210))
    return tile


def sheet(name, data, looks, finishes=("photo", "painted")):
    """One contact sheet: the photo, then a row of looks per finish."""
    from . import pipeline

    rows = []
    for finish in finishes:
        tiles = []
        for key in looks:
            try:
                painting = pipeline.make_portrait(data, key, key, finish=finish)
            except pipeline.PipelineError as error:
                blank = Image.new("RGB", (300, THUMB_HEIGHT), (60, 20, 20))
                tiles.append(_thumb(blank, f"{key}: {error.code}"))
                continue
            im = Image.open(io.BytesIO(painting.jpeg))
            note = f"{key} · {finish} · {painting.faces_dressed}/{painting.faces_found} faces"
            tiles.append(_thumb(im, note))
        rows.append(tiles)
    source = _thumb(Image.open(io.BytesIO(data)).convert("RGB"), name)
    width = source.width + max(sum(t.width for t in row) for row in rows) + 8 * (len(looks) + 1)
    height = len(rows) * (THUMB_HEIGHT + LABEL + 8) + 8
    out = Image.new("RGB", (width, height), (12, 12, 14))
    out.paste(source, (8, 8))
    for r, row in enumerate(rows):
        x = source.width + 16
        for tile in row:
            out.paste(tile, (x, 8 + r * (THUMB_HEIGHT + LABEL + 8)))
            x += tile.width + 8
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="where to write the contact sheets")
    parser.add_argument("--only", help="comma-separated photos: " + ", ".join(PHOTOS))
    parser.add_argument("--looks", help="comma-separated look keys (default: every look)")
    args = parser.parse_args(argv)
    from . import pipeline

    names = args.only.split(",") if args.only else list(PHOTOS)
    looks = args.looks.split(",") if args.looks else list(pipeline.LOOKS)
    args.dir.mkdir(parents=True, exist_ok=True)
    for name in names:
        data = jpeg(PHOTOS[name]())
        path = args.dir / f"{name}.jpg"
        sheet(name, data, looks).save(path, "JPEG", quality=86)
        print(path)


if __name__ == "__main__":
    main()
