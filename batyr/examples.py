"""Draw the example figures and dress them: the look previews and the home page's cards.

No photo of a real person is used: a simple figure is drawn in code, its face measurements
are known from the drawing, and the pipeline's own dressing and painting are applied to it.
Run ``python -m batyr.examples`` to (re)write ``static/batyr/looks/<look>.webp`` and ``.jpg``
(``--look KEY`` for only some of them).
"""

import argparse
import io
from pathlib import Path

import numpy as np
from PIL import Image

from .pipeline import compose
from .pipeline.draw import Frame, Sketch, arc, bezier, join, mirror
from .pipeline.looks import LOOKS
from .pipeline.vision import CHIN, FACE_OVAL, FOREHEAD, Analysis, Box, Face

OUT_DIR = Path(__file__).resolve().parent.parent / "static" / "batyr" / "looks"
SIZE = (900, 1100)
FACE_WIDTH = 230
PREVIEW_SIZE = (480, 600)  # 4:5, the same for every look (the templates rely on it)

FIGURES = {
    # skin, hair, shirt, beard
    "batyr": ((214, 166, 126), (44, 32, 26), (96, 106, 124), True),
    "amazon": ((228, 186, 152), (38, 26, 22), (120, 84, 96), False),
}


def _figure_frame():
    return Frame((SIZE[0] / 2, SIZE[1] * 0.42), FACE_WIDTH, 0.0)


def draw_figure(kind):
    """A drawn bust (RGB), its alpha (float32 0..1) and its face measurements (Analysis)."""
    skin, hair, shirt, beard = FIGURES[kind]
    frame = _figure_frame()
    s = Sketch(frame, SIZE, (-3.0, -3.5, 3.0, 2.0))
    dark_skin = tuple(int(c * 0.82) for c in skin)
    if kind == "amazon":  # long hair behind the shoulders, two braids
        s.poly(join(arc(0, 0.1, 0.68, 0.95, 10, 170, 20), [(-0.75, -1.3), (0.75, -1.3)]), hair)
        for sign in (-1, 1):
            for k in range(7):
                s.circle(
                    (sign * 0.62, -0.5 - 0.22 * k), 0.1, hair, outline=(20, 14, 12), width=0.01
                )
    # shoulders and neck
    right = bezier((0.26, -0.9), (0.9, -1.15), (1.55, -1.3), (1.8, -2.0), 12)
    s.poly(join(right, [(1.85, -3.5), (-1.85, -3.5)], mirror(right)), shirt)
    s.poly([(-0.22, -0.55), (0.22, -0.55), (0.26, -1.0), (-0.26, -1.0)], dark_skin)
    # ears, head
    for sign in (-1, 1):
        s.poly(arc(sign * 0.52, -0.05, 0.08, 0.15, 0, 360, 16), dark_skin)
    s.poly(arc(0, 0.045, 0.52, 0.835, 0, 360, 64), skin)
    # hair on top
    s.poly(
        join(
            arc(0, 0.06, 0.55, 0.86, 8, 172, 28),
            bezier((-0.5, 0.2), (-0.2, 0.42), (0.2, 0.42), (0.5, 0.2), 12),
        ),
        hair,
    )
    # eyes and brows
    for sign in (-1, 1):
        cx = sign * 0.2
        s.poly(arc(cx, 0.0, 0.09, 0.045, 0, 360, 20), (250, 248, 244))
        s.circle((cx, 0.0), 0.036, (86, 58, 36))
        s.circle((cx, 0.0), 0.016, (20, 14, 10))
        s.circle((cx - 0.012, 0.012), 0.008, (255, 255, 255))
        s.line(arc(cx, -0.005, 0.095, 0.055, 20, 160, 10), (60, 40, 30), 0.014)
        s.line(
            bezier(
                (cx - sign * 0.1, 0.13),
                (cx - sign * 0.03, 0.17),
                (cx + sign * 0.06, 0.17),
                (cx + sign * 0.12, 0.13),
                8,
            ),
            hair,
            0.04,
        )
    # nose, cheeks, mouth
    s.line(bezier((0.02, 0.05), (0.05, -0.12), (0.07, -0.2), (0.0, -0.26), 10), dark_skin, 0.02)
    for sign in (-1, 1):
        s.circle((sign * 0.28, -0.28), 0.09, (230, 120, 110, 50))
    s.poly(
        join(
            bezier((-0.17, -0.44), (-0.08, -0.52), (0.08, -0.52), (0.17, -0.44), 12),
            bezier((0.17, -0.44), (0.06, -0.47), (-0.06, -0.47), (-0.17, -0.44), 12),
        ),
        (176, 70, 66),
    )
    if beard:
        s.poly(
            join(
                bezier((-0.46, -0.3), (-0.42, -0.8), (-0.15, -0.9), (0.0, -0.92), 12),
                bezier((0.0, -0.92), (0.15, -0.9), (0.42, -0.8), (0.46, -0.3), 12),
                bezier((0.3, -0.5), (0.15, -0.6), (-0.15, -0.6), (-0.3, -0.5), 10),
            ),
            hair,
        )
        s.poly(
            join(
                bezier((-0.24, -0.42), (-0.12, -0.34), (0.12, -0.34), (0.24, -0.42), 10),
                bezier((0.2, -0.38), (0.08, -0.4), (-0.08, -0.4), (-0.2, -0.38), 10),
            ),
            hair,
        )

    layer = s.img.reduce(s.ss)
    canvas = Image.new("RGBA", SIZE, (0, 0, 0, 0))
    canvas.alpha_composite(layer, dest=(s.x0, s.y0))
    alpha = np.asarray(canvas.getchannel("A"), np.float32) / 255
    rgb = Image.new("RGB", SIZE, (236, 230, 220))
    rgb.paste(canvas, mask=canvas.getchannel("A"))
    return rgb, alpha, _analysis(frame)


def _analysis(frame):
    """The face measurements a face mesh would give for the drawn head."""
    points = np.zeros((468, 3), np.float32)
    theta = np.linspace(0, 2 * np.pi, len(FACE_OVAL), endpoint=False)
    x = 0.5 * np.sin(theta)
    y = np.where(np.cos(theta) > 0, 0.33, 0.79) * np.cos(theta)
    points[list(FACE_OVAL), :2] = frame.px(np.stack([x, y], axis=1))
    named = {
        33: (-0.29, 0.0),
        263: (0.29, 0.0),
        234: (-0.5, 0.0),
        454: (0.5, 0.0),
        FOREHEAD: (0.0, 0.33),
        CHIN: (0.0, -0.79),
    }
    for index, point in named.items():
        points[index, :2] = frame.px([point])[0]
    oval = points[list(FACE_OVAL), :2]
    box = Box(oval[:, 0].min(), oval[:, 1].min(), np.ptp(oval[:, 0]), np.ptp(oval[:, 1]))
    return Analysis(faces=[Face(box, points)], found=1, size=SIZE)


def render_example(key, title=""):
    look = LOOKS[key]
    rgb, alpha, analysis = draw_figure(look.kind)
    return compose.render(rgb, analysis, key, title, person=alpha).image


def preview(key):
    """The example's picture without its frame, cut to 4:5 and scaled for a card."""
    image = render_example(key)
    b = compose.BORDER
    image = image.crop((b, b, image.width - b, compose.OUTPUT_HEIGHT - compose.BAND))
    target = PREVIEW_SIZE[0] / PREVIEW_SIZE[1]
    if image.width / image.height > target:
        width = round(image.height * target)
        left = (image.width - width) // 2
        image = image.crop((left, 0, left + width, image.height))
    else:
        height = round(image.width / target)
        image = image.crop((0, 0, image.width, height))
    return image.resize(PREVIEW_SIZE, Image.Resampling.LANCZOS)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Write the look previews to static/batyr/looks/.")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument(
        "--look",
        action="append",
        choices=sorted(LOOKS),
        help="Write only this look's preview (may be given more than once).",
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for key in args.look or LOOKS:
        image = preview(key)
        for fmt, ext, params in (
            ("WEBP", "webp", {"quality": 80, "method": 6}),
            ("JPEG", "jpg", {"quality": 84, "optimize": True, "progressive": True}),
        ):
            buf = io.BytesIO()
            image.save(buf, fmt, **params)
            (args.out / f"{key}.{ext}").write_bytes(buf.getvalue())
        print(f"{key}: {image.width}x{image.height}")


if __name__ == "__main__":
    main()
