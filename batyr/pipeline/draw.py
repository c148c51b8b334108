"""A small vector toolkit: shapes in a face's own coordinates, drawn supersampled with Pillow.

Every costume layer is described in *local units*: the origin is the centre of the eye line,
one unit is the face's temple-to-temple width, +x points to the image's right along the eye
line and +y points up the face. A ``Frame`` maps those units to canvas pixels, so the same
drawing follows any head's position, size and roll.
"""

import math

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFilter

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

    def __init__(self, frame, canvas_size, extent, ss=SUPERSAMPLE):
        self.frame = frame
        self.ss = ss
        x0, y0, x1, y1 = extent
        corners = frame.px([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
        cw, ch = canvas_size
        left = int(max(0, math.floor(corners[:, 0].min())))
        top = int(max(0, math.floor(corners[:, 1].min())))
        right = int(min(cw, math.ceil(corners[:, 0].max())))
        bottom = int(min(ch, math.ceil(corners[:, 1].max())))
        self.x0, self.y0 = left, top
        self.w, self.h = max(1, right - left), max(1, bottom - top)
        self.empty = right <= left or bottom <= top
        self.img = Image.new("RGBA", (self.w * ss, self.h * ss), (0, 0, 0, 0))
        self.draw = ImageDraw.Draw(self.img)

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
        u, v = self.frame.grid(self.x0 + x0 / ss, self.y0 + y0 / ss, w1, h1, 1)
        color = np.clip(paint(u, v), 0, 255).astype(np.uint8)
        if ss > 1:
            color = cv2.resize(color, (w1 * ss, h1 * ss), interpolation=cv2.INTER_LINEAR)
        color = np.ascontiguousarray(color[: mask.height, : mask.width])
        alpha = (color[..., 3].astype(np.uint16) * np.asarray(mask, np.uint16)) // 255
        color[..., 3] = alpha.astype(np.uint8)
        self.img.alpha_composite(Image.fromarray(color, "RGBA"), dest=(x0, y0))

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
        self.img = self.img.filter(
            ImageFilter.GaussianBlur(radius_units * self.frame.scale * self.ss)
        )
        self.draw = ImageDraw.Draw(self.img)

    def onto(self, canvas):
        """Scale down, composite onto the RGBA ``canvas`` in place; return the painted box."""
        if self.empty:
            return None
        layer = self.img.reduce(self.ss) if self.ss > 1 else self.img
        canvas.alpha_composite(layer, dest=(self.x0, self.y0))
        bbox = layer.getbbox()
        if bbox is None:
            return None
        return (bbox[0] + self.x0, bbox[1] + self.y0, bbox[2] + self.x0, bbox[3] + self.y0)


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
