"""A small vector toolkit: shapes in a face's own coordinates, drawn supersampled with Pillow.

Every costume layer is described in *local units*: the origin is the centre of the eye line,
one unit is the face's temple-to-temple width, +x points to the image's right along the eye
line and +y points up the face. A ``Frame`` maps those units to canvas pixels, so the same
drawing follows any head's position, size and roll.
"""

import math

import cv2
import numpy as np
from PIL import Image, ImageDraw

SUPERSAMPLE = 2


class Frame:
    def __init__(self, origin, scale, angle):
        self.origin = np.asarray(origin, np.float64)
        self.scale = float(scale)
        self.angle = float(angle)
        c, s = math.cos(angle), math.sin(angle)
        self.ex = np.array([c, s])  # local +x in image coordinates
        self.ey = np.array([s, -c])  # local +y (up the face) in image coordinates

    def px(self, pts):
        pts = np.asarray(pts, np.float64).reshape(-1, 2)
        return self.origin + self.scale * (pts[:, :1] * self.ex + pts[:, 1:2] * self.ey)

    def local(self, px):
        d = (np.asarray(px, np.float64).reshape(-1, 2) - self.origin) / self.scale
        return np.stack([d @ self.ex, d @ self.ey], axis=1)

    def grid(self, x0, y0, w, h, ss):
        """Local coordinates (U, V) of the pixel centres of a canvas box sampled ``ss`` times."""
        xs = x0 + (np.arange(w * ss, dtype=np.float32) + 0.5) / ss
        ys = y0 + (np.arange(h * ss, dtype=np.float32) + 0.5) / ss
        dx = (xs - self.origin[0]) / self.scale
        dy = (ys - self.origin[1]) / self.scale
        u = dx[None, :] * self.ex[0] + dy[:, None] * self.ex[1]
        v = dx[None, :] * self.ey[0] + dy[:, None] * self.ey[1]
        return u.astype(np.float32), v.astype(np.float32)


# --- point generators (local units) ------------------------------------------------------


def arc(cx, cy, rx, ry, a0, a1, n=24):
    """Points on an ellipse from angle ``a0`` to ``a1`` (degrees, counter-clockwise, y up)."""
    t = np.radians(np.linspace(a0, a1, n))
    return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], axis=1)


def bezier(p0, p1, p2, p3, n=20):
    t = np.linspace(0, 1, n)[:, None]
    p0, p1, p2, p3 = (np.asarray(p, np.float64) for p in (p0, p1, p2, p3))
    return (1 - t) ** 3 * p0 + 3 * (1 - t) ** 2 * t * p1 + 3 * (1 - t) * t**2 * p2 + t**3 * p3


def mirror(points):
    """The left-right mirror of a half outline, reversed, so ``half + mirror(half)`` closes."""
    pts = np.asarray(points, np.float64)[::-1].copy()
    pts[:, 0] *= -1
    return pts


def join(*parts):
    return np.concatenate([np.asarray(p, np.float64).reshape(-1, 2) for p in parts])


def rotate(points, center, degrees):
    """Rotate local points about ``center`` (counter-clockwise for positive degrees, y up)."""
    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    pts = np.asarray(points, np.float64).reshape(-1, 2) - center
    return np.stack([pts[:, 0] * c - pts[:, 1] * s, pts[:, 0] * s + pts[:, 1] * c], axis=1) + center


def rgba(color, alpha=255):
    color = tuple(int(c) for c in color)
    return color if len(color) == 4 else (*color, alpha)


# --- the drawing surface -----------------------------------------------------------------


class Sketch:
    """An RGBA layer over the canvas box that holds ``extent`` (local units), supersampled."""

    def __init__(self, frame, canvas_size, extent, ss=SUPERSAMPLE, bounds=None):
        """``bounds`` (x0, y0, x1, y1, canvas pixels) may limit the layer further: to where
        it will show (a body layer is clipped to the person's figure)."""
        self.frame = frame
        self.ss = ss
        x0, y0, x1, y1 = extent
        corners = frame.px([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
        cw, ch = canvas_size
        bx0, by0, bx1, by1 = bounds if bounds is not None else (0, 0, cw, ch)
        left = int(max(0, bx0, math.floor(corners[:, 0].min())))
        top = int(max(0, by0, math.floor(corners[:, 1].min())))
        right = int(min(cw, bx1, math.ceil(corners[:, 0].max())))
        bottom = int(min(ch, by1, math.ceil(corners[:, 1].max())))
        self.x0, self.y0 = left, top
        self.w, self.h = max(1, right - left), max(1, bottom - top)
        self.empty = right <= left or bottom <= top
        self.img = Image.new("RGBA", (self.w * ss, self.h * ss), (0, 0, 0, 0))
        self.draw = ImageDraw.Draw(self.img)
        self.softness = 0.0  # a blur still to apply (canvas pixels, standard deviation)
        self.blank = True  # nothing drawn yet

    # coordinates
    def pts(self, local_pts):
        px = self.frame.px(local_pts)
        px[:, 0] = (px[:, 0] - self.x0) * self.ss
        px[:, 1] = (px[:, 1] - self.y0) * self.ss
        return [tuple(p) for p in px]

    def length(self, units):
        return max(1, round(units * self.frame.scale * self.ss))

    # plain shapes (translucent colours are blended over what is drawn, not punched through)
    def _paint(self, coords, pad, colors, fn):
        """Run ``fn(draw, dx, dy)``: straight onto the layer when every colour is opaque,
        else on a small transparent patch composited over the layer."""
        self.blank = False
        if all(c is None or len(c) == 3 or c[3] == 255 for c in colors):
            fn(self.draw, 0.0, 0.0)
            return
        xs = [p[0] for p in coords]
        ys = [p[1] for p in coords]
        x0 = int(max(0, min(xs) - pad))
        y0 = int(max(0, min(ys) - pad))
        x1 = int(min(self.img.width, max(xs) + pad + 1))
        y1 = int(min(self.img.height, max(ys) + pad + 1))
        if x1 <= x0 or y1 <= y0:
            return
        patch = Image.new("RGBA", (x1 - x0, y1 - y0), (0, 0, 0, 0))
        fn(ImageDraw.Draw(patch), -x0, -y0)
        self.img.alpha_composite(patch, dest=(x0, y0))

    def poly(self, pts, fill, outline=None, width=0.0):
        coords = self.pts(pts)
        fill, outline = rgba(fill), outline and rgba(outline)
        w = self.length(width) if outline else 0

        def fn(draw, dx, dy):
            draw.polygon([(x + dx, y + dy) for x, y in coords], fill=fill, outline=outline, width=w)

        self._paint(coords, w, (fill, outline), fn)

    def erase(self, pts):
        self.draw.polygon(self.pts(pts), fill=(0, 0, 0, 0))

    def line(self, pts, fill, width, joint="curve"):
        coords = self.pts(pts)
        fill = rgba(fill)
        w = self.length(width)

        def fn(draw, dx, dy):
            draw.line([(x + dx, y + dy) for x, y in coords], fill=fill, width=w, joint=joint)

        self._paint(coords, w, (fill,), fn)

    def lines(self, polylines, fill, width, joint=None):
        """Many strokes of one colour and width at once (fine hairs, barbs, stitches).

        A translucent colour is laid over what is drawn once for all the strokes (where
        strokes cross they do not darken each other), on a single patch: much cheaper than
        one ``line`` call per stroke."""
        polylines = [np.asarray(p, np.float64).reshape(-1, 2) for p in polylines]
        if not polylines:
            return
        px = self.frame.px(np.concatenate(polylines))
        px[:, 0] = (px[:, 0] - self.x0) * self.ss
        px[:, 1] = (px[:, 1] - self.y0) * self.ss
        if isinstance(fill, list):  # a colour per stroke
            fills = [rgba(c) for c in fill]
        else:
            fills = [rgba(fill)] * len(polylines)
        w = self.length(width)
        box = [(px[:, 0].min(), px[:, 1].min()), (px[:, 0].max(), px[:, 1].max())]
        bounds = np.cumsum([len(p) for p in polylines])[:-1]
        pieces = np.split(px, bounds)

        def fn(draw, dx, dy):
            for piece, color in zip(pieces, fills, strict=True):
                flat = (piece + (dx, dy)).ravel().tolist() if dx or dy else piece.ravel().tolist()
                if len(flat) > 4 and joint:
                    draw.line(flat, fill=color, width=w, joint=joint)
                else:
                    draw.line(flat, fill=color, width=w)

        self._paint(box, w, fills, fn)

    def circle(self, center, radius, fill, outline=None, width=0.0):
        (x, y) = self.pts([center])[0]
        r = radius * self.frame.scale * self.ss
        fill, outline = fill and rgba(fill), outline and rgba(outline)
        w = self.length(width) if outline else 0

        def fn(draw, dx, dy):
            draw.ellipse(
                [x - r + dx, y - r + dy, x + r + dx, y + r + dy],
                fill=fill,
                outline=outline,
                width=w,
            )

        self._paint([(x - r, y - r), (x + r, y + r)], w, (fill, outline), fn)

    # shaded shapes
    def _mask_box(self, pts, pad=2):
        px = np.array(self.pts(pts))
        x0 = int(max(0, math.floor(px[:, 0].min()) - pad))
        y0 = int(max(0, math.floor(px[:, 1].min()) - pad))
        x1 = int(min(self.img.width, math.ceil(px[:, 0].max()) + pad))
        y1 = int(min(self.img.height, math.ceil(px[:, 1].max()) + pad))
        if x1 <= x0 or y1 <= y0:
            return None
        mask = Image.new("L", (x1 - x0, y1 - y0), 0)
        ImageDraw.Draw(mask).polygon([(x - x0, y - y0) for x, y in px], fill=255)
        return x0, y0, mask

    def shade(self, pts, paint):
        """Fill ``pts`` with ``paint(u, v) -> (h, w, 4) float array`` (0..255) in local units.

        The paint is evaluated at canvas resolution and scaled up; only the outline is
        supersampled (textures do not need it, and it keeps big fills cheap).
        """
        box = self._mask_box(pts)
        if box is None:
            return
        x0, y0, mask = box
        ss = self.ss
        w1, h1 = -(-mask.width // ss), -(-mask.height // ss)
        # a smooth paint (soft folds, no fine detail) may be evaluated coarser still
        coarse = getattr(paint, "coarse", 1)
        if coarse > 1:
            wc, hc = -(-w1 // coarse), -(-h1 // coarse)
            u, v = self.frame.grid(
                self.x0 + x0 / ss, self.y0 + y0 / ss, wc * coarse, hc * coarse, 1 / coarse
            )
        else:
            u, v = self.frame.grid(self.x0 + x0 / ss, self.y0 + y0 / ss, w1, h1, 1)
        color = np.clip(paint(u, v), 0, 255).astype(np.uint8)
        scale = ss * coarse
        if scale > 1:
            size = (color.shape[1] * scale, color.shape[0] * scale)
            color = cv2.resize(color, size, interpolation=cv2.INTER_LINEAR)
        color = np.ascontiguousarray(color[: mask.height, : mask.width])
        alpha = np.ascontiguousarray(color[..., 3])
        if not self.blank and alpha.min() == 255:
            # an opaque paint through the (0 or 255) outline mask: a masked paste is the
            # same as compositing it, and several times cheaper
            self.img.paste(Image.fromarray(color, "RGBA"), (x0, y0), mask)
            return
        color[..., 3] = cv2.multiply(alpha, np.asarray(mask), scale=1 / 255)
        layer = Image.fromarray(color, "RGBA")
        if self.blank:  # nothing under it yet: the fill is the layer
            self.img.paste(layer, (x0, y0))
        else:
            self.img.alpha_composite(layer, dest=(x0, y0))
        self.blank = False

    def gradient(self, pts, stops, start, end, alpha=255):
        """Linear gradient from local point ``start`` (t=0) to ``end`` (t=1).

        ``stops`` is a list of ``(t, (r, g, b))`` or ``(t, (r, g, b, a))``.
        """
        self.shade(pts, lambda u, v: ramp(project(u, v, start, end), stops, alpha))

    def glow(self, pts, color, center, radius, alpha=255):
        """Radial fall-off from ``center``: ``color`` at the centre, transparent at ``radius``."""

        def paint(u, v):
            d = np.clip(np.hypot(u - center[0], v - center[1]) / radius, 0, 1)
            out = np.empty((*u.shape, 4), np.float32)
            out[..., :3] = color[:3]
            out[..., 3] = alpha * (1 - d) ** 2
            return out

        self.shade(pts, paint)

    def blur(self, radius_units):
        """Soften the sketch with a Gaussian blur (``radius_units``: its standard deviation).

        The blur is applied when the sketch is scaled down (``layer``), at the canvas's
        resolution: a quarter of the work, and the same look. Draw nothing after it that
        should stay sharp."""
        self.softness = math.hypot(self.softness, radius_units * self.frame.scale)

    def layer(self):
        """The finished sketch at the canvas's resolution, blurred if asked to: an RGBA
        image and its top left corner in canvas pixels, or None when nothing is drawn.
        Only the drawn part is scaled down (a layer is often mostly empty)."""
        box = self.img.getbbox()
        if self.empty or box is None:
            return None
        ss = self.ss
        pad = int(math.ceil(3 * self.softness)) + 1 if self.softness > 0.05 else 0
        x0, y0 = max(0, box[0] // ss - pad), max(0, box[1] // ss - pad)
        x1 = min(self.w, -(-box[2] // ss) + pad)
        y1 = min(self.h, -(-box[3] // ss) + pad)
        part = self.img.crop((x0 * ss, y0 * ss, x1 * ss, y1 * ss))
        layer = part.reduce(ss) if ss > 1 else part
        if pad:
            soft = cv2.GaussianBlur(
                np.asarray(layer), (0, 0), self.softness, borderType=cv2.BORDER_REPLICATE
            )
            layer = Image.fromarray(soft, "RGBA")
        return layer, self.x0 + x0, self.y0 + y0

    def onto(self, canvas):
        """Scale down, composite onto the RGBA ``canvas`` in place; return the painted box."""
        finished = self.layer()
        if finished is None:
            return None
        layer, left, top = finished
        canvas.alpha_composite(layer, dest=(left, top))
        bbox = layer.getbbox()
        if bbox is None:
            return None
        return (bbox[0] + left, bbox[1] + top, bbox[2] + left, bbox[3] + top)


def project(u, v, start, end):
    """The position of each (u, v) along start→end: 0 at start, 1 at end."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    return ((u - start[0]) * dx + (v - start[1]) * dy) / (dx * dx + dy * dy)


def ramp(t, stops, alpha=255):
    """Interpolate colour stops at positions ``t`` (any shape) into an RGBA float array."""
    t = np.clip(t, 0, 1)
    pos = [s[0] for s in stops]
    out = np.empty((*t.shape, 4), np.float32)
    for channel in range(4):
        values = [s[1][channel] if channel < len(s[1]) else alpha for s in stops]
        out[..., channel] = np.interp(t, pos, values)
    return out
