"""The costumes, drawn in code. Each look paints three kinds of layer for every face:

* ``back``: behind the person (a plume's fall, a veil, a cloak's edge);
* ``body``: over the person's clothes, clipped to their silhouette (armour, a chapan);
* ``head``: over everything (helmet, hat, headdress, aventail).

Head layers use the head frame (origin between the eyes, one unit = temple-to-temple width,
+y up the face); body layers use the body frame (origin at the chin, same unit, upright).
The shapes are the project's own simplified drawings of steppe costume, not copies of any
artwork.
"""

import functools
import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from .draw import arc, bezier, join, mirror, ramp, rotate

# --- materials ---------------------------------------------------------------------------

STEEL = [
    (0.0, (50, 56, 68)),
    (0.2, (120, 130, 144)),
    (0.36, (226, 232, 240)),
    (0.5, (156, 166, 180)),
    (0.78, (88, 96, 110)),
    (1.0, (44, 48, 58)),
]
GOLD = [
    (0.0, (110, 70, 18)),
    (0.28, (198, 148, 52)),
    (0.42, (255, 228, 144)),
    (0.58, (206, 158, 62)),
    (1.0, (100, 62, 14)),
]
BRONZE = [
    (0.0, (92, 56, 26)),
    (0.3, (176, 114, 56)),
    (0.45, (236, 186, 114)),
    (0.62, (176, 116, 58)),
    (1.0, (80, 48, 22)),
]
GOLD_LINE = (224, 178, 78)
GOLD_DARK = (104, 66, 16)
CORAL = (198, 54, 44)
PEARL = (244, 238, 224)
TURQUOISE = (38, 168, 168)
LEATHER = (96, 58, 32)


def smoothstep(e0, e1, x):
    t = np.clip((x - e0) / (e1 - e0), 0, 1)
    return t * t * (3 - 2 * t)


def _opaque_mix(*terms):
    """An opaque (h, w, 4) paint: the sum of colours (3,) times per-pixel weights (h, w),
    one channel at a time (numpy is slow broadcasting over a last axis of three)."""
    weight = terms[0][1]
    out = np.empty((*weight.shape, 4), np.float32)
    for c in range(3):
        channel = out[..., c]
        np.multiply(terms[0][1], np.float32(terms[0][0][c]), out=channel)
        for color, weight in terms[1:]:
            channel += weight * np.float32(color[c])
    out[..., 3] = 255
    return out


def _opaque(color):
    out = np.empty((*color.shape[:-1], 4), np.float32)
    out[..., :3] = color
    out[..., 3] = 255
    return out


@functools.lru_cache(maxsize=64)
def noise_tile(seed, sigma_x, sigma_y, size=128):
    """Tileable blurred noise in 0..1; long ``sigma_y`` gives streaks along +v (fur, cloth)."""
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal((size, size)).astype(np.float32)
    tiled = np.tile(noise, (3, 3))
    blurred = cv2.GaussianBlur(tiled, (0, 0), sigmaX=sigma_x, sigmaY=sigma_y)[
        size : 2 * size, size : 2 * size
    ]
    blurred -= blurred.min()
    return blurred / max(1e-6, blurred.max())


def sample(tile, u, v, period_u, period_v):
    n = tile.shape[0]
    iu = np.floor(u * np.float32(n / period_u)).astype(np.int32)
    iv = np.floor(v * np.float32(-n / period_v)).astype(np.int32)
    if n & (n - 1) == 0:  # a power of two: the wrap is a mask (also for negative indices)
        iu &= n - 1
        iv &= n - 1
    else:
        iu %= n
        iv %= n
    return tile.ravel().take(iv * n + iu)


def mail(spacing, base=(30, 34, 40), metal=(196, 204, 214), roundness=1.2):
    """Chain mail: rows of interlocking rings, lit from the upper left, darker at the sides."""
    metal_c = np.asarray(metal, np.float32)
    base_c = np.asarray(base, np.float32)

    def paint(u, v):
        row = np.floor(v / spacing)
        uu = u / spacing + 0.5 * (row % 2)
        fx = uu - np.floor(uu) - 0.5
        fy = v / spacing - row - 0.5
        d = np.hypot(fx, fy * 1.25)
        ring = np.exp(-(((d - 0.34) / 0.11) ** 2))
        glint = np.clip(0.5 - fx * 1.4 + fy * 1.0, 0, 1)
        shade = 0.45 + 0.55 * np.cos(np.clip(u * roundness, -1.45, 1.45)) ** 0.6
        lit = ring * (0.55 + 0.45 * glint) * shade
        return _opaque_mix((base_c, (1 - ring) * shade), (metal_c, lit))

    return paint


def scales(spacing, stops=BRONZE, roundness=0.9):
    """Overlapping rounded scales, each lit from above and shadowed by the row below."""

    def paint(u, v):
        row = np.floor(-v / spacing)
        uu = u / (spacing * 0.8) + 0.5 * (row % 2)
        fx = uu - np.floor(uu) - 0.5
        fy = -v / spacing - row
        r = np.hypot(fx * 2.0, np.maximum(fy - 0.2, 0) * 1.25)
        edge = smoothstep(0.75, 1.0, r)
        color = ramp(0.2 + 0.5 * fy + 0.3 * fx, stops)
        jitter = cell_jitter(row, np.floor(uu), 0.12)
        color[..., :3] *= ((1 - 0.6 * edge) * jitter)[..., None]
        shade = 0.5 + 0.5 * np.cos(np.clip(u * roundness, -1.45, 1.45)) ** 0.5
        color[..., :3] *= shade[..., None]
        color[..., 3] = 255
        return color

    return paint


def cell_jitter(row, col, amount=0.18):
    """A steady pseudo-random brightness per plate, so no two plates look cast alike."""
    h = np.sin(row * 12.9898 + col * 78.233) * 43758.5453
    return 1 - amount + 2 * amount * (h - np.floor(h))


def lamellar(width=0.1, height=0.22, stops=STEEL):
    """Rows of narrow plates laced together with leather, the lamellar armour of the steppe."""

    def paint(u, v):
        row = np.floor(-v / height)
        uu = u / width + 0.5 * (row % 2)
        fx = uu - np.floor(uu)
        fy = -v / height - row
        bevel = smoothstep(0.0, 0.14, fx) * smoothstep(0.0, 0.14, 1 - fx)
        # plates have rounded tops that overlap the row above
        top = np.sqrt(np.clip(1 - ((fx - 0.5) * 2) ** 2, 0, 1)) * 0.12
        rounded = smoothstep(0.0, 0.06, fy - (0.12 - top))
        color = ramp(0.2 + 0.55 * fx + 0.2 * fy, stops)
        shade = (0.4 + 0.6 * bevel * rounded) * cell_jitter(row, np.floor(uu))
        color[..., :3] *= shade[..., None]
        lace = smoothstep(0.78, 0.84, fy) * (1 - smoothstep(0.92, 0.97, fy))
        color[..., :3] = (
            color[..., :3] * (1 - lace[..., None]) + np.array([120, 70, 36]) * lace[..., None]
        )
        shade = 0.55 + 0.45 * np.cos(np.clip(u * 0.8, -1.45, 1.45)) ** 0.5
        color[..., :3] *= shade[..., None]
        color[..., 3] = 255
        return color

    return paint


def cloth(color, sheen=0.35, seed=3, quilt=0.0):
    """Velvety cloth: soft vertical folds and a sheen; ``quilt`` > 0 adds stitched channels."""
    base = np.asarray(color, np.float32)
    tile = noise_tile(seed, 6, 30)

    def paint(u, v):
        folds = sample(tile, u, v, 1.6, 3.0)
        light = 0.62 + sheen * folds + 0.18 * np.cos(np.clip(u * 0.7, -1.5, 1.5))
        if quilt:
            channel = np.abs((u / quilt) % 1 - 0.5) * 2  # 0 at a stitch line, 1 mid-channel
            light = light * (0.7 + 0.3 * np.sqrt(channel))
        return _opaque_mix((base, light))

    paint.coarse = 2  # soft folds: evaluated at half the canvas's resolution, then scaled up
    return paint


def fur(base=(156, 92, 44), tip=(238, 196, 140), dark=(60, 34, 18)):
    """Fox fur: fine streaks along +v, lighter tips, darker towards the sides."""
    base_c, tip_c, dark_c = (np.asarray(c, np.float32) for c in (base, tip, dark))
    fine = noise_tile(7, 0.7, 5)
    coarse = noise_tile(8, 3, 8)

    def paint(u, v):
        a = sample(fine, u, v, 0.35, 0.35)
        b = sample(coarse, u, v, 0.9, 0.6)
        t = np.clip(a * 0.7 + b * 0.5 - 0.1, 0, 1)
        hi = np.clip((a - 0.6) * 2.5, 0, 1)
        shade = 0.5 + 0.5 * np.cos(np.clip(u * 1.5, -1.5, 1.5)) ** 0.7
        low = (1 - hi) * shade  # dark to base, then the tips over it
        return _opaque_mix((dark_c, (1 - t) * low), (base_c, t * low), (tip_c, hi * shade))

    return paint


def felt_ornament(color=(172, 28, 42), line=(236, 196, 96)):
    """Red felt with a gold lattice of rhombs, shaded as a cone."""
    base = np.asarray(color, np.float32)
    gold = np.asarray(line, np.float32)

    def paint(u, v):
        a = np.abs(((u * 2.2 + v * 0.55) / 0.32) % 1 - 0.5)
        b = np.abs(((u * 2.2 - v * 0.55) / 0.32) % 1 - 0.5)
        lattice = np.exp(-((np.minimum(a, b) / 0.06) ** 2))
        width = np.maximum(0.62 - 0.15 * v, 0.2)
        shade = 0.45 + 0.6 * np.cos(np.clip(u / width * 1.3, -1.5, 1.5)) ** 0.8
        color = base * (1 - lattice[..., None]) + gold * lattice[..., None]
        return _opaque(color * shade[..., None])

    return paint


# --- shared pieces -----------------------------------------------------------------------


def rim_curve(y_center, y_side, half_width, n=25):
    """A band edge across the forehead: lowest at the centre, rising towards the temples."""
    x = np.linspace(-half_width, half_width, n)
    y = y_side + (y_center - y_side) * (1 - (x / half_width) ** 2)
    return np.stack([x, y], axis=1)


def band(d, bottom_c, bottom_s, height, half_width, stops=GOLD, studs=0):
    """A metal brow band with inset stones."""
    low = rim_curve(bottom_c, bottom_s, half_width)
    high = rim_curve(bottom_c + height, bottom_s + height, half_width)
    shape = join(low, high[::-1])
    d.gradient(shape, stops, (-half_width, bottom_c + height), (half_width, bottom_c))
    d.line(low, GOLD_DARK, 0.014)
    d.line(high, (255, 236, 170), 0.008)
    if studs:
        stones = rim_curve(bottom_c + height / 2, bottom_s + height / 2, half_width * 0.9, studs)
        for i, (x, y) in enumerate(stones):
            d.circle(
                (x, y),
                height * 0.2,
                CORAL if i % 2 == 0 else TURQUOISE,
                outline=GOLD_DARK,
                width=0.005,
            )
            d.circle((x - height * 0.06, y + height * 0.06), height * 0.06, (255, 255, 255, 150))


def feather(d, base, length, width, angle, seed=0):
    """One eagle-owl feather: a downy cream vane, fine barbs, brown flecks, a curved tip."""
    a = math.radians(angle)
    axis = np.array([math.sin(a), math.cos(a)])
    normal = np.array([axis[1], -axis[0]])
    base = np.asarray(base, np.float64)
    t = np.linspace(0, 1, 24)
    profile = np.sin(np.pi * np.clip(t * 0.9 + 0.1, 0, 1)) ** 0.8 * width
    bend = (t**2) * width * 0.9 * (1 if angle >= 0 else -1)
    spine = base + np.outer(t * length, axis) + np.outer(bend, normal)
    shape = join(spine + np.outer(profile, normal), (spine - np.outer(profile, normal))[::-1])
    d.gradient(
        shape,
        [
            (0, (170, 150, 124)),
            (0.3, (232, 224, 208)),
            (0.75, (250, 247, 240)),
            (1, (255, 255, 255)),
        ],
        tuple(base),
        tuple(spine[-1]),
    )
    rng = np.random.default_rng(seed)
    # barbs: fine lines from the shaft out to the edge, slanting to the tip
    barbs = []
    for i in range(3, 22):
        for side in (-1, 1):
            start = spine[i]
            end = spine[min(23, i + 2)] + side * normal * profile[min(23, i + 2)] * 1.05
            barbs.append((start, end))
    d.lines(barbs, (196, 184, 164, 150), width * 0.045)
    # the eagle owl's brown flecks, in loose bars
    flecks = []
    for i in (7, 11, 15, 19):
        for side in (-1, 1):
            p = spine[i] + side * normal * profile[i] * rng.uniform(0.3, 0.7)
            q = p + axis * width * 0.25 + side * normal * width * 0.12
            flecks.append((p, q))
    d.lines(flecks, (112, 84, 58, 170), width * 0.16)
    # a little down at the base
    down = []
    for _ in range(6):
        side = rng.choice((-1, 1))
        p = spine[2] + side * normal * width * 0.5
        q = p + side * normal * width * rng.uniform(0.5, 0.9) - axis * width * rng.uniform(0.1, 0.4)
        down.append((p, q))
    d.lines(down, (236, 228, 214, 200), width * 0.08)
    d.line(spine[:-3], (156, 140, 120), width * 0.06)


def uki(d, base, length, count=6, spread=70, lean=0.0):
    """A tuft of owl feathers (uki) fanned out from ``base``."""
    angles = [lean + (i / max(1, count - 1) - 0.5) * spread for i in range(count)]
    # outer feathers first so the upright ones sit in front
    for k, angle in enumerate(sorted(angles, key=lambda a: -abs(a - lean))):
        scale = 1.0 - 0.3 * abs(angle - lean) / max(1, spread / 2)
        feather(d, base, length * scale, length * 0.15, angle, seed=k)
    d.blur(0.0025)


def bead_string(d, top, length, radius, colors=(CORAL, PEARL), sway=0.0):
    """A hanging string of beads ending in a small gilded pendant."""
    x, y = top
    n = max(3, int(length / (radius * 2.1)))
    points = [(x + sway * (i / (n - 1)) ** 2, y - length * i / (n - 1)) for i in range(n)]
    d.line(points, (120, 90, 40), radius * 0.3)
    for i, p in enumerate(points):
        d.circle(p, radius, colors[i % len(colors)], outline=(70, 40, 20), width=radius * 0.15)
    ex, ey = points[-1]
    d.poly(
        [
            (ex, ey - radius),
            (ex + radius * 1.8, ey - radius * 3),
            (ex, ey - radius * 6),
            (ex - radius * 1.8, ey - radius * 3),
        ],
        (214, 168, 70),
        outline=GOLD_DARK,
        width=radius * 0.2,
    )


def forehead_shadow(face, y, depth=0.12, half_width=0.55, strength=110):
    """The soft shadow a brim throws on the forehead (drawn before the headgear)."""
    s = face.sketch((-0.8, y - depth * 2, 0.8, y + 0.1))
    shape = join(
        rim_curve(y - depth, y - depth * 0.5, half_width),
        rim_curve(y + 0.1, y + 0.1, half_width)[::-1],
    )
    s.poly(shape, (0, 0, 0, strength))
    s.blur(depth * 0.45)
    face.put(s, "head")


def torso(neck_half, neck_drop, shoulders, reach=1.6, v_depth=0.0):
    """Everything of the person below a neckline (body units); the silhouette clip does the
    rest, so the garment takes each body's own shape."""
    sx, _sy = shoulders
    half = sx + reach
    # the garment stands up beside the neck (a collar), so no shirt shows above the shoulders
    side = [(neck_half, -0.12), (neck_half + 0.1, 0.0), (neck_half + 0.4, 0.1), (half, 0.1)]
    neck = bezier(
        (-neck_half, -0.12),
        (-neck_half * 0.6, neck_drop - v_depth),
        (neck_half * 0.6, neck_drop - v_depth),
        (neck_half, -0.12),
        12,
    )
    return join(neck, side, [(half, -6), (-half, -6)], mirror(side))


def spaulder(b, cx, cy, sign, stops=STEEL, lames=3, trim=GOLD_LINE, slope=24):
    """A shoulder guard: a domed cap tilted with the shoulder, lames hanging down the arm."""

    def place(points, k):
        pts = np.asarray(points, np.float64).reshape(-1, 2).copy()
        pts[:, 0] *= sign
        pts = rotate(pts, (0.0, 0.0), -sign * slope)
        return pts + (cx + sign * 0.07 * k, cy - 0.15 * k)

    for k in reversed(range(lames + 1)):
        rx, ry = 0.4 + 0.03 * k, 0.26
        if k == 0:
            outline = arc(0, 0, rx, ry, 0, 180, 28)
            edge = outline
            studs = arc(0, -0.02, rx * 0.75, ry * 0.7, 35, 145, 4)
        else:
            edge = arc(0, -0.17, rx, ry * 0.6, 180, 360, 28)
            outline = join(arc(0, 0, rx, ry * 0.6, 0, 180, 28), edge)
            studs = arc(0, -0.1, rx * 0.8, ry * 0.4, 200, 340, 4)
        shape = place(outline, k)
        light, dark = place([(-0.25, 0.2), (0.4, -0.3)], k)
        b.gradient(shape, stops, tuple(light), tuple(dark))
        b.line(place(edge, k), trim, 0.024)
        for p in place(studs, k):
            b.circle(tuple(p), 0.02, (238, 212, 140))


def aventail(face, top_c, top_s, half_width, bottom, spacing=0.042, flare=0.3):
    """A curtain of chain mail hanging from a helmet's rim, open for the face."""
    s = face.sketch((-1.5, bottom - 0.3, 1.5, top_s + 0.3))
    side = bezier(
        (half_width, top_s + 0.05),
        (half_width + 0.2, top_s - 0.45),
        (half_width + flare, bottom + 0.35),
        (half_width + flare * 0.6, bottom),
        18,
    )
    hem = arc(0, bottom + 0.08, half_width + flare * 0.6, 0.14, 0, -180, 24)
    shape = join(side, hem, mirror(side))
    s.shade(shape, mail(spacing))
    s.line(join(side[-5:], hem, mirror(side)[:5]), GOLD_LINE, spacing * 0.7)
    s.erase(face.oval_inset(0.02))
    face.put(s, "head")


def cheek_guard(face, sign, top, bottom, stops=STEEL):
    """A hinged steel plate over the ear and cheek side, clear of the face."""
    s = face.sketch((-1.0, bottom - 0.2, 1.0, top + 0.1))
    outer = bezier(
        (sign * 0.62, top),
        (sign * 0.72, top - 0.3),
        (sign * 0.7, bottom + 0.2),
        (sign * 0.5, bottom),
        14,
    )
    inner = bezier(
        (sign * 0.4, bottom + 0.05),
        (sign * 0.44, top - 0.45),
        (sign * 0.44, top - 0.2),
        (sign * 0.42, top),
        14,
    )
    shape = join(outer, inner)
    s.gradient(shape, stops, (sign * 0.4, top), (sign * 0.75, bottom))
    s.line(join(outer, inner[:1]), GOLD_LINE, 0.025)
    for p in outer[2:-2:3]:
        s.circle(tuple(p + np.array([-sign * 0.05, 0])), 0.02, (236, 206, 130))
    s.erase(face.oval_inset(0.015))
    face.put(s, "head")


# --- the looks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Look:
    key: str
    kind: str  # "batyr" or "amazon"
    palette: str  # the steppe scene, see scene.PALETTES
    top: float  # how far the headgear reaches above the eye line, in face widths
    rim: float  # where the headgear's lower edge meets the forehead (hair above is hidden)
    accent: tuple  # frame colour
    grade: dict = field(default_factory=dict)

    def back(self, face):
        """Layers behind the person."""

    def body(self, face):
        """Layers over the clothes, clipped to the silhouette."""

    def head(self, face):
        """Layers over everything."""


class Dulyga(Look):
    """A batyr's pointed steel helmet (dulyga) with a mail aventail and a horse-hair plume."""

    def back(self, face):
        s = face.sketch((-0.6, 0.2, 2.0, 2.2))
        rng = np.random.default_rng(1)
        for _ in range(60):
            j = rng.uniform(-1, 1)
            path = bezier(
                (j * 0.03, 1.7),
                (0.25 + j * 0.1, 2.0 + j * 0.05),
                (0.95 + j * 0.15, 1.8 + j * 0.1),
                (1.05 + j * 0.28, 0.5 + rng.uniform(-0.2, 0.3)),
                20,
            )
            tone = rng.uniform(0.5, 1.0)
            s.line(
                path, (int(168 * tone), int(24 * tone), int(30 * tone)), rng.uniform(0.01, 0.024)
            )
        face.put(s, "back")

    def body(self, face):
        sx, sy = face.shoulders
        b = face.body_sketch((-sx - 1.0, -5.0, sx + 1.0, 0.3))
        b.shade(torso(0.36, -0.5, face.shoulders, v_depth=0.1), mail(0.048, roundness=0.5))
        # a red surcoat's edges and a belt of leather with a round mirror plate on the chest
        for sign in (-1, 1):
            b.line([(sign * sx * 0.62, sy + 0.05), (sign * 0.2, sy - 0.85)], LEATHER, 0.09)
            b.line([(sign * sx * 0.62, sy + 0.05), (sign * 0.2, sy - 0.85)], GOLD_LINE, 0.015)
        plate = arc(0, sy - 1.05, 0.42, 0.42, 0, 360, 48)
        b.gradient(plate, STEEL, (-0.42, sy - 0.7), (0.42, sy - 1.4))
        b.line(join(plate, plate[:1]), GOLD_LINE, 0.05)
        for p in arc(0, sy - 1.05, 0.33, 0.33, 0, 360, 13)[:-1]:
            b.circle(tuple(p), 0.022, (236, 206, 130))
        b.circle((0, sy - 1.05), 0.1, GOLD_LINE, outline=GOLD_DARK, width=0.012)
        for sign in (-1, 1):
            spaulder(b, sign * (sx - 0.3), sy + 0.02, sign)
        face.put(b, "body")

    def head(self, face):
        forehead_shadow(face, 0.3)
        aventail(face, 0.3, 0.38, 0.7, -1.3)
        s = face.sketch((-0.9, 0.1, 0.9, 1.9))
        right = bezier((0.68, 0.44), (0.7, 0.88), (0.38, 1.22), (0.0, 1.52), 24)
        shell = join(rim_curve(0.42, 0.46, 0.68), right, mirror(right))
        s.gradient(shell, STEEL, (-0.68, 1.0), (0.68, 0.7))
        for x in (-0.32, 0.0, 0.32):
            rib = bezier((x, 0.44 - 0.04 * abs(x)), (x * 1.08, 0.92), (x * 0.6, 1.26), (0, 1.5), 16)
            s.line(rib, GOLD_DARK, 0.05)
            s.line(rib, GOLD_LINE, 0.03)
        band(s, 0.27, 0.36, 0.17, 0.7, studs=9)
        plate = [(0, 0.5), (0.11, 0.64), (0, 0.84), (-0.11, 0.64)]
        s.gradient(plate, GOLD, (-0.11, 0.6), (0.11, 0.72))
        s.circle((0, 0.65), 0.042, CORAL, outline=GOLD_DARK, width=0.006)
        spike = [(-0.035, 1.5), (0.035, 1.5), (0.008, 1.84), (-0.008, 1.84)]
        s.gradient(spike, STEEL, (-0.04, 1.6), (0.04, 1.6))
        s.circle((0, 1.52), 0.07, (210, 164, 66), outline=GOLD_DARK, width=0.01)
        s.circle((0, 1.68), 0.04, (210, 164, 66), outline=GOLD_DARK, width=0.008)
        face.put(s, "head", crown=True)


class Borik(Look):
    """A fox-fur borik hat and a quilted chapan with a lamellar cuirass over it."""

    def body(self, face):
        sx, sy = face.shoulders
        b = face.body_sketch((-sx - 1.8, -5.0, sx + 1.8, 0.3))
        b.shade(
            torso(0.36, -0.5, face.shoulders, v_depth=0.12),
            cloth((36, 54, 124), sheen=0.45, quilt=0.16),
        )
        # the chapan's collar and front edges, embroidered in gold
        for sign in (-1, 1):
            edge = bezier(
                (sign * 0.36, -0.14),
                (sign * 0.3, -0.6),
                (sign * 0.1, sy - 0.6),
                (-sign * 0.12, -5.0),
                14,
            )
            b.line(edge, GOLD_DARK, 0.17)
            b.line(edge, GOLD_LINE, 0.12)
            for p in edge[1:-1:2]:
                b.circle(tuple(p), 0.03, CORAL)
        # a lamellar cuirass over the robe, on leather shoulder straps, and a studded belt
        top = sy + 0.05
        right = bezier(
            (0.42, top + 0.1), (0.8, top + 0.05), (1.05, top - 0.2), (1.1, top - 0.6), 10
        )
        cuirass = join(mirror(right), right, [(1.15, -5.0), (-1.15, -5.0)])
        b.shade(cuirass, lamellar())
        b.line(join(mirror(right), right), LEATHER, 0.05)
        for sign in (-1, 1):
            strap = [(sign * 0.62, top + 0.05), (sign * (sx - 0.2), sy + 0.08)]
            b.line(strap, LEATHER, 0.13)
            b.line(strap, GOLD_LINE, 0.02)
        belt = sy - 1.85
        b.line([(-sx - 1.5, belt), (sx + 1.5, belt)], LEATHER, 0.17)
        for x in np.linspace(-1.2, 1.2, 9):
            b.poly(
                [
                    (x - 0.05, belt + 0.06),
                    (x + 0.05, belt + 0.06),
                    (x + 0.05, belt - 0.06),
                    (x - 0.05, belt - 0.06),
                ],
                (214, 218, 224),
                outline=(90, 90, 96),
                width=0.01,
            )
        face.put(b, "body")

    def head(self, face):
        forehead_shadow(face, 0.22, depth=0.14, strength=130)
        s = face.sketch((-1.0, -0.1, 1.0, 1.6))
        # quilted velvet crown: four panels rising to a rounded top with a gold knob
        right = bezier((0.6, 0.55), (0.66, 1.0), (0.44, 1.36), (0.0, 1.4), 20)
        crown = join([(0.6, 0.45)], right, mirror(right), [(-0.6, 0.45)])
        s.shade(crown, cloth((152, 26, 38), sheen=0.5, seed=5))
        for x in (-0.38, 0.0, 0.38):
            seam = bezier((x * 1.5, 0.6), (x * 1.45, 0.98), (x * 0.85, 1.28), (0, 1.39), 12)
            s.line(seam, GOLD_LINE, 0.02)
        s.circle((0, 1.41), 0.075, (222, 176, 76), outline=GOLD_DARK, width=0.012)
        face.put(s, "head", crown=True)
        # the fur band: a soft rounded roll of fox fur, deep on the head
        f = face.sketch((-1.0, -0.2, 1.0, 0.95))
        low = rim_curve(0.2, 0.3, 0.64)
        high = rim_curve(0.74, 0.64, 0.66)
        right_end = arc(0.64, 0.47, 0.17, 0.2, -80, 85, 12)
        roll = join(low, right_end, high[::-1], mirror(right_end))
        f.shade(roll, fur())
        rng = np.random.default_rng(4)
        outline = join(low, right_end, high[::-1], mirror(right_end))
        center = np.array([0.0, 0.47])
        hairs, tones = [], []
        for x, y in outline:
            out = np.array([x, y]) - center
            out /= np.linalg.norm(out) + 1e-6
            for _ in range(3):
                start = np.array([x, y]) - out * 0.03 + rng.normal(0, 0.012, 2)
                tip = start + out * rng.uniform(0.03, 0.07) + rng.normal(0, 0.015, 2)
                tone = rng.uniform(0.55, 1.05)
                hairs.append((start, tip))
                tones.append((int(min(255, 200 * tone)), int(128 * tone), int(66 * tone)))
        f.lines(hairs, tones, 0.012)
        f.blur(0.004)
        face.put(f, "head", crown=True)


class UkiHelmet(Look):
    """An amazon's rounded helmet crowned with owl feathers (uki), and bronze scale armour."""

    def body(self, face):
        sx, sy = face.shoulders
        b = face.body_sketch((-sx - 1.0, -5.0, sx + 1.0, 0.3))
        b.shade(torso(0.34, -0.42, face.shoulders), cloth((18, 106, 112), sheen=0.35))
        cuirass = join(
            bezier((-0.36, -0.3), (-0.75, sy + 0.02), (-sx + 0.15, sy), (-sx + 0.05, sy - 0.4), 12),
            [(-sx, -5.0), (sx, -5.0)],
            bezier((sx - 0.05, sy - 0.4), (sx - 0.15, sy), (0.75, sy + 0.02), (0.36, -0.3), 12),
        )
        b.shade(cuirass, scales(0.095))
        b.line(cuirass[:12], GOLD_LINE, 0.05)
        b.line(cuirass[-12:], GOLD_LINE, 0.05)
        collar = join(
            arc(0, -0.05, 0.66, 0.52, 200, 340, 24), arc(0, -0.05, 0.44, 0.3, 340, 200, 24)
        )
        b.gradient(collar, GOLD, (-0.6, 0), (0.6, -0.3))
        for i, p in enumerate(arc(0, -0.05, 0.55, 0.41, 212, 328, 7)):
            b.circle(tuple(p), 0.036, TURQUOISE if i % 2 else CORAL, outline=GOLD_DARK, width=0.006)
        b.line([(-sx - 0.5, sy - 1.9), (sx + 0.5, sy - 1.9)], (150, 30, 40), 0.16)
        b.line([(-sx - 0.5, sy - 1.9), (sx + 0.5, sy - 1.9)], GOLD_LINE, 0.03)
        face.put(b, "body")

    def head(self, face):
        forehead_shadow(face, 0.3)
        for sign in (-1, 1):
            cheek_guard(face, sign, 0.42, -0.45)
        f = face.sketch((-1.0, 0.9, 1.0, 2.4))
        uki(f, (0.0, 1.12), 1.05, count=7, spread=64, lean=8)
        face.put(f, "head")
        s = face.sketch((-0.9, 0.1, 0.9, 1.35))
        shell = join(rim_curve(0.42, 0.46, 0.62), arc(0, 0.46, 0.62, 0.72, 0, 180, 36))
        s.gradient(shell, STEEL, (-0.62, 0.9), (0.62, 0.7))
        for x in (-0.44, 0.0, 0.44):
            strip = bezier((x, 0.46 - 0.05 * abs(x)), (x, 0.82), (x * 0.5, 1.12), (0, 1.18), 14)
            s.line(strip, GOLD_DARK, 0.07)
            s.line(strip, GOLD_LINE, 0.045)
        band(s, 0.27, 0.34, 0.17, 0.64, studs=7)
        s.circle((0, 1.18), 0.085, (214, 168, 70), outline=GOLD_DARK, width=0.012)
        face.put(s, "head", crown=True)


class Saukele(Look):
    """A tall saukele-inspired headdress with pendants and a veil, over mail and a kamzol."""

    def back(self, face):
        s = face.sketch((-2.0, -4.0, 2.0, 2.8))
        veil = join(
            bezier((0.15, 2.5), (0.9, 1.6), (1.4, -0.2), (1.8, -3.8), 16),
            bezier((-1.8, -3.8), (-1.4, -0.2), (-0.9, 1.6), (-0.15, 2.5), 16),
        )

        def gauze(u, v):
            folds = 0.5 + 0.5 * np.sin(u * 14 + v * 1.5)
            color = np.empty((*u.shape, 4), np.float32)
            color[..., 0] = 236 + 16 * folds
            color[..., 1] = 232 + 14 * folds
            color[..., 2] = 224 + 16 * folds
            color[..., 3] = 140 + 70 * folds
            return color

        s.shade(veil, gauze)
        face.put(s, "back")

    def body(self, face):
        sx, sy = face.shoulders
        b = face.body_sketch((-sx - 1.0, -5.0, sx + 1.0, 0.3))
        b.shade(
            torso(0.34, -0.42, face.shoulders),
            mail(0.045, base=(30, 30, 36), metal=(220, 214, 200), roundness=0.5),
        )
        front = join(
            bezier((-0.34, -0.2), (-0.55, sy), (-0.82, sy - 0.6), (-0.95, -5.0), 10),
            bezier((0.95, -5.0), (0.82, sy - 0.6), (0.55, sy), (0.34, -0.2), 10),
        )
        b.shade(front, cloth((152, 22, 40), sheen=0.45, seed=9))
        for sign in (-1, 1):
            trim = bezier(
                (sign * 0.34, -0.2),
                (sign * 0.55, sy),
                (sign * 0.82, sy - 0.6),
                (sign * 0.95, -5.0),
                10,
            )
            b.line(trim, GOLD_DARK, 0.1)
            b.line(trim, GOLD_LINE, 0.065)
        for k in range(6):
            y = sy - 0.25 - 0.34 * k
            b.circle((0, y), 0.05, GOLD_LINE, outline=GOLD_DARK, width=0.01)
            b.line([(-0.2, y), (0.2, y)], GOLD_LINE, 0.015)
        for sign in (-1, 1):
            spaulder(b, sign * (sx - 0.3), sy, sign, stops=GOLD, lames=2, trim=(250, 230, 170))
        face.put(b, "body")

    def head(self, face):
        forehead_shadow(face, 0.3, strength=90)
        s = face.sketch((-1.1, -1.5, 1.1, 3.5))
        right = bezier((0.6, 0.45), (0.52, 1.3), (0.36, 2.1), (0.25, 2.55), 20)
        cone = join(right, arc(0, 2.55, 0.25, 0.12, 0, 180, 12), mirror(right))
        s.shade(cone, felt_ornament())
        for k in range(5):
            y = 0.72 + 0.38 * k
            w = 0.16 - 0.018 * k
            s.poly(
                [(0, y - w), (w, y), (0, y + w), (-w, y)],
                (226, 182, 84),
                outline=(110, 70, 20),
                width=0.01,
            )
            s.circle((0, y), w * 0.35, CORAL)
            for sign in (-1, 1):
                x = sign * (0.34 - 0.04 * k)
                s.circle((x, y + 0.1), 0.045, (222, 222, 228), outline=(120, 120, 130), width=0.008)
        cap = arc(0, 2.55, 0.28, 0.22, 0, 180, 18)
        s.gradient(join(cap, [(-0.28, 2.52), (0.28, 2.52)]), GOLD, (-0.28, 2.6), (0.28, 2.6))
        face.put(s, "head", crown=True)
        f = face.sketch((-0.8, 2.5, 0.8, 3.5))
        uki(f, (0.0, 2.72), 0.62, count=5, spread=50, lean=-6)
        face.put(f, "head")
        s = face.sketch((-1.1, -1.5, 1.1, 0.7))
        band(s, 0.27, 0.34, 0.2, 0.66, studs=9)
        for x, y in rim_curve(0.27, 0.34, 0.56, 13):
            s.line([(x, y), (x, y - 0.07)], (190, 146, 56), 0.01)
            s.circle((x, y - 0.085), 0.022, (230, 186, 90), outline=(110, 70, 20), width=0.005)
        for sign in (-1, 1):
            for k in range(3):
                bead_string(
                    s, (sign * (0.6 + 0.07 * k), 0.34), 1.25 - 0.15 * k, 0.032, sway=sign * 0.04 * k
                )
        face.put(s, "head")


# --- the kalpak and the archer -----------------------------------------------------------

SILVER = [
    (0.0, (96, 100, 108)),
    (0.25, (178, 184, 192)),
    (0.42, (246, 248, 250)),
    (0.6, (188, 192, 200)),
    (1.0, (88, 92, 100)),
]
FELT_WHITE = (238, 232, 216)
VELVET_BLACK = (30, 28, 34)


def white_felt(color=FELT_WHITE, width=0.6):
    """Thick white felt: a soft fuzz, lit from the upper left, rounded at the sides."""
    base = np.asarray(color, np.float32)
    fuzz = noise_tile(12, 1.2, 1.2)
    mottle = noise_tile(13, 5, 5)

    def paint(u, v):
        a = sample(fuzz, u, v, 0.25, 0.25)
        b = sample(mottle, u, v, 1.2, 1.2)
        half = np.maximum(width - 0.12 * np.maximum(v - 0.5, 0), 0.15)
        x = np.clip(u / half, -1.2, 1.2)
        light = 0.8 + 0.22 * np.cos(np.clip((x + 0.35) * 1.25, -1.5, 1.5)) - 0.1 * x**4
        light = light * (0.95 + 0.06 * a + 0.05 * b)
        color = base * light[..., None]
        # a cooler, bluish shadow side, as white things are in daylight
        cool = np.clip(x * 0.6, 0, 0.5)[..., None] * np.array([-16, -6, 10], np.float32)
        return _opaque(np.clip(color + cool, 0, 255))

    return paint


def brocade(color, line=(214, 170, 80), seed=4, scale=0.34):
    """Silk brocade: cloth with a faint woven pattern of lozenges and little rosettes."""
    base = cloth(color, sheen=0.4, seed=seed)
    gold = np.asarray(line, np.float32)

    def fract(x):
        return x - np.floor(x)  # x % 1, but several times faster on float32

    def paint(u, v):
        out = base(u, v)
        inv = np.float32(1 / scale)
        a = np.abs(fract((u + v * 0.5) * inv) - 0.5)
        b = np.abs(fract((u - v * 0.5) * inv) - 0.5)
        lattice = np.exp(np.square(np.minimum(a, b) * np.float32(1 / 0.035)) * -1) * 0.22
        cu = fract(u * (inv * 2)) - 0.5
        cv = fract(v * inv) - 0.5
        rosette = np.exp((np.square(cu) + np.square(cv)) * np.float32(-1 / 0.09**2)) * 0.45
        t = np.clip(lattice + rosette, 0, 0.6)[..., None]
        rgb = out[..., :3]
        light = (rgb[..., 0] + rgb[..., 1] + rgb[..., 2])[..., None] * np.float32(
            1 / 3 / max(1.0, sum(color) / 3)
        )
        out[..., :3] = rgb * (1 - t) + gold * np.clip(light, 0.4, 1.3) * t
        return out

    return paint


def leather(color, seed=14, grain=0.12):
    """Soft leather: a mottled grain, gentle creases along +v and rounded sides."""
    base = np.asarray(color, np.float32)
    mottle = noise_tile(seed, 2.5, 2.5)
    creases = noise_tile(seed + 1, 5, 24)

    def paint(u, v):
        m = sample(mottle, u, v, 0.7, 0.7)
        c = sample(creases, u, v, 1.8, 3.0)
        light = 0.7 + grain * (m - 0.5) * 2 + 0.28 * c
        light = light + 0.14 * np.cos(np.clip(u * 0.7, -1.5, 1.5))
        return _opaque_mix((base, light))

    paint.coarse = 2  # a soft grain: half the canvas's resolution is enough
    return paint


def fur_fringe(d, outline, center, color, seed=0, length=(0.03, 0.07), per_point=3):
    """Loose hairs standing out of a fur edge, so the fur does not end in a hard line."""
    rng = np.random.default_rng(seed)
    center = np.asarray(center, np.float64)
    hairs, tones = [], []
    for x, y in outline:
        out = np.array([x, y]) - center
        out /= np.linalg.norm(out) + 1e-6
        for _ in range(per_point):
            start = np.array([x, y]) - out * 0.03 + rng.normal(0, 0.012, 2)
            tip = start + out * rng.uniform(*length) + rng.normal(0, 0.015, 2)
            tone = rng.uniform(0.6, 1.1)
            hairs.append((start, tip))
            tones.append(tuple(int(min(255, c * tone)) for c in color))
    d.lines(hairs, tones, 0.012)


def curl_ornament(d, center, size, color, width):
    """A ram's-horn curl (qoshqar muiz) stitched in thread: two spirals out of one stem."""
    cx, cy = center
    top = cy + 0.3 * size
    d.line([(cx, cy - 0.6 * size), (cx, top)], color, width)
    theta = np.radians(np.linspace(180, -200, 40))
    radius = size * np.linspace(0.5, 0.14, 40)
    for side in (-1, 1):
        xs = cx + side * 0.5 * size + side * radius * np.cos(theta)
        ys = top + radius * np.sin(theta)
        d.line(np.stack([xs, ys], axis=1), color, width)


def karakul(base=(30, 27, 28), shine=(126, 120, 118)):
    """Karakul (astrakhan) lamb: tight glossy curls, the iso-lines of a fine noise."""
    base_c, shine_c = (np.asarray(c, np.float32) for c in (base, shine))
    fine = noise_tile(21, 3.0, 3.0)
    coarse = noise_tile(22, 6, 6)

    def paint(u, v):
        n = sample(fine, u, v, 1.0, 1.0)
        curls = np.abs(np.sin(n * 10.0))
        hi = np.clip((curls - 0.75) / 0.25, 0, 1) ** 1.5
        low = np.clip((0.3 - curls) / 0.3, 0, 1)
        t = (hi * (0.55 + 0.45 * sample(coarse, u, v, 1.0, 1.0)))[..., None]
        color = base_c * (1 - 0.5 * low[..., None]) * (1 - t) + shine_c * t
        shade = 0.55 + 0.45 * np.cos(np.clip(u * 1.6, -1.5, 1.5)) ** 0.7
        return _opaque(color * shade[..., None])

    return paint


def lumpy(outline, amount, seed=0):
    """An outline pushed out in little bumps (a curly fleece's edge)."""
    pts = np.asarray(outline, np.float64)
    center = pts.mean(axis=0)
    out = pts - center
    out /= np.linalg.norm(out, axis=1, keepdims=True) + 1e-9
    rng = np.random.default_rng(seed)
    phase = np.arange(len(pts)) * 1.9 + rng.uniform(0, 6.28)
    return pts + out * amount * (0.6 + 0.4 * np.sin(phase))[:, None]


def stitches(d, pts, color, width, every=2):
    """A running stitch along ``pts``: every other short segment drawn."""
    pts = np.asarray(pts, np.float64)
    d.lines([pts[i : i + 2] for i in range(0, len(pts) - 1, every)], color, width)


def resample(pts, step):
    """Points at even ``step`` intervals along a polyline."""
    pts = np.asarray(pts, np.float64)
    seg = np.linalg.norm(np.diff(pts, axis=0), axis=1)
    dist = np.concatenate([[0], np.cumsum(seg)])
    at = np.arange(0, dist[-1], step)
    return np.stack([np.interp(at, dist, pts[:, 0]), np.interp(at, dist, pts[:, 1])], axis=1)


class Kalpak(Look):
    """A biy's tall white felt kalpak with a black-lined brim, a brocade robe trimmed with
    sable and a belt of silver plaques."""

    def body(self, face):
        sx, sy = face.shoulders
        b = face.body_sketch((-sx - 1.8, -5.0, sx + 1.8, 0.4))
        # the kamzol (waistcoat) showing between the robe's fronts, and its standing collar
        b.shade(torso(0.3, -0.3, face.shoulders, v_depth=0.05), cloth((70, 30, 52), sheen=0.3))
        collar = join(
            bezier((-0.3, -0.06), (-0.22, -0.36), (0.22, -0.36), (0.3, -0.06), 12),
            bezier((0.26, -0.2), (0.12, -0.42), (-0.12, -0.42), (-0.26, -0.2), 12),
        )
        b.shade(collar, cloth((92, 40, 68), sheen=0.3))
        b.line(
            bezier((-0.28, -0.14), (-0.2, -0.38), (0.2, -0.38), (0.28, -0.14), 12), GOLD_LINE, 0.014
        )
        for k in range(5):
            b.circle((0, -0.62 - 0.3 * k), 0.035, GOLD_LINE, outline=GOLD_DARK, width=0.008)
        # the robe: green silk brocade, open at the front
        inners = {}
        for sign in (-1, 1):
            inner = bezier(
                (sign * 0.34, -0.1),
                (sign * 0.5, -0.7),
                (sign * 0.36, sy - 0.9),
                (sign * 0.42, -5.0),
                16,
            )
            inners[sign] = inner
            shoulder = [(sign * 0.44, 0.0), (sign * 0.74, 0.1), (sign * (sx + 1.7), 0.1)]
            half = join(shoulder, [(sign * (sx + 1.7), -5.0)], inner[::-1])
            b.shade(half, brocade((22, 96, 72), seed=6 + sign))
        # broad sable trim down both fronts and round the back of the neck: a soft roll,
        # lighter along its middle, with loose hairs at the edges
        f = face.body_sketch((-sx - 1.8, -5.0, sx + 1.8, 0.5))
        for sign in (-1, 1):
            inner = inners[sign]
            outer = bezier(
                (sign * 1.2, 0.06),
                (sign * 1.3, -0.7),
                (sign * 0.86, sy - 1.0),
                (sign * 0.84, -5.0),
                16,
            )
            neck = bezier(
                (sign * 0.34, -0.1), (sign * 0.4, 0.08), (sign * 0.8, 0.14), (sign * 1.2, 0.06), 8
            )
            b.line(outer, GOLD_DARK, 0.07)
            b.line(outer, GOLD_LINE, 0.035)
            trim = join(neck, outer, inner[::-1])
            f.shade(trim, fur(base=(84, 54, 36), tip=(204, 170, 128), dark=(30, 19, 14)))
            middle = (outer + inner) / 2
            f.line(middle[2:], (230, 196, 150, 30), 0.2)
            f.line(outer + np.array([-sign * 0.04, 0]), (20, 12, 8, 90), 0.05)
            fur_fringe(f, outer[::2], (sign * 3.0, sy - 0.6), (120, 84, 56), seed=3 + sign)
            fur_fringe(f, inner[::2], (-sign * 2.0, sy - 0.6), (120, 84, 56), seed=5 + sign)
            fur_fringe(f, neck[1:-1], (sign * 0.7, -0.6), (120, 84, 56), seed=7 + sign)
        f.blur(0.006)
        face.put(b, "body")
        face.put(f, "body")
        b = face.body_sketch((-sx - 1.8, -5.0, sx + 1.8, 0.4))
        # the belt: leather with silver plaques, each set with coral or turquoise
        belt = sy - 1.75
        b.line([(-sx - 1.6, belt), (sx + 1.6, belt)], (40, 26, 18), 0.22)
        b.line([(-sx - 1.6, belt + 0.1), (sx + 1.6, belt + 0.1)], (120, 96, 70), 0.012)
        b.line([(-sx - 1.6, belt - 0.1), (sx + 1.6, belt - 0.1)], (120, 96, 70), 0.012)
        for i, x in enumerate(np.linspace(-1.5, 1.5, 9)):
            w = 0.13 if i == 4 else 0.09
            plate = [
                (x - w, belt + 0.1),
                (x + w, belt + 0.1),
                (x + w, belt - 0.1),
                (x - w, belt - 0.1),
            ]
            b.gradient(plate, SILVER, (x - w, belt + 0.1), (x + w, belt - 0.1))
            b.poly(
                [(x, belt + 0.075), (x + w * 0.7, belt), (x, belt - 0.075), (x - w * 0.7, belt)],
                (150, 154, 162),
                outline=(80, 84, 92),
                width=0.006,
            )
            b.circle(
                (x, belt),
                0.03,
                CORAL if i % 2 == 0 else TURQUOISE,
                outline=(70, 70, 76),
                width=0.005,
            )
        face.put(b, "body")

    def head(self, face):
        forehead_shadow(face, 0.26, depth=0.13, half_width=0.45, strength=120)
        s = face.sketch((-1.0, 0.0, 1.0, 2.1))
        # the tall crown of white felt, four panels joined by black cord
        right = bezier((0.58, 0.4), (0.57, 1.0), (0.36, 1.6), (0.0, 1.86), 26)
        crown = join([(0.58, 0.3)], right, mirror(right), [(-0.58, 0.3)])
        felt = white_felt(width=0.58)

        def felt_in_the_brims_shadow(u, v):
            out = felt(u, v)
            brim_top = 0.56 + 0.16 * np.clip(1 - (u / 0.6) ** 2, 0, 1)
            dark = 1 - 0.2 * np.clip(1 - (v - brim_top) / 0.22, 0, 1)
            out[..., :3] *= dark[..., None]
            return out

        s.shade(crown, felt_in_the_brims_shadow)
        for x in (-0.3, 0.3):
            seam = bezier((x * 1.02, 0.5), (x * 1.06, 1.05), (x * 0.62, 1.56), (0, 1.84), 16)
            s.line(seam, (64, 58, 58), 0.018)
            for p in seam[1:-2]:
                s.circle(tuple(p + np.array([0.018, 0])), 0.006, (120, 112, 104))
        s.line(bezier((0.0, 0.55), (0.0, 1.1), (0.0, 1.6), (0, 1.84), 12), (64, 58, 58), 0.016)
        s.circle((0, 1.87), 0.045, (40, 34, 32), outline=(20, 18, 18), width=0.006)
        face.put(s, "head", crown=True)
        # the brim, turned up: black velvet lining, split at the front into two horns
        f = face.sketch((-1.0, 0.0, 1.0, 1.1))
        for sign in (-1, 1):
            low = rim_curve(0.24, 0.32, 0.74)
            low = low[low[:, 0] * sign >= 0.03]
            if sign < 0:
                low = low[::-1]
            top = bezier(
                (sign * 0.76, 0.4),
                (sign * 0.75, 0.58),
                (sign * 0.42, 0.56),
                (sign * 0.14, 0.75),
                18,
            )
            tip = bezier(
                (sign * 0.14, 0.75),
                (sign * 0.06, 0.79),
                (sign * 0.03, 0.5),
                (sign * 0.035, 0.25),
                10,
            )
            flap = join(low, top, tip)
            f.shade(flap, cloth(VELVET_BLACK, sheen=0.7, seed=8))
            edge = join(top, tip[:4])
            f.line(edge, (246, 242, 230), 0.03)
            inner_edge = bezier(
                (sign * 0.71, 0.42),
                (sign * 0.7, 0.53),
                (sign * 0.42, 0.5),
                (sign * 0.14, 0.68),
                14,
            )
            f.line(inner_edge, GOLD_LINE, 0.012)
            curl_ornament(f, (sign * 0.42, 0.4), 0.1, GOLD_LINE, 0.012)
        f.blur(0.002)
        face.put(f, "head", crown=True)


def _along(origin, axis, normal, pts):
    """Points given as (distance along ``axis``, distance along ``normal``) from ``origin``."""
    pts = np.asarray(pts, np.float64).reshape(-1, 2)
    return np.asarray(origin) + np.outer(pts[:, 0], axis) + np.outer(pts[:, 1], normal)


def steppe_bow(d, bridge, angle, half=3.6, depth=0.9):
    """A strung composite bow slung across the back: ``bridge`` is the upper string bridge,
    ``angle`` the tilt of the string from the vertical (degrees, leaning to the right).

    Wood in the core, horn on the belly (the cream edge), sinew and birch bark on the back
    (the dark red), bound with thread where the stiff ears (siyah) meet the limbs."""
    a = math.radians(angle)
    axis = np.array([math.sin(a), -math.cos(a)])  # from the upper bridge down the string
    normal = np.array([-math.cos(a), -math.sin(a)])  # the side the limbs bow out to
    limb = [(0, 0), (0.45, depth * 0.42), (1.5, depth * 0.85), (half, depth)]
    ear = [(0, 0), (-0.25, 0.03), (-0.5, 0.12), (-0.75, 0.32)]
    for sign in (1, -1):  # the upper and lower halves
        base = (0, 0) if sign > 0 else (2 * half, 0)

        def place(pts, sign=sign, base=base):
            pts = np.asarray(pts, np.float64)
            return _along(
                bridge, axis, normal, np.stack([base[0] + sign * pts[:, 0], pts[:, 1]], 1)
            )

        stave = place(bezier(*limb, 24))
        siyah = place(bezier(*ear, 8))
        d.line(stave, (62, 26, 20), 0.13)
        d.line(stave, (128, 46, 34), 0.1)
        d.line(place(np.array(bezier(*limb, 24)) + (0, -0.035)), (232, 214, 176), 0.026)
        d.line(siyah, (62, 40, 24), 0.085)
        d.line(siyah, (214, 190, 146), 0.06)
        for k in (0.02, 0.09):  # the thread binding at the string bridge
            d.line(place(np.array([[k, -0.02], [k, 0.05]])), (236, 206, 140), 0.03)
        d.circle(tuple(siyah[-1]), 0.035, (244, 232, 204), outline=(90, 70, 50), width=0.008)
    grip = _along(bridge, axis, normal, [(half - 0.22, depth), (half + 0.22, depth)])
    d.line(grip, (60, 36, 24), 0.15)


def bow_string(d, bridge, angle, half=3.6, below=None):
    """The string from the upper ear's tip, over the string bridge, to the lower bridge."""
    a = math.radians(angle)
    axis = np.array([math.sin(a), -math.cos(a)])
    normal = np.array([-math.cos(a), -math.sin(a)])
    pts = _along(bridge, axis, normal, [(-0.73, 0.29), (0, -0.02), (2 * half, -0.02)])
    if below is not None:  # only the part under the given height (where it lies on the body)
        t = (below - pts[1, 1]) / (pts[2, 1] - pts[1, 1])
        pts = np.array([pts[1] + (pts[2] - pts[1]) * max(0.0, t), pts[2]])
    d.line(pts, (70, 56, 40), 0.024)
    d.line(pts, (238, 228, 204), 0.014)


def arrow_fletch(d, nock, direction, length, colors):
    """An arrow's end: the shaft's nock and two vanes of feather, barred."""
    direction = np.asarray(direction, np.float64)
    direction /= np.linalg.norm(direction)
    side = np.array([-direction[1], direction[0]])
    nock = np.asarray(nock, np.float64)
    start = nock - direction * 0.06
    end = start - direction * length
    for sgn in (-1, 1):
        vane = [
            start,
            start - direction * length * 0.2 + sgn * side * 0.075,
            end + direction * length * 0.05 + sgn * side * 0.07,
            end - direction * 0.05,
        ]
        d.poly(vane, colors[0], outline=(60, 46, 36), width=0.006)
        for k in (0.35, 0.6, 0.85):
            p = start - direction * length * k
            d.line(
                [p + sgn * side * 0.01, p + sgn * side * 0.066 - direction * 0.03], colors[1], 0.03
            )
    d.line([nock, end - direction * 0.2], (196, 160, 104), 0.028)
    d.line([nock, nock - direction * 0.05], (48, 34, 26), 0.034)


class Archer(Look):
    """A mergen: a leather kaftan, a quiver of arrows on the back, a strung composite bow
    slung across the body and a pointed cap edged with karakul, with an owl's feather."""

    BOW_BRIDGE = (-0.92, 1.12)  # body units: the upper string bridge, beside the left shoulder
    BOW_ANGLE = 22

    def back(self, face):
        s = face.body_sketch((-2.6, -3.0, 2.6, 2.6))
        # the quiver (qoramsaq) behind the right shoulder, arrows fanned out of its mouth
        q_axis = np.array([math.sin(math.radians(18)), math.cos(math.radians(18))])
        q_side = np.array([q_axis[1], -q_axis[0]])
        mouth = np.array([1.08, 0.02])
        fletch_colors = [
            ((240, 236, 226), (92, 74, 60)),
            ((178, 44, 40), (240, 220, 200)),
            ((214, 204, 188), (70, 56, 46)),
        ]
        for i, lean in enumerate((-14, -7, 0, 6, 12, 18)):
            a = math.radians(18 + lean)
            direction = np.array([math.sin(a), math.cos(a)])
            start = mouth + q_side * (i - 2.5) * 0.045
            nock = start + direction * (0.95 + 0.12 * math.cos(i * 1.7))
            s.line([start, nock], (196, 160, 104), 0.026)
            arrow_fletch(s, nock, direction, 0.36, fletch_colors[i % 3])
        tube = [
            mouth - q_side * 0.2,
            mouth + q_side * 0.2,
            mouth + q_side * 0.15 - q_axis * 3.0,
            mouth - q_side * 0.15 - q_axis * 3.0,
        ]
        s.shade(tube, leather((128, 48, 30), seed=20))
        lip = [mouth - q_side * 0.23, mouth + q_side * 0.23]
        s.line(lip, GOLD_DARK, 0.1)
        s.line(lip, GOLD_LINE, 0.07)
        for k in (0.35, 0.75):
            band_pts = [mouth - q_side * 0.2 - q_axis * k, mouth + q_side * 0.2 - q_axis * k]
            s.line(band_pts, GOLD_LINE, 0.035)
        # the bow across the back, its upper ear above the left shoulder
        steppe_bow(s, self.BOW_BRIDGE, self.BOW_ANGLE)
        bow_string(s, self.BOW_BRIDGE, self.BOW_ANGLE)
        face.put(s, "back")

    def body(self, face):
        sx, sy = face.shoulders
        b = face.body_sketch((-sx - 1.8, -5.0, sx + 1.8, 0.4))
        kaftan = leather((136, 88, 50))
        b.shade(torso(0.34, -0.4, face.shoulders, v_depth=0.05), kaftan)
        # the overlapping front, closing diagonally to the right, with a green silk edge
        edge = bezier((-0.3, -0.28), (0.1, -0.55), (0.62, sy - 0.3), (0.64, -5.0), 18)
        flap = join(
            edge, [(-sx - 1.8, -5.0), (-sx - 1.8, 0.1), (-0.74, 0.1), (-0.44, 0.0), (-0.34, -0.12)]
        )
        b.shade(flap, leather((146, 96, 56), seed=16))
        shadow = edge + np.array([0.05, -0.03])
        b.line(shadow, (60, 36, 20, 150), 0.06)
        # a yoke of darker leather over the shoulders, stitched along its edge
        for sign in (-1, 1):
            yoke_edge = bezier(
                (sign * (sx + 1.8), sy - 0.25),
                (sign * (sx - 0.2), sy - 0.45),
                (sign * 0.7, sy - 0.35),
                (sign * 0.36, -0.12),
                16,
            )
            yoke = join(
                yoke_edge, [(sign * 0.44, 0.0), (sign * 0.74, 0.1), (sign * (sx + 1.8), 0.1)]
            )
            b.shade(yoke, leather((96, 56, 32), seed=18))
            b.line(yoke_edge + np.array([0, -0.02]), (50, 28, 16, 140), 0.04)
            stitches(b, resample(yoke_edge + np.array([0, 0.05]), 0.035), (226, 196, 140), 0.012)
        b.line(edge, (24, 70, 52), 0.13)
        b.line(edge, (214, 170, 80), 0.02)
        stitches(b, resample(edge + np.array([-0.1, 0.0]), 0.035), (222, 192, 136), 0.012)
        collar = join(
            bezier((-0.34, -0.1), (-0.3, -0.42), (0.3, -0.42), (0.34, -0.1), 14),
            bezier((0.24, -0.2), (0.18, -0.3), (-0.18, -0.3), (-0.24, -0.2), 10),
        )
        b.poly(collar, (30, 80, 58))
        b.line(
            bezier((-0.3, -0.2), (-0.22, -0.38), (0.22, -0.38), (0.3, -0.2), 12), GOLD_LINE, 0.014
        )
        for t in (0.25, 0.45, 0.62):
            p = edge[int(t * (len(edge) - 1))]
            b.line([p + (-0.09, 0.02), p + (0.09, -0.02)], (222, 190, 120), 0.035)
            b.circle(tuple(p + (0.1, -0.02)), 0.03, GOLD_LINE, outline=GOLD_DARK, width=0.006)
        # the quiver's strap, from the right shoulder down to the left hip, with brass studs
        strap = [(1.2, 0.25), (-sx - 0.2, sy - 2.6)]
        b.line(strap, (46, 26, 16), 0.2)
        b.line(strap, (92, 52, 28), 0.16)
        start, end = (np.asarray(p) for p in strap)
        for t in np.linspace(0.08, 0.9, 7):
            b.circle(
                tuple(start + (end - start) * t),
                0.028,
                (226, 182, 92),
                outline=GOLD_DARK,
                width=0.006,
            )
        # the bow's string across the chest
        bow_string(b, self.BOW_BRIDGE, self.BOW_ANGLE, below=-0.05)
        # a belt with a brass buckle
        belt = sy - 1.8
        b.line([(-sx - 1.6, belt), (sx + 1.6, belt)], (46, 28, 18), 0.16)
        buckle = [(-0.12, belt + 0.1), (0.12, belt + 0.1), (0.12, belt - 0.1), (-0.12, belt - 0.1)]
        b.gradient(buckle, BRONZE, (-0.12, belt + 0.1), (0.12, belt - 0.1))
        face.put(b, "body")

    def head(self, face):
        forehead_shadow(face, 0.24, depth=0.13, strength=120)
        s = face.sketch((-1.0, 0.0, 1.0, 1.9))
        right = bezier((0.58, 0.42), (0.64, 0.95), (0.34, 1.42), (0.0, 1.62), 24)
        crown = join([(0.58, 0.35)], right, mirror(right), [(-0.58, 0.35)])
        s.shade(crown, cloth((30, 86, 60), sheen=0.5, seed=11))
        for x in (-0.3, 0.0, 0.3):
            seam = bezier((x * 1.7, 0.5), (x * 1.6, 1.0), (x * 0.8, 1.4), (0, 1.6), 14)
            s.line(seam, GOLD_DARK, 0.03)
            s.line(seam, GOLD_LINE, 0.016)
        s.circle((0, 1.63), 0.06, (222, 176, 76), outline=GOLD_DARK, width=0.01)
        face.put(s, "head", crown=True)
        f = face.sketch((-1.0, 0.3, 1.2, 1.6))
        feather(f, (0.36, 0.5), 0.8, 0.12, 16, seed=3)
        f.blur(0.002)
        face.put(f, "head")
        # a narrow band of curly karakul
        k = face.sketch((-1.0, 0.0, 1.0, 0.8))
        low = rim_curve(0.2, 0.3, 0.64)
        high = rim_curve(0.52, 0.46, 0.66)
        end = arc(0.64, 0.38, 0.1, 0.15, -80, 85, 10)
        roll = lumpy(resample(join(low, end, high[::-1], mirror(end), low[:1]), 0.05), 0.022)
        k.shade(roll, karakul())
        k.line(resample(high, 0.02), (150, 140, 132, 60), 0.02)
        k.blur(0.002)
        face.put(k, "head", crown=True)


def _grade(warm, contrast, saturation, vignette):
    return {"warm": warm, "contrast": contrast, "saturation": saturation, "vignette": vignette}


LOOKS = {
    look.key: look
    for look in (
        Dulyga(
            key="dulyga", kind="batyr", palette="sunset", top=2.0, rim=0.28,
            accent=(176, 38, 42), grade=_grade(1.05, 1.1, 1.05, 0.35),
        ),
        Borik(
            key="borik", kind="batyr", palette="noon", top=1.55, rim=0.3,
            accent=(36, 60, 140), grade=_grade(1.02, 1.06, 1.08, 0.25),
        ),
        UkiHelmet(
            key="uki-helmet", kind="amazon", palette="dawn", top=2.3, rim=0.34,
            accent=(16, 110, 116), grade=_grade(1.0, 1.05, 1.0, 0.3),
        ),
        Saukele(
            key="saukele", kind="amazon", palette="golden", top=3.45, rim=0.34,
            accent=(150, 26, 46), grade=_grade(1.04, 1.08, 1.06, 0.3),
        ),
        Kalpak(
            key="kalpak", kind="batyr", palette="dawn", top=2.0, rim=0.3,
            accent=(20, 96, 72), grade=_grade(1.03, 1.07, 1.04, 0.3),
        ),
        Archer(
            key="archer", kind="batyr", palette="golden", top=1.7, rim=0.3,
            accent=(120, 70, 36), grade=_grade(1.04, 1.08, 1.05, 0.3),
        ),
    )
}  # fmt: skip
