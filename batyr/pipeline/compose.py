"""Put it together: crop around the people, dress every face, paint the steppe, grade, frame."""

import functools
import io
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from . import errors, vision
from .draw import Frame, Sketch
from .looks import LOOKS
from .scene import steppe

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


@dataclass
class Rendered:
    image: Image.Image  # RGB, OUTPUT_HEIGHT high
    faces_found: int
    faces_dressed: int
    placements: list = field(default_factory=list)
    timings: dict = field(default_factory=dict)

    @property
    def too_many_faces(self):
        return self.faces_found > self.faces_dressed


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
        self.crown_box = None  # canvas pixels covered by the headgear's main piece

    def sketch(self, extent):
        return Sketch(self.head_frame, self.size, extent)

    def body_sketch(self, extent):
        return Sketch(self.body_frame, self.size, extent)

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
        layer_img = sketch.img.reduce(sketch.ss) if sketch.ss > 1 else sketch.img
        x0, y0 = sketch.x0, sketch.y0
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


def person_mask(work, box, size):
    """Soft person mask in picture pixels, from selfie segmentation on the crop's photo part."""
    img_h, img_w = work.shape[:2]
    x0, y0, x1, y1 = box
    ix0, iy0 = max(0, int(math.floor(x0))), max(0, int(math.floor(y0)))
    ix1, iy1 = min(img_w, int(math.ceil(x1))), min(img_h, int(math.ceil(y1)))
    part = np.ascontiguousarray(work[iy0:iy1, ix0:ix1])
    scale = size[0] / (x1 - x0)
    if scale < 1:  # segment at about the picture's resolution, not the photo's
        part = cv2.resize(
            part,
            (max(1, round(part.shape[1] * scale)), max(1, round(part.shape[0] * scale))),
            interpolation=cv2.INTER_AREA,
        )
    small = vision.segment(part)
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
    guide = cv2.cvtColor(picture, cv2.COLOR_RGB2GRAY).astype(np.float32) / 255
    radius = max(2, picture.shape[0] // 160)
    try:
        refined = cv2.ximgproc.guidedFilter(guide, mask, radius, 1e-3)
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
    edge (below the chins only), so the costume does not end in a straight vertical cut."""
    scale = size[0] / (box[2] - box[0])
    top = int(max(0, (min(f.chin[1] for f in faces) - box[1]) * scale))
    left = int(round((0 - box[0]) * scale))
    right = int(round((image_size[0] - box[0]) * scale))
    inset = max(3, size[1] // 120)  # read inside the feathered border of the mask
    out = mask.copy()
    if 0 < left < size[0] - inset:
        out[top:, : left + inset] = out[top:, left + inset : left + inset + 1]
    if inset < right < size[0]:
        out[top:, right - inset :] = out[top:, right - inset - 1 : right - inset]
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


def render(work, analysis, look_key, title, progress=None, person=None):
    """Dress the faces of ``analysis`` found in the working copy ``work`` (RGB PIL image).

    ``person`` may give the person mask (float32, 0..1, the size of ``work``) instead of
    segmenting the photo: the drawn example figures come with their own.
    """
    look = LOOKS.get(look_key)
    if look is None:
        raise errors.PipelineError(errors.UNKNOWN_LOOK, look_key)
    timings = {}
    started = time.perf_counter()
    rgb = np.asarray(work)
    box, size, out_w = plan(analysis, look)
    picture = _warp(rgb, box, size, border=cv2.BORDER_REPLICATE)
    if person is None:
        mask = refine_mask(person_mask(rgb, box, size), picture)
        mask = extend_past_sides(mask, box, size, work.size, analysis.faces)
    else:
        mask = np.clip(_warp(np.asarray(person, np.float32), box, size), 0, 1)
    timings["segment"] = time.perf_counter() - started

    if progress:
        progress("dress")
    scale = size[0] / (box[2] - box[0])
    offset = np.array(box[:2])
    layers = {name: Image.new("RGBA", size, (0, 0, 0, 0)) for name in ("back", "body", "head")}
    clip = np.clip(cv2.dilate(mask, np.ones((5, 5), np.uint8)) * 1.4, 0, 1)
    heads, ovals, placements = [], [], []
    # Far (smaller) faces first so nearer ones overlap them.
    for face in sorted(analysis.faces, key=lambda f: f.width):
        eye = (face.eye_center - offset) * scale
        head = Frame(eye, face.width * scale, face.roll)
        chin = (face.chin - offset) * scale
        body = Frame(chin, face.width * scale, face.roll * 0.25)
        oval_px = (face.oval - offset) * scale
        heads.append(head)
        ovals.append(oval_px)
        shoulder = shoulders(mask, chin, face.width * scale)
        dressing = Dressing(head, body, head.local(oval_px), shoulder, size, layers, clip)
        look.back(dressing)
        look.body(dressing)
        look.head(dressing)
        if dressing.crown_box:
            x0, y0, x1, y1 = dressing.crown_box
            placements.append(
                Placement(
                    eye_center=tuple(face.eye_center),
                    face_width=face.width,
                    roll=face.roll,
                    headgear=(
                        x0 / scale + box[0],
                        y0 / scale + box[1],
                        x1 / scale + box[0],
                        y1 / scale + box[1],
                    ),
                )
            )
    timings["dress"] = time.perf_counter() - started

    if progress:
        progress("paint")
    person_alpha = np.ascontiguousarray(clear_above_rim(mask, heads, look), np.float32)
    canvas = steppe(look.palette, *size).convert("RGBA")
    canvas.alpha_composite(layers["back"])
    composite = blend(picture, np.asarray(canvas.convert("RGB")), person_alpha)
    canvas = Image.fromarray(composite, "RGB").convert("RGBA")
    canvas.alpha_composite(layers["body"])
    faces_alpha = np.ascontiguousarray(face_patch_mask(size, ovals) * mask, np.float32)
    composite = blend(picture, np.asarray(canvas.convert("RGB")), faces_alpha)
    canvas = Image.fromarray(composite, "RGB").convert("RGBA")
    canvas.alpha_composite(layers["head"])
    graded = grade(np.asarray(canvas.convert("RGB")), look.grade)

    out = Image.new("RGB", (out_w, OUTPUT_HEIGHT))
    out.paste(Image.fromarray(graded, "RGB"), (BORDER, BORDER))
    frame = frame_overlay(out_w, look.accent, title)
    out.paste(frame, (0, 0), frame)
    timings["paint"] = time.perf_counter() - started
    return Rendered(out, analysis.found, len(analysis.faces), placements[::-1], timings)


def encode(image, fmt, quality):
    buf = io.BytesIO()
    if fmt == "JPEG":
        image.save(buf, "JPEG", quality=quality, optimize=True, progressive=True)
    else:
        image.save(buf, "WEBP", quality=quality, method=2)
    return buf.getvalue()
