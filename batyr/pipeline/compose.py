"""Put it together: crop around the people, dress every face, paint the steppe, grade, frame.

A portrait is painted, not pasted: of the photo only the dressed faces are kept, with the hair
a look shows beside the face under its headgear and the neck where it is skin (a collar or a
scarf under the chin is painted over with a neck in the face's own skin tone). Everything else
is the costume, the costume's cloth (an arm held up, a shoulder beyond the robe) or the
painted steppe, so no remnant of the photo's background, clothes or hair shows, and the
frame's bottom edge is costume or steppe. Each face is matched to the scene's light (white
balance, exposure, a gentle tint; ``match_light``) and, with ``finish="painted"``, painted
with the scene's palette (``paint_finish``). People are drawn from back to front (smaller
faces first, see ``depth_order``); no costume covers another dressed face, nor a farther
person's front; passers-by (faces much smaller than the main one) are not dressed and become
the steppe. ``python -m batyr.gallery DIR`` writes contact sheets to look at.
"""

import functools
import io
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from . import errors, looks, vision
from .draw import Frame, Sketch, arc, bezier, join, mirror
from .looks import LOOKS
from .scene import PALETTES, steppe

OUTPUT_HEIGHT = 1024
BORDER = 22  # frame width on the top and sides
BAND = 96  # the frame's bottom band that carries the look's name
MIN_ASPECT, MAX_ASPECT = 0.78, 1.6  # of the whole output (width / height)
FONT_PATH = Path(__file__).resolve().parent.parent / "fonts" / "DejaVuSerif-Bold.ttf"

cv2.setNumThreads(1)


@dataclass
class Placement:
    """Where one face and its headgear ended up, in working-copy pixels."""

    eye_center: tuple
    face_width: float
    roll: float  # radians
    headgear: tuple  # (x0, y0, x1, y1) of the headgear's main piece
    depth: int = 0  # drawing order: 0 was drawn first (farthest back)
    oval: tuple = ()  # the face's outline (face mesh), ((x, y), ...)


@dataclass
class Rendered:
    image: Image.Image  # RGB, OUTPUT_HEIGHT high
    faces_found: int
    faces_dressed: int
    placements: list = field(default_factory=list)  # nearest (drawn last) first
    timings: dict = field(default_factory=dict)
    # working-copy pixels to output pixels: (scale, dx, dy), out = p * scale + (dx, dy)
    transform: tuple = (1.0, 0.0, 0.0)
    finish: str = "photo"

    @property
    def too_many_faces(self):
        return self.faces_found > self.faces_dressed

    def to_output(self, points):
        """Working-copy pixel coordinates (..., 2) to the output image's."""
        scale, dx, dy = self.transform
        return np.asarray(points, np.float64) * scale + (dx, dy)


class Dressing:
    """What a look needs to dress one face: frames, measurements and the layer canvases."""

    def __init__(self, head, body, oval, shoulders, size, layers, clip):
        self.head_frame = head
        self.body_frame = body
        self.oval = oval  # the face outline in head units
        self.shoulders = shoulders  # (half width, height) in body units
        self.size = size
        self.layers = layers
        self.clip = clip
        self.clip_box = _bbox(clip)  # body layers show only in here
        self.drawing_body = False  # set while the look's ``body`` draws
        self.crown_box = None  # canvas pixels covered by the headgear's main piece

    def sketch(self, extent):
        return Sketch(self.head_frame, self.size, extent)

    def body_sketch(self, extent):
        # what a look's ``body`` draws is put on the body layer, seen only inside the clip:
        # its sketches need not reach past the clip's box (``back`` and ``head`` may)
        bounds = (self.clip_box or (0, 0, 0, 0)) if self.drawing_body else None
        return Sketch(self.body_frame, self.size, extent, bounds=bounds)

    def oval_inset(self, amount):
        """The face outline pulled in towards the face's centre by ``amount`` units."""
        center = self.oval.mean(axis=0)
        vec = self.oval - center
        length = np.linalg.norm(vec, axis=1, keepdims=True)
        return center + vec * np.maximum(0, 1 - amount / np.maximum(length, 1e-6))

    def put(self, sketch, layer, crown=False):
        """Composite a finished sketch onto "back", "body" (clipped to the person) or "head".

        ``crown`` marks the headgear's main piece (helmet shell, hat, headdress): its box is
        reported with the result, so tests and callers can check where the headgear sits.
        """
        if sketch.empty:
            return
        if layer != "body":
            bbox = sketch.onto(self.layers[layer])
            if crown and bbox:
                if self.crown_box is None:
                    self.crown_box = bbox
                else:
                    a, b = self.crown_box, bbox
                    self.crown_box = (
                        min(a[0], b[0]),
                        min(a[1], b[1]),
                        max(a[2], b[2]),
                        max(a[3], b[3]),
                    )
            return
        finished = sketch.layer()
        if finished is None:
            return
        layer_img, x0, y0 = finished
        clip = self.clip[y0 : y0 + layer_img.height, x0 : x0 + layer_img.width]
        alpha = np.asarray(layer_img.getchannel("A"), np.float32) * clip
        layer_img.putalpha(Image.fromarray(alpha.astype(np.uint8), "L"))
        self.layers["body"].alpha_composite(layer_img, dest=(x0, y0))


def _figure_box(face, look):
    """The box (working-copy pixels) a dressed face needs: headgear top to mid-chest."""
    frame = Frame(face.eye_center, face.width, face.roll)
    pts = frame.px([(-1.9, look.top), (1.9, look.top), (-2.0, -2.4), (2.0, -2.4)])
    return pts[:, 0].min(), pts[:, 1].min(), pts[:, 0].max(), pts[:, 1].max()


def plan(analysis, look):
    """Choose the crop (working-copy pixels, may reach past the photo's edges) and the size."""
    img_w, img_h = analysis.size
    boxes = np.array([_figure_box(f, look) for f in analysis.faces])
    x0, y0 = boxes[:, 0].min(), boxes[:, 1].min()
    x1, y1 = boxes[:, 2].max(), boxes[:, 3].max()
    pic_h = OUTPUT_HEIGHT - BORDER - BAND
    aspect = (x1 - x0) / (y1 - y0)
    out_aspect = min(MAX_ASPECT, max(MIN_ASPECT, (aspect * pic_h + 2 * BORDER) / OUTPUT_HEIGHT))
    out_w = int(round(out_aspect * OUTPUT_HEIGHT / 16) * 16)
    pic_w = out_w - 2 * BORDER
    target = pic_w / pic_h
    w, h = x1 - x0, y1 - y0
    if w / h < target:  # too tall: widen around the centre
        grow = h * target - w
        x0, x1 = x0 - grow / 2, x1 + grow / 2
    else:  # too wide: show more of the body below
        y1 = y0 + w / target
    w, h = x1 - x0, y1 - y0
    # Keep the bottom inside the photo (no floating cut-off bodies); sky may be added on top.
    if y1 > img_h:
        y0, y1 = y0 - (y1 - img_h), img_h
    # Slide sideways back into the photo when it can be done without losing anyone.
    if x0 < 0 < x1 < img_w:
        shift = min(-x0, img_w - x1)
        x0, x1 = x0 + shift, x1 + shift
    elif x1 > img_w > x0 > 0:
        shift = min(x1 - img_w, x0)
        x0, x1 = x0 - shift, x1 - shift
    return (x0, y0, x1, y1), (pic_w, pic_h), out_w


def _warp(rgb, box, size, border=cv2.BORDER_CONSTANT, interpolation=cv2.INTER_LINEAR):
    x0, y0, x1, _y1 = box
    scale = size[0] / (x1 - x0)
    matrix = np.array([[scale, 0, -x0 * scale], [0, scale, -y0 * scale]], np.float32)
    if scale < 0.7:
        interpolation = cv2.INTER_AREA
    return cv2.warpAffine(rgb, matrix, size, flags=interpolation, borderMode=border)


SEGMENT_SIDE = 448  # the short side the photo is segmented at


def person_mask(work, box, size):
    """Soft person mask in picture pixels, from selfie segmentation on the crop's photo part."""
    img_h, img_w = work.shape[:2]
    x0, y0, x1, y1 = box
    ix0, iy0 = max(0, int(math.floor(x0))), max(0, int(math.floor(y0)))
    ix1, iy1 = min(img_w, int(math.ceil(x1))), min(img_h, int(math.ceil(y1)))
    part = np.ascontiguousarray(work[iy0:iy1, ix0:ix1])
    scale = size[0] / (x1 - x0)
    # the model sees at most 256 px a window: segment at about that, not the photo's size
    scale = min(scale, SEGMENT_SIDE / max(1, min(part.shape[:2])))
    if scale < 1:
        factor = int(1 / scale)
        if factor >= 2:  # whole blocks first: OpenCV's fast path for an integer factor
            part = cv2.resize(
                part,
                (max(1, part.shape[1] // factor), max(1, part.shape[0] // factor)),
                interpolation=cv2.INTER_AREA,
            )
            scale *= factor
        target = (max(1, round(part.shape[1] * scale)), max(1, round(part.shape[0] * scale)))
        if target != (part.shape[1], part.shape[0]):
            part = cv2.resize(
                part, target, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
            )
    small = vision.segment(part)
    scale = size[0] / (x1 - x0)
    sx = (ix1 - ix0) / small.shape[1]
    sy = (iy1 - iy0) / small.shape[0]
    matrix = np.array(
        [[sx * scale, 0, (ix0 - x0) * scale + (sx * scale - 1) / 2],
         [0, sy * scale, (iy0 - y0) * scale + (sy * scale - 1) / 2]],
        np.float32,
    )  # fmt: skip
    return cv2.warpAffine(
        small, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT
    )


def refine_mask(mask, picture):
    """Sharpen the model's blurry edges along the photo's own edges, then feather slightly."""
    h, w = mask.shape
    half = (max(1, w // 2), max(1, h // 2))  # at half size: the model's edges are no finer
    guide = cv2.cvtColor(
        cv2.resize(picture, half, interpolation=cv2.INTER_AREA), cv2.COLOR_RGB2GRAY
    )
    guide = guide.astype(np.float32) / 255
    radius = max(2, picture.shape[0] // 320)
    try:
        refined = cv2.ximgproc.guidedFilter(
            guide, cv2.resize(mask, half, interpolation=cv2.INTER_AREA), radius, 1e-3
        )
        refined = cv2.resize(refined, (w, h), interpolation=cv2.INTER_LINEAR)
    except AttributeError:  # opencv without contrib: keep the model's mask
        refined = mask
    refined = np.clip((refined - 0.35) / 0.3, 0, 1)
    refined = refined * refined * (3 - 2 * refined)
    return cv2.GaussianBlur(refined, (0, 0), max(0.8, picture.shape[0] / 900))


def shoulders(mask, chin, width):
    """Estimate the shoulders below a chin from the person mask: (half width, drop), in face
    widths. The first row below the neck that is clearly wider than the head is taken."""
    h, w = mask.shape
    cx, cy = chin
    x = int(min(w - 1, max(0, cx)))
    for k in np.linspace(0.15, 1.6, 30):
        y = int(cy + k * width)
        if y >= h:
            break
        row = mask[y] > 0.5
        if not row[x]:
            continue
        left = x - np.argmin(row[x::-1]) if not row[x::-1].all() else 0
        right = x + np.argmin(row[x:]) if not row[x:].all() else w - 1
        half = (right - left) / 2 / width
        if half >= 1.3:
            return min(1.7, half * 0.9), -k
    return 1.45, -0.75


def extend_past_sides(mask, box, size, image_size, faces):
    """Where the photo's side edge cuts through a body, carry the body on to the picture's
    edge (below the chins only), so the costume does not end in a straight vertical cut.

    The shoulder's line is continued outwards and downwards at the slope it has at the
    photo's edge (not copied row by row, which left costume rectangles in the corners)."""
    scale = size[0] / (box[2] - box[0])
    top = int(max(0, (min(f.chin[1] for f in faces) - box[1]) * scale))
    left = int(round((0 - box[0]) * scale))
    right = int(round((image_size[0] - box[0]) * scale))
    inset = max(3, size[1] // 120)  # read inside the feathered border of the mask
    step = max(4, int(0.25 * min(f.width for f in faces) * scale))
    out = mask.copy()
    rows = np.arange(size[1], dtype=np.float32)[:, None]

    def shoulder_top(column):
        body = np.flatnonzero(mask[top:, column] > 0.5)
        return top + body[0] if len(body) else None

    for edge, inner, outward in ((left + inset, left + inset + step, -1),
                                 (right - inset - 1, right - inset - 1 - step, 1)):  # fmt: skip
        if not (0 <= edge < size[0] and 0 <= inner < size[0]) or (
            outward < 0 and left <= 0 or outward > 0 and right >= size[0]
        ):
            continue
        y_edge, y_inner = shoulder_top(edge), shoulder_top(inner)
        if y_edge is None:
            continue
        slope = 0.6 if y_inner is None else (y_edge - y_inner) / step
        slope = float(np.clip(slope, 0.15, 1.2))  # shoulders fall away outwards
        columns = np.arange(0, edge) if outward < 0 else np.arange(edge + 1, size[0])
        if not len(columns):
            continue
        line = y_edge + slope * np.abs(columns - edge).astype(np.float32)
        fill = np.clip(rows - line[None, :] + 0.5, 0, 1)  # anti-aliased top edge
        fill = np.minimum(fill, out[:, edge : edge + 1])  # the body's own bottom part
        fill[:top] = 0
        out[:, columns] = np.maximum(out[:, columns] * 0, fill)
    return out


def clear_above_rim(mask, faces, look):
    """Hide the person (hair) above each headgear's rim so the headgear sits, not perches."""
    h, w = mask.shape
    out = mask.copy()
    for frame in faces:
        extent = frame.px(
            [(-1.6, look.rim), (1.6, look.rim), (-1.6, look.top + 0.6), (1.6, look.top + 0.6)]
        )
        x0, y0 = (max(0, int(v)) for v in extent.min(axis=0))
        x1, y1 = int(min(w, extent[:, 0].max() + 1)), int(min(h, extent[:, 1].max() + 1))
        if x1 <= x0 or y1 <= y0:
            continue
        u, v = frame.grid(x0, y0, x1 - x0, y1 - y0, 1)
        keep = 1 - np.clip((v - look.rim) / 0.08, 0, 1) * np.clip((1.6 - np.abs(u)) / 0.2, 0, 1)
        out[y0:y1, x0:x1] *= keep
    return out


def face_patch_mask(size, ovals):
    """Soft masks of the faces, so no costume layer ever covers a face."""
    img = Image.new("L", size, 0)
    draw = ImageDraw.Draw(img)
    for oval in ovals:
        draw.polygon([tuple(p) for p in oval], fill=255)
    blurred = cv2.GaussianBlur(np.asarray(img, np.float32) / 255, (0, 0), max(1.0, size[1] / 400))
    return blurred


def grade(img, settings):
    """Warmth and contrast (an S-curve) through a LUT, saturation, then a vignette."""
    x = np.arange(256, dtype=np.float32) / 255
    contrast = settings.get("contrast", 1.0)
    curve = 0.5 + (x - 0.5) * contrast
    curve = np.clip(curve + 0.08 * (contrast - 1) * np.sin(2 * np.pi * x), 0, 1)
    warm = settings.get("warm", 1.0)
    lut = np.stack([np.clip(curve * g, 0, 1) * 255 + 0.5 for g in (warm, 1.0, 2 - warm)], axis=-1)
    out = cv2.LUT(img, lut.astype(np.uint8).reshape(256, 1, 3))
    sat = settings.get("saturation", 1.0)
    if sat != 1.0:
        grey = cv2.cvtColor(cv2.cvtColor(out, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
        out = cv2.addWeighted(out, sat, grey, 1 - sat, 0)
    return cv2.multiply(
        out, _vignette(img.shape[1], img.shape[0], settings.get("vignette", 0.3)), scale=1 / 255
    )


@functools.lru_cache(maxsize=8)
def _vignette(w, h, strength):
    yy, xx = np.ogrid[0:h, 0:w]
    d = np.hypot((xx - w / 2) / (w / 2), (yy - h / 2) / (h / 2)).astype(np.float32) / math.sqrt(2)
    v = 1 - strength * np.clip(d - 0.35, 0, 1) ** 1.5 * 1.6
    return cv2.merge([np.clip(v * 255 + 0.5, 0, 255).astype(np.uint8)] * 3)


def blend(top, bottom, alpha):
    """``top`` over ``bottom`` (uint8 RGB arrays) with a float32 alpha in 0..1."""
    return cv2.blendLinear(top, bottom, alpha, 1 - alpha)


@functools.lru_cache(maxsize=4)
def _font(size):
    return ImageFont.truetype(str(FONT_PATH), size)


def _ram_horns(draw, cx, cy, size, color):
    """Two horns curling outwards from a stem (qoshqar muiz), the commonest Kazakh ornament."""
    width = max(2, round(size / 7))
    top = cy - 0.3 * size
    draw.line([(cx, cy + 0.75 * size), (cx, top)], fill=color, width=width)
    theta = np.radians(np.linspace(180, -200, 48))
    radius = size * np.linspace(0.5, 0.14, 48)
    for sign in (-1, 1):
        center_x = cx + sign * 0.5 * size
        xs = center_x + sign * radius * np.cos(theta)
        ys = top - radius * np.sin(theta)
        draw.line(
            list(zip(xs.tolist(), ys.tolist(), strict=True)), fill=color, width=width, joint="curve"
        )
    draw.line(
        [(cx - 0.3 * size, cy + 0.75 * size), (cx + 0.3 * size, cy + 0.75 * size)],
        fill=color,
        width=width,
    )


@functools.lru_cache(maxsize=32)
def frame_overlay(width, accent, title):
    """The frame: dark border, a gold rule, ram's-horn ornaments and the name in the band.

    Drawn at twice the size and scaled down, for smooth curves and text.
    """
    k = 2
    h = OUTPUT_HEIGHT * k
    w = width * k
    border, band = BORDER * k, BAND * k
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    dark = tuple(int(c * 0.35) for c in accent)
    d.rectangle([0, 0, w - 1, h - 1], fill=(*dark, 255))
    d.rectangle([border, border, w - border - 1, h - band - 1], fill=(0, 0, 0, 0))
    gold = (222, 182, 96, 255)
    d.rectangle(
        [border - 5 * k, border - 5 * k, w - border + 4 * k, h - band + 4 * k],
        outline=gold,
        width=2 * k,
    )
    d.rectangle([8 * k, 8 * k, w - 9 * k, h - 9 * k], outline=(*accent, 255), width=2 * k)
    for cx in (border + 56 * k, w - border - 56 * k):
        _ram_horns(d, cx, h - band / 2 + 2 * k, 22 * k, gold)
    size = 44 * k
    font = _font(size)
    limit = w - 2 * (border + 100 * k)
    while d.textlength(title, font=font) > limit and size > 20 * k:
        size -= 2 * k
        font = _font(size)
    d.text((w / 2, h - band / 2 + 2 * k), title, font=font, fill=(246, 226, 170, 255), anchor="mm")
    return img.reduce(k)


FINISHES = ("photo", "painted")
# How much of the photo's hair beside the face a look shows below its headgear's rim, in
# face widths out from the face's outline (a look may set ``hair`` to override its kind's).
HAIR = {"batyr": 0.09, "amazon": 0.12}
SKIN_HUE = math.radians(52)  # the hue angle (Lab a*/b*) of skin under neutral light
MATCH_STRENGTH = 0.4  # how far a face is moved towards the scene's light (0: not at all)


@dataclass
class Person:
    """One dressed face in picture pixels, with its frames and its photo masks."""

    face: object
    head: Frame
    body: Frame
    oval: np.ndarray
    width: float
    depth: float = 0.0  # larger is nearer the camera


def _smooth(e0, e1, x):
    t = np.clip((x - e0) / (e1 - e0), 0, 1)
    return t * t * (3 - 2 * t)


def silhouette(mask, size, face_px):
    """The costume's clip: the person mask with a smooth, anti-aliased outline (no stairs
    where a costume is cut to the segmentation), its holes filled (a helmet held against
    the body, a bag: the model often leaves them out) and its small bites and spikes
    smoothed away, so a costume is one clean shape."""
    k = 4
    w, h = size
    small = cv2.resize(mask, (max(1, w // k), max(1, h // k)), interpolation=cv2.INTER_AREA)
    body = (small > 0.5).astype(np.uint8)
    radius = max(1, int(0.25 * face_px / k))
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    body = cv2.morphologyEx(body, cv2.MORPH_CLOSE, disc)
    # holes: what the outside (flooded from the border) does not reach
    outside = np.pad(1 - body, 1, constant_values=1)
    flood = np.zeros((outside.shape[0] + 2, outside.shape[1] + 2), np.uint8)
    cv2.floodFill(outside, flood, (0, 0), 2)
    body[outside[1:-1, 1:-1] == 1] = 1
    small_disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (radius + 1, radius + 1))
    body = cv2.morphologyEx(body, cv2.MORPH_OPEN, small_disc)
    # blurred on the small grid, then scaled up (the same soft edge, a sixteenth of the work)
    soft = cv2.GaussianBlur(body.astype(np.float32), (0, 0), max(1.0, k * 0.7) / k)
    soft = cv2.resize(soft, (w, h), interpolation=cv2.INTER_LINEAR)
    return _smooth(0.35, 0.65, soft).astype(np.float32)


def extend_past_bottom(mask, box, size, image_size):
    """Where the photo's bottom edge cuts through a body, carry the body to the picture's
    bottom edge: the model's mask fades in the last rows, which left the photo's background
    in the costume's bottom corners."""
    scale = size[0] / (box[2] - box[0])
    bottom = int(round((image_size[1] - box[1]) * scale))
    inset = max(4, size[1] // 90)
    out = mask
    if inset * 2 < bottom <= size[1] + 1:
        out = mask.copy()
        rows = out[bottom - 2 * inset : bottom - inset]
        out[bottom - inset :] = rows.max(axis=0)
    return out


def _fill(size, polygons, origin=(0, 0)):
    """Anti-aliased filled polygons (picture pixels) as a float32 mask of ``size`` whose
    top left corner is the picture pixel ``origin``."""
    img = np.zeros((size[1], size[0]), np.uint8)
    for p in polygons:  # one by one: overlaps of contours drawn together are left empty
        pts = np.round((np.asarray(p, np.float64) - origin) * 8).astype(np.int32)
        cv2.fillPoly(img, [pts], 255, lineType=cv2.LINE_AA, shift=3)
    return img.astype(np.float32) / 255


def _bbox(alpha, pad=0, threshold=0.004):
    rows = np.flatnonzero(alpha.max(axis=1) > threshold)
    cols = np.flatnonzero(alpha.max(axis=0) > threshold)
    if not len(rows):
        return None
    h, w = alpha.shape
    return (
        max(0, cols[0] - pad),
        max(0, rows[0] - pad),
        min(w, cols[-1] + 1 + pad),
        min(h, rows[-1] + 1 + pad),
    )


def _grow(oval, amount):
    center = oval.mean(axis=0)
    vec = oval - center
    length = np.linalg.norm(vec, axis=1, keepdims=True)
    return center + vec * (1 + amount / np.maximum(length, 1e-6))


NECK = [(-0.22, 0.45), (0.22, 0.45), (0.21, -0.12), (0.23, -0.3), (0.29, -0.46), (0.2, -0.6),
        (0.0, -0.66), (-0.2, -0.6), (-0.29, -0.46), (-0.23, -0.3), (-0.21, -0.12)]  # fmt: skip


def person_region(person, size):
    """The picture box (x0, y0, x1, y1) that holds a person's face, hair and neck."""
    pts = np.concatenate(
        [person.head.px([(-0.8, 0.85), (0.8, 0.85), (-0.8, -1.0), (0.8, -1.0)]),
         person.body.px([(-0.62, -1.5), (0.62, -1.5)])]
    )  # fmt: skip
    x0, y0 = np.floor(pts.min(axis=0)).astype(int)
    x1, y1 = np.ceil(pts.max(axis=0)).astype(int)
    x0, y0 = max(0, x0), max(0, y0)
    x1, y1 = min(size[0], x1), min(size[1], y1)
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def face_masks(person, region, mask, look):
    """(face, hair, neck) alpha masks (over ``region``) of what a person keeps of the photo:
    the face's oval, the hair the look shows beside the face below its headgear's rim, and
    the neck down to the costume's neckline (where the photo's neck is skin it is kept,
    elsewhere it is painted). Everything else of the photo is painted over."""
    x0, y0, x1, y1 = region
    size, origin = (x1 - x0, y1 - y0), (x0, y0)
    part = mask[y0:y1, x0:x1]
    w = person.width
    face = cv2.GaussianBlur(_fill(size, [person.oval], origin), (0, 0), max(0.8, 0.012 * w))
    hair_units = getattr(look, "hair", HAIR.get(look.kind, 0.05))
    head = person.head
    local = head.local(_grow(person.oval, hair_units * w))
    local[:, 1] = np.clip(local[:, 1], -0.6, look.rim - 0.02)  # beside the face, not the chin
    # the hair's outer edge fades out (no cut-out line), the neck's sides are soft
    hair = _fill(size, [head.px(local)], origin)
    hair = cv2.GaussianBlur(hair, (0, 0), max(1.0, 0.03 * w)) * part
    neck = cv2.GaussianBlur(_fill(size, [person.body.px(NECK)], origin), (0, 0), 0.025 * w)
    return face, hair, neck * np.clip(part * 1.5, 0, 1)


def skin_likeness(patch, ref_rgb):
    """0..1 per pixel: how close ``patch``'s colours are to the skin colour ``ref_rgb``."""
    lab = cv2.cvtColor(patch.astype(np.float32) / 255, cv2.COLOR_RGB2LAB)
    ref = cv2.cvtColor(np.asarray(ref_rgb, np.float32).reshape(1, 1, 3) / 255, cv2.COLOR_RGB2LAB)[
        0, 0
    ]
    dab = np.hypot(lab[..., 1] - ref[1], lab[..., 2] - ref[2])
    dl = np.abs(lab[..., 0] - ref[0])
    like = np.exp(-((dab / 11) ** 2)) * np.clip(1.6 - dl / 30, 0, 1)
    return np.clip(like, 0, 1).astype(np.float32)


def background_colour(picture, mask, region):
    """The photo's own background colour around a person (Lab) when it is flat (a screen, a
    plain wall), else None."""
    x0, y0, x1, y1 = region
    outside = mask[y0:y1, x0:x1] < 0.05
    if outside.sum() < 50:
        return None
    pixels = picture[y0:y1, x0:x1][outside][::4].reshape(-1, 1, 3)
    lab = cv2.cvtColor(pixels.astype(np.float32) / 255, cv2.COLOR_RGB2LAB).reshape(-1, 3)
    ref = np.median(lab, axis=0)
    spread = float(np.median(np.linalg.norm(lab - ref, axis=1)))
    return None if spread > 12 else (ref, spread)


def unlike_background(patch, background):
    """0..1 per pixel: 0 where ``patch`` has the photo's background colour, so the kept hair
    and the face's edge bring none of it along (worked out at half size: it is smooth)."""
    if background is None:
        return np.ones(patch.shape[:2], np.float32)
    ref, spread = background
    h, w = patch.shape[:2]
    half = cv2.resize(patch, (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA)
    lab = cv2.cvtColor(half.astype(np.float32) / 255, cv2.COLOR_RGB2LAB)
    distance = np.linalg.norm(lab - ref, axis=2)
    unlike = _smooth(10 + spread, 28 + spread, distance).astype(np.float32)
    return cv2.resize(unlike, (w, h), interpolation=cv2.INTER_LINEAR)


def despill(patch, background, skin):
    """Take a saturated background's colour out of the edges it tinted (hair, jaw): no pixel
    leans further towards the background's hue than the face's skin does."""
    if background is None or math.hypot(*background[0][1:]) < 20 or (skin > 0.6).sum() < 30:
        return patch
    ref = background[0]
    direction = ref[1:] / math.hypot(*ref[1:])
    lab = cv2.cvtColor(patch.astype(np.float32) / 255, cv2.COLOR_RGB2LAB)
    along = lab[..., 1] * direction[0] + lab[..., 2] * direction[1]
    limit = float(np.percentile(along[skin > 0.6], 90)) + 3
    excess = np.maximum(0, along - limit)
    lab[..., 1] -= excess * direction[0]
    lab[..., 2] -= excess * direction[1]
    out = cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)
    return np.clip(out * 255 + 0.5, 0, 255).astype(np.uint8)


def painted_neck(person, region, skin_pixels):
    """A neck painted in the face's own skin tone (for a collar, a scarf or a beard under the
    chin): lit like a cylinder, in the head's shadow just under the jaw."""
    base = np.median(skin_pixels, axis=0) if len(skin_pixels) >= 30 else (200, 160, 130)
    x0, y0, x1, y1 = region
    u, v = person.body.grid(x0, y0, x1 - x0, y1 - y0, 1)
    side = np.clip(np.abs(u) / 0.25, 0, 1)
    # rounded (lit from the right), in the head's shadow under the jaw, lighter towards the chest
    light = 0.9 - 0.4 * side**2.2 + 0.06 * np.clip(u / 0.25, -1, 1) + 0.06 * _smooth(-0.2, -0.6, v)
    light -= 0.3 * _smooth(-0.32, 0.05, v) * (1 - 0.3 * side)
    out = np.asarray(base, np.float32)[None, None, :] * light[..., None]
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def front_column(person, size):
    """The front of a person's body: chin to hem, a little wider than the neck and widening
    downwards. A nearer neighbour's robe may cover a farther person's shoulder and arm, not
    this (nor their chin), so every person in a group reads as a whole figure.

    Returns (box, soft mask over the box), or None outside the picture."""
    outline = person.body.px(
        [(-0.5, 0.3), (0.5, 0.3), (0.62, -1.6), (0.8, -7), (-0.8, -7), (-0.62, -1.6)]
    )
    feather = max(1.0, 0.025 * person.width)
    pad = int(3 * feather) + 1
    x0, y0 = (max(0, int(v) - pad) for v in outline.min(axis=0))
    x1 = min(size[0], int(outline[:, 0].max()) + pad)
    y1 = min(size[1], int(outline[:, 1].max()) + pad)
    if x1 <= x0 or y1 <= y0:
        return None
    column = _fill((x1 - x0, y1 - y0), [outline], (x0, y0))
    return (x0, y0, x1, y1), cv2.GaussianBlur(column, (0, 0), feather)


def _garment_shoulder(shoulder):
    """The shoulder point a garment is cut to: the mask's first wide row (``shoulders``) is
    the upper slope of the shoulders, not their tips, so it is moved outwards a little."""
    sx, sy = shoulder
    return float(np.clip(sx + 0.25, 1.4, 1.9)), sy


def _neck_and_slope(sx, sy):
    """The right half of a figure from the neck down the shoulders' slope (body units)."""
    return join(
        [(0.0, 0.3), (0.44, 0.3), (0.5, 0.08)],
        bezier((0.5, 0.08), (0.85, 0.02), (sx - 0.55, sy + 0.22), (sx - 0.15, sy + 0.04), 14),
    )


def garment_outline(shoulder):
    """A dressed person's figure below the chin (body units): the neck, the shoulders' line
    sloping down from the neck to rounded shoulder caps and the arms widening downwards.

    The costume is clipped to this as well as to the person mask, so whatever the mask holds
    above the shoulders (a helmet or an arm held up, a passer-by's body behind) makes no bump
    or block of costume, and every garment has a clean, symmetric shoulder line."""
    sx, sy = _garment_shoulder(shoulder)
    right = join(
        _neck_and_slope(sx, sy),
        bezier(
            (sx - 0.15, sy + 0.04),
            (sx + 0.1, sy - 0.02),
            (sx + 0.26, sy - 0.22),
            (sx + 0.34, sy - 0.6),
            10,
        ),
        bezier(
            (sx + 0.34, sy - 0.6),
            (sx + 0.42, sy - 1.0),
            (sx + 0.6, sy - 1.6),
            (sx + 0.8, sy - 2.4),
            8,
        ),  # fmt: skip
        [(sx + 1.6, -7.0)],
    )
    return join(right, mirror(right)[1:])


def garment_core(shoulder):
    """The part of ``garment_outline`` a garment always covers, whatever the person mask
    says: the shoulders and the upper arms, so the shoulder line is the same on both sides
    (a helmet held beside the body, or the photo's edge, does not cut into it)."""
    sx, sy = _garment_shoulder(shoulder)
    right = join(
        _neck_and_slope(sx, sy),
        bezier(
            (sx - 0.15, sy + 0.04),
            (sx + 0.08, sy - 0.02),
            (sx + 0.2, sy - 0.2),
            (sx + 0.24, sy - 0.55),
            8,
        ),  # fmt: skip
        [(sx + 0.3, sy - 1.6), (sx + 0.36, -7.0)],
    )
    return join(right, mirror(right)[1:])


def garment_clip(person, shoulder, clip):
    """A person's costume clip (a new array): their ``garment_core``, and the person mask
    ``clip`` cut to their ``garment_outline``."""
    size = clip.shape[::-1]
    outline = person.body.px(garment_outline(shoulder))
    x0, y0 = (max(0, int(v) - 2) for v in outline.min(axis=0))
    x1 = min(size[0], int(outline[:, 0].max()) + 2)
    y1 = min(size[1], int(outline[:, 1].max()) + 2)
    out = np.zeros_like(clip)
    if x1 > x0 and y1 > y0:  # anti-aliased: the outlines are smooth, they need no feathering
        box = (x1 - x0, y1 - y0)
        core = _fill(box, [person.body.px(garment_core(shoulder))], (x0, y0))
        cut = clip[y0:y1, x0:x1] * _fill(box, [outline], (x0, y0))
        out[y0:y1, x0:x1] = np.maximum(core, cut)
    return out


def head_zone(face_frame, size, body=False):
    """Where a head (and its hair) is: the leftovers there become the steppe, not cloth.
    With ``body`` the zone goes on down over the person's body (a passer-by's: not dressed)."""
    outline = arc(0, 0.25, 0.95, 1.45, 0, 360, 40)
    outline[:, 1] = np.maximum(outline[:, 1], -0.84)  # down to the chin: the neck is dressed
    polygons = [face_frame.px(outline)]
    if body:
        polygons.append(face_frame.px([(-0.7, -0.6), (0.7, -0.6), (2.4, -2.0), (2.6, -9),
                                       (-2.6, -9), (-2.4, -2.0)]))  # fmt: skip
    return _fill(size, polygons)


LEFTOVER_STEP = 4  # the leftovers are found on a grid this much coarser than the picture


def dress_leftovers(canvas, dressed, keeps, clip, analysis, offset, scale, size):
    """Dress what no costume reached of the bodies (an arm held up, a shoulder beyond the
    robe) in the nearest person's cloth; around the heads (their hair) and the undressed
    faces (passers-by) the leftovers are left to the steppe already under them.

    Drawn under every person's layers, so only the silhouette's edge needs the picture's
    resolution: where the leftovers are is worked out on a coarser grid."""
    k = LEFTOVER_STEP
    sw, sh = -(-size[0] // k), -(-size[1] // k)

    def coarse(a):
        return cv2.resize(a, (sw, sh), interpolation=cv2.INTER_AREA)

    covered = np.zeros((sh, sw), np.uint8)
    for _p, _s, layers, _c in dressed:
        alpha = np.asarray(layers["body"].getchannel("A").reduce(k))
        view = covered[: alpha.shape[0], : alpha.shape[1]]
        np.maximum(view, alpha[: view.shape[0], : view.shape[1]], out=view)
    covered = covered.astype(np.float32) * (1 / 255)
    for (x0, y0, x1, y1), *masks, _background in keeps.values():
        cx0, cy0 = x0 // k, y0 // k
        cw, ch = max(1, (x1 - x0) // k), max(1, (y1 - y0) // k)
        kept = cv2.resize(np.maximum.reduce(masks), (cw, ch), interpolation=cv2.INTER_AREA)
        view = covered[cy0 : cy0 + ch, cx0 : cx0 + cw]
        np.maximum(view, kept[: view.shape[0], : view.shape[1]], out=view)
    bare = coarse(clip) * (1 - covered)
    if not (bare > 0.5).any():
        return
    heads = np.zeros((sh, sw), np.float32)
    frames = [(p.head, False) for p, *_ in dressed] + [
        (Frame((f.eye_center - offset) * scale, f.width * scale, f.roll), True)
        for f in analysis.background
    ]
    for frame, passer_by in frames:
        small = Frame(frame.origin / k, frame.scale / k, frame.angle)
        np.maximum(heads, head_zone(small, (sw, sh), body=passer_by), out=heads)
    heads = cv2.GaussianBlur(heads, (0, 0), max(0.5, size[1] / 300 / k))
    bare *= 1 - heads
    # small islands (a hand's fingertips above a shoulder) go to the steppe, not to cloth
    _n, labels, stats, _c = cv2.connectedComponentsWithStats((bare > 0.5).astype(np.uint8), 4)
    smallest = 0.12 * (min(p.width for p, *_ in dressed) / k) ** 2
    small = np.flatnonzero(stats[:, cv2.CC_STAT_AREA] < smallest)
    # ...but a gap between costume pieces (beside a neck, in a robe's opening) is dressed
    touching = cv2.dilate((covered > 0.5).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    small = np.setdiff1d(small[small > 0], np.unique(labels[touching]))
    if len(small):
        bare *= 1 - cv2.dilate(np.isin(labels, small).astype(np.float32), np.ones((3, 3)))
    if not (bare > 0.5).any():
        return
    # each bare cell belongs to the nearest person (distance from the chin, in face widths)
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32) * k + k / 2
    nearest = np.full((sh, sw), np.inf, np.float32)
    owner = np.zeros((sh, sw), np.int32)
    for i, (p, *_rest) in enumerate(dressed):
        cx, cy = p.body.origin
        d = np.hypot(xx - cx, np.maximum(0, cy - yy) * 0.5 + np.maximum(0, yy - cy)) / p.width
        closer = d < nearest
        nearest[closer] = d[closer]
        owner[closer] = i
    bare = cv2.dilate(bare, np.ones((3, 3)))  # tuck the cloth under the costumes' edges
    for i, (p, shoulder, layers, _c) in enumerate(dressed):
        mine = bare * (owner == i)
        cells = _bbox(np.where(mine > 0.05, mine, 0), pad=1)
        if cells is None:
            continue
        x0, y0 = cells[0] * k, cells[1] * k
        x1, y1 = min(size[0], cells[2] * k), min(size[1], cells[3] * k)
        alpha = cv2.resize(
            np.ascontiguousarray(mine[cells[1] : cells[3], cells[0] : cells[2]]),
            (x1 - x0, y1 - y0),
            interpolation=cv2.INTER_LINEAR,
        )
        alpha = np.ascontiguousarray(alpha * clip[y0:y1, x0:x1])
        hw, hh = max(1, (x1 - x0) // 2), max(1, (y1 - y0) // 2)  # cloth has no fine detail
        u, v = p.body.grid(x0, y0, hw * 2, hh * 2, 0.5)
        color = _cloth_color(layers["body"], p, shoulder)
        paint = looks.cloth(color, sheen=0.3, seed=13)(u, v)[..., :3]
        cloth = np.clip(paint + 0.5, 0, 255).astype(np.uint8)
        cloth = cv2.resize(cloth, (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR)
        canvas[y0:y1, x0:x1] = blend(cloth, canvas[y0:y1, x0:x1], alpha)


def _light(palette_name):
    pal = PALETTES[palette_name]
    return np.array([a * 0.6 + b * 0.4 for a, b in zip(pal.sun, pal.sky_horizon, strict=True)])


def match_light(patch, skin, light, strength=MATCH_STRENGTH):
    """Move a face towards the scene's light, gently: turn the skin's hue part of the way to
    a natural skin hue (undoes the photo's white balance), tint it with the scene's light
    (more in the highlights) and pull its exposure towards a painted face's. Contrast and the
    skin's saturation are kept."""
    lab = cv2.cvtColor(patch.astype(np.float32) / 255, cv2.COLOR_RGB2LAB)
    sel = skin > 0.6
    if sel.sum() < 30:
        return patch
    lum, a, b = cv2.split(lab)
    l0, a0, b0 = (float(np.median(c[sel])) for c in (lum, a, b))
    turn = 0.0
    if math.hypot(a0, b0) > 4:  # a grey photo keeps its grey
        hue = math.atan2(b0, a0)
        turn = float(np.clip(SKIN_HUE - hue, -0.6, 0.6)) * strength
    c, s = math.cos(turn), math.sin(turn)
    light_lab = cv2.cvtColor(light.reshape(1, 1, 3).astype(np.float32) / 255, cv2.COLOR_RGB2LAB)
    _ll, la, lb = light_lab[0, 0]
    t = lum / 100
    a2 = a * c - b * s + la * 0.5 * strength * t
    b2 = a * s + b * c + lb * 0.5 * strength * t
    target = 56 + 0.06 * (_ll - 80)
    shift = float(np.clip(target - l0, -15, 15)) * strength
    lum2 = lum + shift * 4 * t * (1 - t)
    out = cv2.cvtColor(cv2.merge([lum2, a2, b2]), cv2.COLOR_LAB2RGB)
    return np.clip(out * 255 + 0.5, 0, 255).astype(np.uint8)


def paint_finish(patch, palette_name, face_px):
    """The painted finish: flatten the skin's texture along its edges (an edge-preserving
    filter, at half size: paint has no pores), lay the tones in soft steps, ink the
    features' lines as the costume's are, and tone shadows and lights with the scene's
    palette, so the face is painted with the same brush as the costume and the steppe."""
    pal = PALETTES[palette_name]
    h, w = patch.shape[:2]
    half = cv2.resize(patch, (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA)
    sigma = float(np.clip(face_px * 0.05, 4, 30))
    flat = cv2.edgePreservingFilter(half, flags=cv2.RECURS_FILTER, sigma_s=sigma, sigma_r=0.25)
    flat = cv2.resize(flat, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    grey = cv2.cvtColor(patch, cv2.COLOR_RGB2GRAY).astype(np.float32)
    # ink: a difference of Gaussians at the scale of the features (eyes, brows, lips)
    s1 = max(0.8, face_px / 260)
    dog = cv2.GaussianBlur(grey, (0, 0), s1) - cv2.GaussianBlur(grey, (0, 0), s1 * 2.2)
    ink = _smooth(-3, -14, dog).astype(np.float32)
    lum = cv2.cvtColor(flat.astype(np.uint8), cv2.COLOR_RGB2GRAY).astype(np.float32)
    lum /= 255
    # tones in soft steps
    steps = 9
    stepped = (np.floor(lum * steps) + 0.5) / steps
    shadow = np.asarray(pal.mountains, np.float32) * 0.5
    light = np.asarray(pal.sun, np.float32)
    ws = 0.2 * (1 - lum) ** 2
    wl = 0.1 * lum**2
    inked = 1 - 0.32 * ink
    # (flat * steps * (1 - ws - wl) + shadow * ws + light * wl) * inked: the per-pixel
    # factors are worked out on one channel, then applied to the three by OpenCV (numpy is
    # slow broadcasting over a last axis of three)
    gain = (1 + 0.25 * (stepped - lum) / np.maximum(lum, 0.05)) * (1 - ws - wl) * inked
    ws *= inked
    wl *= inked
    out = cv2.multiply(flat, cv2.merge([gain, gain, gain]))
    out = cv2.add(out, cv2.merge([shadow[c] * ws + light[c] * wl for c in range(3)]))
    # a little more colour, as paint has: mean + (out - mean) * 1.1, as one colour matrix
    matrix = np.full((3, 3), -0.1 / 3, np.float32) + np.eye(3, dtype=np.float32) * 1.1
    out = cv2.transform(out, matrix)
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def photo_finish(patch):
    """The photo finish: only the sensor's grain and the JPEG's blocks are smoothed."""
    return cv2.bilateralFilter(patch, 5, 16, 3)


def depth_order(persons):
    """Back to front: smaller faces first; of faces of about one size, the lower is nearer."""
    widths = np.array([p.width for p in persons])
    chins = np.array([p.body.origin[1] for p in persons])
    ref_w, ref_y = float(np.median(widths)), float(np.median(chins))
    for p, w, y in zip(persons, widths, chins, strict=True):
        p.depth = w * (1 + 0.1 * float(np.clip((y - ref_y) / ref_w, -1, 1)))
    return sorted(persons, key=lambda p: p.depth)


def _cloth_color(layer, person, shoulder):
    """The typical colour of a person's costume where the sleeves are (the outer parts of the
    body below the shoulders), to dress what the costume did not reach."""
    sx, sy = shoulder
    w, h = layer.size
    parts = []
    for sign in (-1, 1):
        pts = person.body.px([(sign * (sx - 0.1), sy - 0.4), (sign * (sx + 0.4), sy - 1.6)])
        x0, y0 = (max(0, int(v)) for v in np.floor(pts.min(axis=0)))
        x1, y1 = min(w, int(np.ceil(pts[:, 0].max()))), min(h, int(np.ceil(pts[:, 1].max())))
        if x1 > x0 and y1 > y0:
            parts.append(np.asarray(layer.crop((x0, y0, x1, y1))).reshape(-1, 4))
    if not parts:
        return (70, 60, 56)
    part = np.concatenate(parts)
    part = part[part[:, 3] > 200][:, :3]
    if len(part) < 20:
        return (70, 60, 56)
    # the commonest colour (coarsely binned), not a per-channel median that mixes the robe,
    # the armour and the trim into a colour none of them has
    bins = (part // 48).astype(np.int32)
    keys = bins[:, 0] * 64 + bins[:, 1] * 8 + bins[:, 2]
    top = np.bincount(keys).argmax()
    return tuple(int(v) for v in np.median(part[keys == top], axis=0))


def _add_box(full, box, values, shape):
    """``max(full, values placed at box)``; ``full`` is created (zeros) when None."""
    if full is None:
        full = np.zeros(shape, np.float32)
    x0, y0, x1, y1 = box
    view = full[y0:y1, x0:x1]
    np.maximum(view, values, out=view)
    return full


def _guard(layer, guard):
    """Take a float mask's area out of an RGBA layer's alpha, in place."""
    box = _bbox(guard)
    if box is None:
        return
    alpha = layer.getchannel("A")
    x0, y0, x1, y1 = box
    part = np.asarray(alpha.crop(box), np.float32) * (1 - guard[y0:y1, x0:x1])
    alpha.paste(Image.fromarray(np.clip(part + 0.5, 0, 255).astype(np.uint8), "L"), box[:2])
    layer.putalpha(alpha)


def _over(canvas, layer, protect=None):
    """Composite an RGBA PIL ``layer`` onto the RGB uint8 ``canvas`` in place, keeping it off
    the float mask ``protect``."""
    box = layer.getbbox()
    if box is None:
        return
    x0, y0, x1, y1 = box
    part = np.asarray(layer.crop(box))
    alpha = part[..., 3].astype(np.float32) / 255
    if protect is not None:
        alpha *= 1 - protect[y0:y1, x0:x1]
    region = canvas[y0:y1, x0:x1]
    canvas[y0:y1, x0:x1] = blend(np.ascontiguousarray(part[..., :3]), region, alpha)


def _blend_into(canvas, photo, alpha, box):
    """Blend ``photo`` into ``canvas``'s ``box`` with ``alpha`` (both the box's size)."""
    x0, y0, x1, y1 = box
    a = np.ascontiguousarray(alpha, np.float32)
    canvas[y0:y1, x0:x1] = blend(photo, canvas[y0:y1, x0:x1], a)


def render(work, analysis, look_key, title, progress=None, person=None, finish="photo"):
    """Dress the faces of ``analysis`` found in the working copy ``work`` (RGB PIL image).

    ``person`` may give the person mask (float32, 0..1, the size of ``work``) instead of
    segmenting the photo: the drawn example figures come with their own. ``finish`` is
    ``"photo"`` (the face as photographed, matched to the scene's light) or ``"painted"``
    (the face also painted with the scene's palette).

    Of the photo only the dressed faces are kept (with the neck down to the costume's
    neckline and the hair a look shows under its rim); everything else is the costume or
    the painted steppe. People are drawn from back to front and no costume covers another
    dressed face.
    """
    look = LOOKS.get(look_key)
    if look is None:
        raise errors.PipelineError(errors.UNKNOWN_LOOK, look_key)
    if finish not in FINISHES:
        raise ValueError(f"finish must be one of {FINISHES}, not {finish!r}")
    timings = {}
    started = time.perf_counter()
    rgb = np.asarray(work)
    box, size, out_w = plan(analysis, look)
    picture = _warp(rgb, box, size, border=cv2.BORDER_REPLICATE)
    if person is None:
        mask = refine_mask(person_mask(rgb, box, size), picture)
        mask = extend_past_sides(mask, box, size, work.size, analysis.faces)
        mask = extend_past_bottom(mask, box, size, work.size)
    else:
        mask = np.clip(_warp(np.asarray(person, np.float32), box, size), 0, 1)
    mask = np.ascontiguousarray(mask, np.float32)
    face_px = min(f.width for f in analysis.faces) * size[0] / (box[2] - box[0])
    clip = silhouette(mask, size, face_px)
    timings["segment"] = time.perf_counter() - started

    if progress:
        progress("dress")
    scale = size[0] / (box[2] - box[0])
    offset = np.array(box[:2])
    people = []
    for face in analysis.faces:
        eye = (face.eye_center - offset) * scale
        chin = (face.chin - offset) * scale
        people.append(
            Person(
                face=face,
                head=Frame(eye, face.width * scale, face.roll),
                body=Frame(chin, face.width * scale, face.roll * 0.25),
                oval=(face.oval - offset) * scale,
                width=face.width * scale,
            )
        )
    order = depth_order(people)
    back = Image.new("RGBA", size, (0, 0, 0, 0))
    dressed = []  # (person, shoulders, layers, crown box), back to front
    figures = None  # the person mask cut to the dressed figures' outlines
    for p in order:
        shoulder = shoulders(mask, p.body.origin, p.width)
        layers = {
            "back": back,
            "body": Image.new("RGBA", size, (0, 0, 0, 0)),
            "head": Image.new("RGBA", size, (0, 0, 0, 0)),
        }
        garment = garment_clip(p, shoulder, clip)
        dressing = Dressing(p.head, p.body, p.head.local(p.oval), shoulder, size, layers, garment)
        look.back(dressing)
        dressing.drawing_body = True
        look.body(dressing)
        dressing.drawing_body = False
        look.head(dressing)
        dressed.append((p, shoulder, layers, dressing.crown_box))
        figures = garment.copy() if figures is None else np.maximum(figures, garment, out=figures)
    timings["dress"] = time.perf_counter() - started

    if progress:
        progress("paint")
    canvas = np.array(steppe(look.palette, *size).convert("RGB"))
    _over(canvas, back)

    light = _light(look.palette)
    keeps = {}  # id(person) -> (region, face, hair, neck, photo's background colour)
    for p, *_ in dressed:
        region = person_region(p, size)
        if region is not None:
            x0, y0, x1, y1 = region
            face_a, hair_a, neck_a = face_masks(p, region, mask, look)
            background = background_colour(picture, mask, region)
            unlike = unlike_background(picture[y0:y1, x0:x1], background)
            # the photo's background seen through the hair (or a white collar of its colour)
            # is not kept: the leftovers' cloth or the steppe goes there
            face_a = face_a * np.maximum(unlike, _smooth(0.3, 0.8, mask[y0:y1, x0:x1]))
            keeps[id(p)] = (region, face_a, hair_a * unlike, neck_a, background)
    # No robe covers another dressed person's face, nor a farther person's front (chin to
    # hem): a nearer neighbour's robe may cover their shoulder and arm only.
    fronts = [front_column(p, size) for p, *_ in dressed]
    for index, (p, _shoulder, layers, _crown) in enumerate(dressed):
        guard = None
        for q, *_ in dressed:
            if q is not p and id(q) in keeps:
                guard = _add_box(guard, keeps[id(q)][0], keeps[id(q)][1], mask.shape)
        for front in fronts[:index]:
            if front is not None:
                guard = _add_box(guard, *front, mask.shape)
        if guard is not None:
            _guard(layers["body"], guard)
    dress_leftovers(canvas, dressed, keeps, figures, analysis, offset, scale, size)

    placements = []
    for p, _shoulder, layers, crown in dressed:
        protect = None  # the other dressed faces: no costume of this person covers them
        for q, *_ in dressed:
            if q is not p and id(q) in keeps:
                if protect is None:
                    protect = np.zeros(mask.shape, np.float32)
                (qx0, qy0, qx1, qy1), q_face = keeps[id(q)][:2]
                view = protect[qy0:qy1, qx0:qx1]
                np.maximum(view, q_face, out=view)
        region = None
        if id(p) in keeps:
            region, face_a, hair_a, neck_a, background = keeps[id(p)]
            x0, y0, x1, y1 = region
            patch = np.ascontiguousarray(picture[y0:y1, x0:x1])
            skin_inner = _fill((x1 - x0, y1 - y0), [_grow(p.oval, -0.12 * p.width)], (x0, y0))
            patch = despill(patch, background, skin_inner)
            patch = match_light(patch, skin_inner, light)
            if finish == "painted":
                patch = paint_finish(patch, look.palette, p.width)
            else:
                patch = photo_finish(patch)
            neck_part = neck_a * (1 - face_a)
            neck_box = _bbox(neck_part, pad=1)
            if neck_box is not None:  # the neck: the photo's where it is skin, else painted
                nx0, ny0, nx1, ny1 = neck_box
                sub = (x0 + nx0, y0 + ny0, x0 + nx1, y0 + ny1)
                neck_photo = _jaw_shadow(np.ascontiguousarray(patch[ny0:ny1, nx0:nx1]), p, sub)
                neck_alpha = neck_part[ny0:ny1, nx0:nx1]
                skin = skin_likeness(neck_photo, np.median(patch[skin_inner > 0.6], axis=0))
                _blend_into(canvas, painted_neck(p, sub, patch[skin_inner > 0.6]), neck_alpha, sub)
                # the photo's neck fades into the painted one below the jaw: no seam
                _u, v = p.body.grid(sub[0], sub[1], sub[2] - sub[0], sub[3] - sub[1], 1)
                fade = _smooth(-0.3, -0.06, v).astype(np.float32)
                _blend_into(canvas, neck_photo, neck_alpha * skin * fade, sub)
            _blend_into(canvas, patch, hair_a, region)
        _over(canvas, layers["body"])  # kept off the others' faces and fronts already
        if region is not None:
            _blend_into(canvas, patch, face_a, region)
        _over(canvas, layers["head"], protect)
        if crown:
            x0, y0, x1, y1 = crown
            placements.append(
                Placement(
                    eye_center=tuple(p.face.eye_center),
                    face_width=p.face.width,
                    roll=p.face.roll,
                    headgear=(
                        x0 / scale + box[0],
                        y0 / scale + box[1],
                        x1 / scale + box[0],
                        y1 / scale + box[1],
                    ),
                    depth=len(placements),
                    oval=tuple(map(tuple, np.asarray(p.face.oval, np.float64).tolist())),
                )
            )
    graded = grade(canvas, look.grade)

    out = Image.new("RGB", (out_w, OUTPUT_HEIGHT))
    out.paste(Image.fromarray(graded, "RGB"), (BORDER, BORDER))
    frame = frame_overlay(out_w, look.accent, title)
    out.paste(frame, (0, 0), frame)
    timings["paint"] = time.perf_counter() - started
    transform = (scale, BORDER - box[0] * scale, BORDER - box[1] * scale)
    # nearest first, as before
    return Rendered(
        out,
        analysis.found,
        len(analysis.faces),
        placements[::-1],
        timings,
        transform=transform,
        finish=finish,
    )


def _jaw_shadow(patch, person, region):
    """The head's soft shadow on the neck just under the jaw."""
    x0, y0, x1, y1 = region
    u, v = person.body.grid(x0, y0, x1 - x0, y1 - y0, 1)
    shade = 1 - 0.22 * _smooth(0.1, -0.05, v) * _smooth(-0.55, -0.2, v) * _smooth(
        0.6, 0.2, np.abs(u)
    )
    return np.clip(patch * shade[..., None] + 0.5, 0, 255).astype(np.uint8)


def encode(image, fmt, quality):
    buf = io.BytesIO()
    if fmt == "JPEG":
        image.save(buf, "JPEG", quality=quality, optimize=True)
    else:
        image.save(buf, "WEBP", quality=quality, method=1)
    return buf.getvalue()
