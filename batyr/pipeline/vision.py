"""Understand the photo with the models bundled in the MediaPipe wheel, on the CPU.

Nothing is downloaded: face detection (full range), face mesh and selfie segmentation all
ship their ``.tflite`` files inside ``mediapipe/modules``. The solution objects are created
once per process, on first use, and guarded by a lock (they are not thread-safe).

``find_faces`` dresses the largest face and its companions (at least ``DRESS_RATIO`` of its
width, four at most); smaller faces found (passers-by far behind) are counted in
``Analysis.found`` and listed in ``Analysis.background``, with any companions past the
fourth, and the painting leaves them out.
"""

import math
import os
import threading
from dataclasses import dataclass, field

import cv2
import numpy as np

from . import errors

# Smallest face the portrait can be made from, as the width of the detector's box in the
# working copy (at most 1600 px on its long side). Smaller faces turn to mush when the
# portrait is scaled up to 1024 px.
MIN_FACE_PX = 72
MAX_DRESSED = 4
MAX_CANDIDATES = 12  # faces measured at most (beyond that a crowd is just "more than four")
# Faces much smaller than the main one are passers-by in the background: they are counted
# (``Analysis.found``, ``Analysis.background``) but not dressed, and the painting replaces
# them with the steppe. Faces at least DRESS_RATIO of the main one's width are companions.
COMPANION_RATIO = 0.25  # smallest face (share of the main one's box) that is measured at all
DRESS_RATIO = 0.6  # smallest face (share of the main one's width) that is dressed
MIN_BACKGROUND_PX = 36  # background faces smaller than this are not even counted
DETECT_SIDE = 640
# When the largest face found is narrower than this share of the photo, more faces may be
# too small for a single pass of the detector: look again tile by tile.
CROWD_RATIO = 0.12

# Indices into MediaPipe's 468-point face mesh.
FACE_OVAL = (
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
    152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
)  # fmt: skip
RIGHT_EYE_OUTER, LEFT_EYE_OUTER = 33, 263  # the subject's right eye is on the image's left
RIGHT_TEMPLE, LEFT_TEMPLE = 234, 454
FOREHEAD, CHIN = 10, 152

_lock = threading.Lock()
_models = {}


def _solutions():
    """The three MediaPipe solutions, built once per process."""
    if not _models:
        os.environ.setdefault("GLOG_minloglevel", "2")
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        import mediapipe as mp

        solutions = mp.solutions
        _models["detector"] = solutions.face_detection.FaceDetection(
            model_selection=1, min_detection_confidence=0.5
        )
        _models["mesh"] = solutions.face_mesh.FaceMesh(
            static_image_mode=True,
            max_num_faces=2,
            refine_landmarks=False,
            min_detection_confidence=0.4,
        )
        _models["segmenter"] = solutions.selfie_segmentation.SelfieSegmentation(model_selection=0)
    return _models


def warm_up():
    """Load the models now (a worker calls this at start so the first job is not slow)."""
    with _lock:
        _solutions()


@dataclass
class Box:
    x: float
    y: float
    w: float
    h: float
    score: float = 1.0

    @property
    def cx(self):
        return self.x + self.w / 2

    @property
    def cy(self):
        return self.y + self.h / 2

    def iou(self, other):
        x0, y0 = max(self.x, other.x), max(self.y, other.y)
        x1 = min(self.x + self.w, other.x + other.w)
        y1 = min(self.y + self.h, other.y + other.h)
        inter = max(0.0, x1 - x0) * max(0.0, y1 - y0)
        return inter / (self.w * self.h + other.w * other.h - inter + 1e-9)


@dataclass
class Face:
    """One face in working-copy pixel coordinates."""

    box: Box
    points: np.ndarray  # (468, 3): x, y in pixels, z in the same pixel scale

    eye_center: np.ndarray = field(init=False)
    roll: float = field(init=False)  # radians; the eye line's angle in image coordinates
    width: float = field(init=False)  # temple to temple, yaw-independent

    def __post_init__(self):
        right, left = self.points[RIGHT_EYE_OUTER], self.points[LEFT_EYE_OUTER]
        self.eye_center = (right[:2] + left[:2]) / 2
        self.roll = math.atan2(left[1] - right[1], left[0] - right[0])
        temples = self.points[LEFT_TEMPLE] - self.points[RIGHT_TEMPLE]
        self.width = float(np.linalg.norm(temples))

    @property
    def oval(self):
        return self.points[list(FACE_OVAL), :2]

    @property
    def chin(self):
        return self.points[CHIN, :2]

    @property
    def forehead(self):
        return self.points[FOREHEAD, :2]


@dataclass
class Analysis:
    faces: list  # the dressed faces, largest first
    found: int  # how many faces were found in all (dressed, left over and background)
    size: tuple  # (width, height) of the working copy
    background: list = field(default_factory=list)  # found, not dressed (far, or past four)

    @property
    def too_many(self):
        return self.found > len(self.faces)


def _detect(rgb):
    """Face boxes in ``rgb``'s pixel coordinates (full-range detector, any size of input)."""
    h, w = rgb.shape[:2]
    scale = min(1.0, DETECT_SIDE / max(w, h))
    small = rgb if scale == 1.0 else cv2.resize(rgb, (round(w * scale), round(h * scale)))
    result = _solutions()["detector"].process(small)
    boxes = []
    for det in result.detections or ():
        rel = det.location_data.relative_bounding_box
        boxes.append(Box(rel.xmin * w, rel.ymin * h, rel.width * w, rel.height * h, det.score[0]))
    return boxes


def _detect_tiled(rgb, grid=3):
    """Second look for faces too small for one pass: ``grid`` x ``grid`` overlapping tiles
    (3x3: each seen at 2.5 times the first pass's scale; 2x2: at 1.7 times)."""
    h, w = rgb.shape[:2]
    share = 0.4 if grid == 3 else 0.6
    tw, th = int(w * share), int(h * share)
    boxes = []
    for ty in np.linspace(0, h - th, grid).astype(int):
        for tx in np.linspace(0, w - tw, grid).astype(int):
            for box in _detect(np.ascontiguousarray(rgb[ty : ty + th, tx : tx + tw])):
                box.x += tx
                box.y += ty
                boxes.append(box)
    return boxes


def _nms(boxes, threshold=0.3):
    kept = []
    for box in sorted(boxes, key=lambda b: b.score, reverse=True):
        if all(box.iou(k) < threshold for k in kept):
            kept.append(box)
    return kept


def _landmarks(rgb, box):
    """The face mesh of the face in ``box``, run on an upright crop around it."""
    side = 2.2 * max(box.w, box.h)
    crop = 256
    scale = crop / side
    x0, y0 = box.cx - side / 2, box.cy - side / 2
    matrix = np.array([[scale, 0, -x0 * scale], [0, scale, -y0 * scale]], np.float32)
    patch = cv2.warpAffine(rgb, matrix, (crop, crop), flags=cv2.INTER_AREA)
    result = _solutions()["mesh"].process(patch)
    best = None
    for face in result.multi_face_landmarks or ():
        pts = np.array([(p.x, p.y, p.z) for p in face.landmark], np.float32) * crop
        distance = np.hypot(*(pts[:, :2].mean(axis=0) - crop / 2))
        if best is None or distance < best[0]:
            best = (distance, pts)
    if best is None or best[0] > crop * 0.25:
        return None
    pts = best[1]
    pts[:, :2] = pts[:, :2] / scale + (x0, y0)
    pts[:, 2] /= scale
    return pts


def _cut_off(face, width, height):
    margin = 0.04 * face.width
    oval = face.oval
    return bool(
        (oval[:, 0] < -margin).any()
        or (oval[:, 0] > width + margin).any()
        or (oval[:, 1] > height + margin).any()
        or face.forehead[1] < -margin
    )


def find_faces(im):
    """Find and measure the faces to dress in the working copy ``im`` (an RGB PIL image).

    Raises ``PipelineError`` with ``no_face``, ``face_too_small`` or ``face_cut_off``.
    """
    rgb = np.asarray(im)
    height, width = rgb.shape[:2]
    with _lock:
        boxes = _detect(rgb)
        if not boxes or max(b.w for b in boxes) < CROWD_RATIO * max(width, height):
            # Nothing, or only small faces: look again closer, tile by tile (group photos,
            # faces far from the camera).
            # (when the first pass found some faces, the ones it missed are smaller: a
            # coarser grid finds those it matters for, at less than half the cost)
            boxes = _nms(boxes + _detect_tiled(rgb, grid=2 if boxes else 3))
        if not boxes:
            raise errors.PipelineError(errors.NO_FACE, "no face detected")
        boxes.sort(key=lambda b: b.w * b.h, reverse=True)
        largest = boxes[0].w
        if largest < MIN_FACE_PX:
            raise errors.PipelineError(errors.FACE_TOO_SMALL, f"face {largest:.0f}px wide")
        boxes = [b for b in boxes if b.w >= max(MIN_BACKGROUND_PX, COMPANION_RATIO * largest)]

        # Every candidate is confirmed by the face mesh (which drops the detector's rare false
        # positives: a patch on a sleeve, a pattern); the count of confirmed faces is what the
        # visitor is told when some are left undressed.
        faces = []
        for index, box in enumerate(boxes[:MAX_CANDIDATES]):
            points = _landmarks(rgb, box)
            if points is None:
                if index == 0 and _box_outside(box, width, height):
                    raise errors.PipelineError(errors.FACE_CUT_OFF, "main face leaves the frame")
                continue
            face = Face(box, points)
            if _cut_off(face, width, height):
                if not faces:
                    raise errors.PipelineError(errors.FACE_CUT_OFF, "main face leaves the frame")
                continue
            faces.append(face)
    if not faces:
        raise errors.PipelineError(errors.NO_FACE, "no face could be measured")
    main = max(f.width for f in faces)
    near = [f for f in faces if f.width >= DRESS_RATIO * main and f.box.w >= MIN_FACE_PX]
    near.sort(key=lambda f: f.width, reverse=True)
    dressed = near[:MAX_DRESSED]
    others = [f for f in faces if not any(f is g for g in dressed)]
    return Analysis(faces=dressed, found=len(faces), size=(width, height), background=others)


def _box_outside(box, width, height):
    pad = 0.05 * box.w
    return (
        box.x < -pad or box.y < -pad or box.x + box.w > width + pad or box.y + box.h > height + pad
    )


def _windows(length, side):
    """Start offsets of overlapping windows of ``side`` covering ``length``."""
    if length <= side * 1.3:
        return [0], length
    count = math.ceil(length / side * 1.15)
    return [round(i * (length - side) / (count - 1)) for i in range(count)], side


def segment(rgb):
    """A float32 person mask (0..1) the size of ``rgb``; several people are all kept.

    The model squeezes its input to a square, so wide or tall pictures are cut into
    overlapping near-square windows first and the masks merged.
    """
    h, w = rgb.shape[:2]
    side = min(w, h)
    xs, win_w = _windows(w, side)
    ys, win_h = _windows(h, side)
    out = np.zeros((h, w), np.float32)
    with _lock:
        segmenter = _solutions()["segmenter"]
        for y in ys:
            for x in xs:
                window = rgb[y : y + win_h, x : x + win_w]
                scale = min(1.0, 384 / max(win_w, win_h))
                small = window
                if scale < 1.0:
                    small = cv2.resize(
                        window,
                        (round(win_w * scale), round(win_h * scale)),
                        interpolation=cv2.INTER_AREA,
                    )
                mask = segmenter.process(np.ascontiguousarray(small)).segmentation_mask
                mask = cv2.resize(
                    np.asarray(mask, np.float32), (win_w, win_h), interpolation=cv2.INTER_LINEAR
                )
                np.maximum(
                    out[y : y + win_h, x : x + win_w], mask, out=out[y : y + win_h, x : x + win_w]
                )
    return out
