"""The steppe behind the portrait, drawn from scratch: sky, mountains, hills, yurts, a banner."""

import functools
import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter


@dataclass(frozen=True)
class Palette:
    sky_top: tuple
    sky_horizon: tuple
    sun: tuple
    sun_pos: tuple  # (x, y) as shares of the width and height
    mountains: tuple
    snow: tuple
    hills_far: tuple
    hills_near: tuple
    ground: tuple
    ground_front: tuple
    felt: tuple  # the yurt's felt
    banner: tuple
    seed: int


PALETTES = {
    # evening: warm low sun behind far ranges
    "sunset": Palette(
        sky_top=(58, 74, 128),
        sky_horizon=(246, 176, 112),
        sun=(255, 214, 150),
        sun_pos=(0.22, 0.5),
        mountains=(120, 104, 138),
        snow=(236, 214, 214),
        hills_far=(150, 120, 90),
        hills_near=(120, 108, 62),
        ground=(168, 140, 74),
        ground_front=(110, 92, 48),
        felt=(236, 222, 200),
        banner=(170, 34, 40),
        seed=3,
    ),
    # midday: deep blue sky over green summer pasture (jailau)
    "noon": Palette(
        sky_top=(38, 104, 184),
        sky_horizon=(170, 210, 236),
        sun=(255, 250, 225),
        sun_pos=(0.82, 0.12),
        mountains=(96, 124, 160),
        snow=(246, 250, 255),
        hills_far=(104, 146, 98),
        hills_near=(86, 132, 66),
        ground=(132, 160, 78),
        ground_front=(84, 112, 50),
        felt=(244, 240, 230),
        banner=(0, 132, 180),
        seed=7,
    ),
    # dawn: pale rose and lilac
    "dawn": Palette(
        sky_top=(92, 110, 170),
        sky_horizon=(250, 204, 190),
        sun=(255, 236, 210),
        sun_pos=(0.75, 0.56),
        mountains=(132, 126, 170),
        snow=(252, 236, 240),
        hills_far=(160, 150, 150),
        hills_near=(126, 132, 104),
        ground=(176, 164, 120),
        ground_front=(112, 108, 76),
        felt=(246, 236, 226),
        banner=(206, 150, 40),
        seed=11,
    ),
    # late afternoon: golden feather grass (ковыль)
    "golden": Palette(
        sky_top=(70, 120, 170),
        sky_horizon=(236, 220, 170),
        sun=(255, 238, 180),
        sun_pos=(0.15, 0.2),
        mountains=(110, 118, 148),
        snow=(244, 244, 248),
        hills_far=(176, 156, 96),
        hills_near=(170, 140, 70),
        ground=(206, 178, 100),
        ground_front=(150, 118, 56),
        felt=(240, 232, 214),
        banner=(150, 30, 60),
        seed=5,
    ),
}

HORIZON = 0.64  # share of the height where the plain meets the hills


def _ridge(xs, rng, base, amplitude, waves):
    """A deterministic irregular skyline: a sum of sines with random phases."""
    y = np.zeros_like(xs)
    total = 0.0
    for i in range(waves):
        freq = (i + 1) * rng.uniform(1.4, 2.4)
        weight = 1.0 / (i + 1) ** 1.2
        y += weight * np.sin(xs * freq * math.pi + rng.uniform(0, 2 * math.pi))
        total += weight
    return base - amplitude * (y / total + 1) / 2


def _mix(a, b, t):
    return tuple(int(a[i] + (b[i] - a[i]) * t) for i in range(3))


def _yurt(draw, cx, ground_y, size, palette):
    """A white felt yurt (kiiz ui): lattice walls, domed roof, the shanyrak ring, a door."""
    w = size
    wall_h = size * 0.42
    roof_h = size * 0.36
    left, right = cx - w / 2, cx + w / 2
    top_wall = ground_y - wall_h
    felt = palette.felt
    shade = _mix(felt, (90, 80, 70), 0.35)
    # walls, a little wider at the bottom
    draw.polygon(
        [
            (left, ground_y),
            (left + w * 0.02, top_wall),
            (right - w * 0.02, top_wall),
            (right, ground_y),
        ],
        fill=felt,
    )
    draw.polygon(
        [
            (right - w * 0.28, ground_y),
            (right - w * 0.27, top_wall),
            (right - w * 0.02, top_wall),
            (right, ground_y),
        ],
        fill=shade,
    )
    # roof: a shallow dome up to the smoke ring
    roof = [(left + w * 0.02, top_wall)]
    for i in range(1, 20):
        t = i / 20
        x = left + w * 0.02 + t * (w * 0.96)
        y = top_wall - roof_h * math.sin(math.pi * t) ** 0.7
        roof.append((x, y))
    roof.append((right - w * 0.02, top_wall))
    draw.polygon(roof, fill=_mix(felt, (255, 255, 255), 0.3))
    # decorated band (baskur) around the top of the wall
    band = size * 0.05
    draw.rectangle(
        [left + w * 0.02, top_wall, right - w * 0.02, top_wall + band], fill=palette.banner
    )
    for i in range(9):
        x = left + w * (0.08 + i * 0.105)
        draw.polygon(
            [(x, top_wall + band * 0.5), (x + band * 0.5, top_wall + band * 0.1),
             (x + band, top_wall + band * 0.5), (x + band * 0.5, top_wall + band * 0.9)],
            fill=(240, 200, 90),
        )  # fmt: skip
    # the shanyrak ring at the crown
    ring_w = w * 0.16
    draw.ellipse(
        [
            cx - ring_w / 2,
            top_wall - roof_h - size * 0.03,
            cx + ring_w / 2,
            top_wall - roof_h + size * 0.03,
        ],
        fill=(120, 80, 50),
    )
    # the wooden door, painted
    dw, dh = w * 0.16, wall_h * 0.72
    draw.rectangle([cx - dw / 2, ground_y - dh, cx + dw / 2, ground_y], fill=(178, 74, 38))
    draw.rectangle(
        [
            cx - dw / 2 + dw * 0.15,
            ground_y - dh + dh * 0.12,
            cx + dw / 2 - dw * 0.15,
            ground_y - dh * 0.1,
        ],
        outline=(240, 190, 90),
        width=max(1, int(size * 0.012)),
    )


def _banner(draw, x, ground_y, height, palette):
    """A standard on a pole with a horse-tail tassel and a swallow-tailed pennant."""
    pole_w = max(2, int(height * 0.02))
    top = ground_y - height
    draw.rectangle([x - pole_w / 2, top, x + pole_w / 2, ground_y], fill=(70, 50, 36))
    draw.polygon(
        [(x, top - height * 0.06), (x - height * 0.025, top), (x + height * 0.025, top)],
        fill=(230, 190, 80),
    )
    flag = [(x + pole_w / 2, top + height * 0.02)]
    for i in range(1, 13):
        t = i / 12
        flag.append(
            (
                x + pole_w / 2 + t * height * 0.42,
                top + height * 0.02 + math.sin(t * 4) * height * 0.02,
            )
        )
    flag += [
        (x + height * 0.34, top + height * 0.13),
        (x + height * 0.44, top + height * 0.26),
        (x + pole_w / 2, top + height * 0.24),
    ]
    draw.polygon(flag, fill=palette.banner)
    # a tassel of horse hair under the finial
    for i in range(7):
        dx = (i - 3) * height * 0.006
        draw.line(
            [(x, top + height * 0.005), (x + dx * 2, top + height * 0.09)],
            fill=(40, 30, 26),
            width=pole_w,
        )


def _eagle(draw, x, y, span, color):
    """A golden eagle (berkut) gliding: a shallow M of a silhouette."""
    pts = [
        (x - span / 2, y + span * 0.02),
        (x - span * 0.22, y - span * 0.1),
        (x - span * 0.05, y + span * 0.02),
        (x, y + span * 0.05),
        (x + span * 0.05, y + span * 0.02),
        (x + span * 0.22, y - span * 0.1),
        (x + span / 2, y + span * 0.02),
        (x + span * 0.2, y - span * 0.03),
        (x, y + span * 0.12),
        (x - span * 0.2, y - span * 0.03),
    ]
    draw.polygon(pts, fill=color)


def _caps(draw, xs, ridge, snowline, depth, w, color):
    """Snow on every peak above ``snowline``: a band that follows the ridge down ``depth``."""
    above = ridge < snowline
    start = None
    for i in range(len(xs) + 1):
        if i < len(xs) and above[i]:
            if start is None:
                start = i
            continue
        if start is not None and i - start > 1:
            seg = slice(start, i)
            top = [(x * w, y) for x, y in zip(xs[seg], ridge[seg], strict=True)]
            wobble = np.sin(xs[seg] * 70) * depth * 0.45 + np.sin(xs[seg] * 23 + 1) * depth * 0.3
            bottom = np.minimum(ridge[seg] + depth * 0.8 + wobble, snowline)
            low = [(x * w, y) for x, y in zip(xs[seg], bottom, strict=True)]
            draw.polygon(top + low[::-1], fill=color)
        start = None


MASTER_ASPECT = 1.8  # wide enough for the widest picture (see compose.MAX_ASPECT)


@functools.lru_cache(maxsize=8)
def _master(palette_name, height):
    """The full-width scene for one palette; views are cut from its centre."""
    pal = PALETTES[palette_name]
    rng = np.random.default_rng(pal.seed)
    h = height
    w = int(math.ceil(h * MASTER_ASPECT))
    cx = w / 2
    horizon = h * HORIZON

    # sky: a vertical ramp bent towards the horizon colour, and the sun's halo
    ys = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    t = np.clip(ys / HORIZON, 0, 1) ** 1.6
    sky = (
        np.asarray(pal.sky_top, np.float32) * (1 - t) + np.asarray(pal.sky_horizon, np.float32) * t
    )
    sky = np.broadcast_to(sky, (h, w, 3)).copy()
    sx, sy = cx + (pal.sun_pos[0] - 0.5) * h * 0.8, pal.sun_pos[1] * h
    yy, xx = np.ogrid[0:h, 0:w]
    dist = np.hypot((xx - sx).astype(np.float32), (yy - sy).astype(np.float32))
    halo = np.clip(1 - dist / (0.6 * h), 0, 1) ** 3
    sky += (np.asarray(pal.sun, np.float32) - sky) * (halo * 0.75)[..., None]
    disc = np.clip((0.035 * h - dist) / 2, 0, 1)
    sky += (np.asarray(pal.sun, np.float32) - sky) * disc[..., None]
    img = Image.fromarray(np.clip(sky, 0, 255).astype(np.uint8), "RGB")

    # clouds: soft streaks, blurred
    clouds = Image.new("L", (w, h), 0)
    cdraw = ImageDraw.Draw(clouds)
    for _ in range(9):
        ccx, ccy = rng.uniform(0, w), rng.uniform(0.06, 0.38) * h
        for _ in range(5):
            rx, ry = rng.uniform(0.07, 0.18) * h, rng.uniform(0.012, 0.03) * h
            ox, oy = rng.uniform(-0.1, 0.1) * h, rng.uniform(-0.015, 0.015) * h
            cdraw.ellipse(
                [ccx + ox - rx, ccy + oy - ry, ccx + ox + rx, ccy + oy + ry],
                fill=int(rng.uniform(60, 130)),
            )
    clouds = clouds.filter(ImageFilter.GaussianBlur(h * 0.012))
    img.paste(Image.new("RGB", (w, h), _mix(pal.sun, (255, 255, 255), 0.6)), mask=clouds)

    draw = ImageDraw.Draw(img)
    xs = np.linspace(0, 1, w // 4 + 2)
    # far mountains with snow caps
    ridge = _ridge(xs * MASTER_ASPECT, rng, horizon - h * 0.05, h * 0.22, 6)
    far = _mix(pal.mountains, pal.sky_horizon, 0.35)
    draw.polygon([(0, h), *[(x * w, y) for x, y in zip(xs, ridge, strict=True)], (w, h)], fill=far)
    _caps(draw, xs, ridge, horizon - h * 0.16, h * 0.05, w, _mix(pal.snow, pal.sky_horizon, 0.2))
    # a second, nearer range
    ridge2 = _ridge(xs * MASTER_ASPECT, rng, horizon - h * 0.01, h * 0.12, 5)
    draw.polygon(
        [(0, h), *[(x * w, y) for x, y in zip(xs, ridge2, strict=True)], (w, h)], fill=pal.mountains
    )
    # rolling hills
    for base, amp, color in (
        (horizon + h * 0.03, h * 0.06, pal.hills_far),
        (horizon + h * 0.08, h * 0.05, pal.hills_near),
    ):
        line = _ridge(xs * MASTER_ASPECT, rng, base, amp, 3)
        draw.polygon(
            [(0, h), *[(x * w, y) for x, y in zip(xs, line, strict=True)], (w, h)], fill=color
        )
    img = img.filter(ImageFilter.GaussianBlur(max(1, h * 0.0025)))  # distance haze
    draw = ImageDraw.Draw(img)

    # the plain: a ramp towards the viewer, with blades of grass
    plain_top = int(horizon + h * 0.11)
    ramp = np.linspace(0, 1, h - plain_top, dtype=np.float32)[:, None, None]
    ground = (
        np.asarray(pal.ground, np.float32) * (1 - ramp)
        + np.asarray(pal.ground_front, np.float32) * ramp
    )
    edge = _ridge(xs * MASTER_ASPECT, rng, plain_top, h * 0.02, 2)
    mask = Image.new("L", (w, h), 0)
    ImageDraw.Draw(mask).polygon(
        [(0, h), *[(x * w, y) for x, y in zip(xs, edge, strict=True)], (w, h)], fill=255
    )
    ground_img = Image.new("RGB", (w, h), pal.ground)
    ground_img.paste(
        Image.fromarray(np.broadcast_to(ground, (h - plain_top, w, 3)).astype(np.uint8), "RGB"),
        (0, plain_top),
    )
    img.paste(ground_img, mask=mask)

    # yurts and a standard on the far plain, either side of where people stand
    _yurt(draw, cx + h * 0.34, plain_top + h * 0.03, h * 0.16, pal)
    _yurt(draw, cx - h * 0.36, plain_top + h * 0.015, h * 0.1, pal)
    _yurt(draw, cx + h * 0.62, plain_top + h * 0.01, h * 0.08, pal)
    _yurt(draw, cx - h * 0.66, plain_top + h * 0.025, h * 0.13, pal)
    _banner(draw, cx - h * 0.24, plain_top + h * 0.02, h * 0.2, pal)
    _eagle(draw, cx + h * 0.22, h * 0.2, h * 0.07, _mix(pal.sky_top, (20, 20, 30), 0.6))

    for _ in range(int(w * 0.9)):
        x = rng.uniform(0, w)
        y = rng.uniform(plain_top + h * 0.04, h)
        depth = (y - plain_top) / (h - plain_top)
        length = h * (0.008 + 0.03 * depth)
        lean = rng.uniform(-0.4, 0.4) * length
        tone = rng.uniform(-0.25, 0.3)
        color = _mix(pal.ground, (255, 240, 200) if tone > 0 else (40, 34, 20), abs(tone))
        draw.line([(x, y), (x + lean, y - length)], fill=color, width=max(1, int(1 + 2 * depth)))

    # the subject stands in front: soften the whole scene a little (depth of field)
    return img.filter(ImageFilter.GaussianBlur(max(1.0, h * 0.0015)))


def steppe(palette_name, width, height):
    """The background, ``width`` x ``height``, cut from the centre of the cached master."""
    master = _master(palette_name, height)
    if width > master.width:
        return master.resize((width, height), Image.Resampling.BILINEAR)
    left = (master.width - width) // 2
    return master.crop((left, 0, left + width, height))
