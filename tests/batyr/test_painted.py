"""Portraits that look painted, not pasted (real models, no mocks).

* no remnant of the photo: on a green screen, not one green pixel outside the faces in the
  bottom of the picture (where the body reaches the photo's edge);
* the face is still the visitor's: MediaPipe finds it in the result where the pipeline says
  it put it, with the same roll, in both finishes; "painted" really paints it;
* groups: drawn back to front, no costume over a dressed face, no costume for a passer-by.
"""

import io
import math

import cv2
import numpy as np
import pytest
from PIL import Image

from batyr import pipeline
from batyr.pipeline import compose

from . import samples

LOOK_KEYS = sorted(pipeline.LOOKS)


def decode(painting):
    return np.asarray(Image.open(io.BytesIO(painting.jpeg)).convert("RGB"))


def key_coloured(rgb, key=samples.KEY_GREEN):
    """Pixels of about the key's colour, after the portrait's grading and vignette: its hue
    (within about 17 degrees), strongly saturated and bright. The steppe's grass and the
    costumes' dark green velvet are green too, but never this saturated and bright."""
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV_FULL).astype(np.int32)
    key_hue = cv2.cvtColor(np.uint8([[key]]), cv2.COLOR_RGB2HSV_FULL)[0, 0, 0]
    hue_off = np.abs((hsv[..., 0] - int(key_hue) + 128) % 256 - 128)
    return (hue_off < 12) & (hsv[..., 1] > 190) & (hsv[..., 2] > 130)


def faces_mask(painting, shape, grow=1.08):
    """The dressed faces' ovals in the output (a little grown), from a face mesh of the
    source: where the photo is meant to show."""
    out = np.zeros(shape[:2], np.uint8)
    for place in painting.placements:
        pts = painting.to_output(place.oval)
        center = pts.mean(axis=0)
        pts = center + (pts - center) * grow
        cv2.fillPoly(out, [np.round(pts).astype(np.int32)], 1)
    return out.astype(bool)


def picture_rows(height):
    """Rows of the output that are the picture (inside the frame)."""
    return compose.BORDER, height - compose.BAND


def output_faces(rgb):
    """The faces MediaPipe finds in a finished portrait."""
    return pipeline.find_faces(Image.fromarray(rgb)).faces


def source_in_output(source, painting, shape):
    """The working copy warped into the output's pixel grid."""
    work = np.asarray(pipeline.read_image(source))
    scale, dx, dy = painting.transform
    matrix = np.float32([[scale, 0, dx], [0, scale, dy]])
    return cv2.warpAffine(work, matrix, (shape[1], shape[0]), flags=cv2.INTER_AREA)


def lower_face(painting, index, shape, shrink=0.8):
    """The part of a dressed face's oval below its eyes (eyes, nose, mouth, chin), shrunk."""
    place = painting.placements[index]
    oval = painting.to_output(place.oval)
    eye_y = painting.to_output(place.eye_center)[1]
    center = oval.mean(axis=0)
    pts = center + (oval - center) * shrink
    out = np.zeros(shape[:2], np.uint8)
    cv2.fillPoly(out, [np.round(pts).astype(np.int32)], 1)
    out[: int(eye_y) - int(0.1 * place.face_width * painting.transform[0])] = 0
    return out.astype(bool)


def likeness(a, b, where):
    """Pearson correlation of the grey levels of two images over ``where``: 1 for the same
    picture under any change of light and colour balance, low where one is covered."""
    ga = cv2.cvtColor(a, cv2.COLOR_RGB2GRAY)[where].astype(np.float64)
    gb = cv2.cvtColor(b, cv2.COLOR_RGB2GRAY)[where].astype(np.float64)
    return float(np.corrcoef(ga, gb)[0, 1])


# --- no remnants of the photo ------------------------------------------------------------


@pytest.fixture(scope="module")
def green_screen():
    return samples.green_screen_jpeg()


@pytest.fixture(scope="module")
def green_portraits(green_screen):
    return {
        (key, finish): pipeline.make_portrait(green_screen, key, key, finish=finish)
        for key in LOOK_KEYS
        for finish in pipeline.FINISHES
    }


@pytest.fixture(scope="module")
def tight_green_portraits():
    data = samples.tight_green_screen_jpeg()
    return {key: pipeline.make_portrait(data, key, key) for key in LOOK_KEYS}


def test_the_green_screen_photo_really_is_green(green_screen):
    rgb = np.asarray(pipeline.read_image(green_screen))
    bottom = rgb[int(rgb.shape[0] * 0.9) :]
    # the background shows at the bottom (a corner too); the body reaches the bottom edge
    assert 0.03 < key_coloured(bottom).mean() < 0.7
    assert max(key_coloured(bottom[:, :20]).mean(), key_coloured(bottom[:, -20:]).mean()) > 0.7
    assert key_coloured(bottom[-3:]).mean() < 0.7


@pytest.mark.parametrize("finish", pipeline.FINISHES)
@pytest.mark.parametrize("key", LOOK_KEYS)
def test_no_background_colour_in_the_bottom_of_the_picture(green_portraits, key, finish):
    painting = green_portraits[key, finish]
    rgb = decode(painting)
    top, bottom = picture_rows(rgb.shape[0])
    keyed = key_coloured(rgb) & ~faces_mask(painting, rgb.shape)
    band = keyed[bottom - (bottom - top) // 10 : bottom]
    assert band.sum() == 0, f"{band.sum()} green pixels in the picture's bottom tenth"
    out_band = keyed[int(rgb.shape[0] * 0.9) :]
    assert out_band.sum() == 0, "...or in the output's bottom tenth"
    # nor anywhere else: the photo's background is all painted over (hair edges included)
    assert keyed[top:bottom].sum() == 0


@pytest.mark.parametrize("key", LOOK_KEYS)
def test_no_background_colour_when_the_body_leaves_the_photo(tight_green_portraits, key):
    painting = tight_green_portraits[key]
    rgb = decode(painting)
    top, bottom = picture_rows(rgb.shape[0])
    keyed = key_coloured(rgb) & ~faces_mask(painting, rgb.shape)
    assert keyed[bottom - (bottom - top) // 10 : bottom].sum() == 0
    assert keyed[top:bottom].sum() == 0
    # the costume carries on past the photo's side edges: the picture's bottom corners
    # are costume, not a band of anything else
    scale, dx, _dy = painting.transform
    work_w = pipeline.read_image(samples.tight_green_screen_jpeg()).width
    left, right = int(dx), int(dx + work_w * scale)
    assert left > compose.BORDER + 20 and right < rgb.shape[1] - compose.BORDER - 20


# --- the face stays the visitor's --------------------------------------------------------


@pytest.mark.parametrize("finish", pipeline.FINISHES)
@pytest.mark.parametrize("key", LOOK_KEYS)
def test_the_face_is_found_where_it_was_put(green_portraits, key, finish):
    painting = green_portraits[key, finish]
    rgb = decode(painting)
    (place,) = painting.placements
    expected = painting.to_output(place.eye_center)
    width = place.face_width * painting.transform[0]
    faces = output_faces(rgb)
    found = min(faces, key=lambda f: np.hypot(*(f.eye_center - expected)))
    assert np.hypot(*(found.eye_center - expected)) < 0.05 * width
    assert found.width == pytest.approx(width, rel=0.08)
    assert abs(math.degrees(found.roll - place.roll)) < 3


def test_the_tilted_face_keeps_its_tilt_in_both_finishes():
    tilted = samples.astronaut(2.0).rotate(
        -14, resample=Image.Resampling.BICUBIC, fillcolor=(40, 44, 60)
    )
    data = samples.encode(tilted, "JPEG", quality=92)
    for finish in pipeline.FINISHES:
        painting = pipeline.make_portrait(data, "uki-helmet", "Look", finish=finish)
        (place,) = painting.placements
        found = output_faces(decode(painting))[0]
        expected = painting.to_output(place.eye_center)
        assert np.hypot(*(found.eye_center - expected)) < 0.05 * found.width
        assert abs(math.degrees(found.roll - place.roll)) < 3
        assert abs(math.degrees(place.roll)) > 9


def test_painted_paints_the_face_and_photo_keeps_it(green_screen, green_portraits):
    photo = green_portraits["borik", "photo"]
    painted = green_portraits["borik", "painted"]
    a, b = decode(photo), decode(painted)
    face = lower_face(photo, 0, a.shape)
    difference = np.abs(a.astype(np.float32) - b.astype(np.float32))[face].mean()
    assert difference > 3, "the painted finish must change the face"
    # both are still her face: the same features, only lit and painted otherwise
    source = source_in_output(green_screen, photo, a.shape)
    assert likeness(a, source, face) > 0.9
    assert likeness(b, source, face) > 0.8
    # the photo finish only matches the light: close to the photo's own tones
    assert np.abs(a.astype(np.float32) - source)[face].mean() < 30


def test_finish_is_checked():
    with pytest.raises(ValueError):
        pipeline.make_portrait(samples.astronaut_jpeg(), "dulyga", "Look", finish="oil")


# --- groups ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pair_photo():
    return samples.close_pair_jpeg()


@pytest.fixture(scope="module")
def crowd_photo():
    return samples.crowd_jpeg()


@pytest.fixture(scope="module")
def group_portraits(pair_photo, crowd_photo):
    return {
        (name, key): pipeline.make_portrait(data, key, key)
        for name, data in (("pair", pair_photo), ("crowd", crowd_photo))
        for key in ("borik", "dulyga", "saukele")
    }


def test_a_passer_by_is_found_but_not_dressed(group_portraits, crowd_photo):
    analysis = pipeline.find_faces(pipeline.read_image(crowd_photo))
    assert analysis.found == 4
    assert len(analysis.faces) == 3
    (passer_by,) = analysis.background
    assert passer_by.width < 0.45 * analysis.faces[0].width
    for key in ("borik", "dulyga", "saukele"):
        painting = group_portraits["crowd", key]
        assert painting.faces_found == 4
        assert painting.faces_dressed == 3 == len(painting.placements)
        for place in painting.placements:
            assert np.hypot(*(np.subtract(place.eye_center, passer_by.eye_center))) > 40
        # ...and left out of the painting: where the face was is the steppe now
        rgb = decode(painting)
        where = np.zeros(rgb.shape[:2], np.uint8)
        oval = painting.to_output(passer_by.oval)
        cv2.fillPoly(where, [np.round(oval).astype(np.int32)], 1)
        assert where.sum() > 200, "the passer-by is inside the picture"
        source = source_in_output(crowd_photo, painting, rgb.shape)
        assert abs(likeness(rgb, source, where.astype(bool))) < 0.5


@pytest.mark.parametrize("name", ["pair", "crowd"])
def test_costumes_are_drawn_back_to_front(group_portraits, name):
    for key in ("borik", "dulyga", "saukele"):
        painting = group_portraits[name, key]
        drawn = sorted(painting.placements, key=lambda p: p.depth)
        widths = [p.face_width for p in drawn]
        assert widths == sorted(widths), "the smaller (farther) faces are drawn first"
        assert painting.placements[0] is drawn[-1], "placements list the nearest first"


@pytest.mark.parametrize("name", ["pair", "crowd"])
@pytest.mark.parametrize("key", ["borik", "dulyga", "saukele"])
def test_no_costume_covers_a_dressed_face(group_portraits, pair_photo, crowd_photo, name, key):
    painting = group_portraits[name, key]
    rgb = decode(painting)
    source = source_in_output(pair_photo if name == "pair" else crowd_photo, painting, rgb.shape)
    for index in range(painting.faces_dressed):
        face = lower_face(painting, index, rgb.shape)
        assert likeness(rgb, source, face) > 0.9, f"face {index} is covered"


def scene_difference(painting, key):
    """Per output pixel, how far the portrait is from the look's bare scene (the steppe,
    graded and placed as the portrait's is): about 0 where the scene shows. For looks that
    draw nothing behind the people (no veil, bow or quiver)."""
    rgb = decode(painting).astype(np.float32)
    height, width = rgb.shape[:2]
    pic_w, pic_h = width - 2 * compose.BORDER, height - compose.BORDER - compose.BAND
    look = pipeline.LOOKS[key]
    bare = np.asarray(compose.steppe(look.palette, pic_w, pic_h).convert("RGB"))
    expected = np.zeros_like(rgb)
    expected[compose.BORDER : compose.BORDER + pic_h, compose.BORDER : compose.BORDER + pic_w] = (
        compose.grade(bare, look.grade)
    )
    return np.abs(rgb - expected).mean(axis=2)


def output_chin(painting, place):
    oval = painting.to_output(place.oval)
    return oval[np.argmax(oval[:, 1])]


def test_a_passer_by_s_body_becomes_the_steppe_not_a_block_of_costume(group_portraits):
    # Between the left and the middle person, above their shoulders, the passer-by's body
    # showed; it was filled with the middle person's robe (a flat-topped box of costume).
    painting = group_portraits["crowd", "borik"]
    difference = scene_difference(painting, "borik")
    scale = painting.transform[0]
    left, middle = sorted(painting.placements, key=lambda p: p.eye_center[0])[:2]
    (xl, yl), (xm, ym) = output_chin(painting, left), output_chin(painting, middle)
    wl, wm = left.face_width * scale, middle.face_width * scale
    x0, x1 = int(xl + 1.1 * wl), int(xm - 1.1 * wm)
    y0, y1 = int(min(yl, ym) + 0.05 * wm), int(min(yl + 0.45 * wl, ym + 0.45 * wm))
    assert x1 - x0 > 0.5 * wm and y1 - y0 > 0.2 * wm
    between = difference[y0:y1, x0:x1]
    assert between.mean() < 6, "the passer-by's body is painted over with costume"
    assert (between > 25).mean() < 0.03


def test_the_garment_has_a_symmetric_shoulder_line():
    # what she holds beside her body (the helmet, the suit's collar ring) made a jagged bump
    # of robe on one shoulder: the costume's top outline must be about the same both sides
    data = samples.encode(samples.astronaut(2.0), "JPEG", quality=92)
    painting = pipeline.make_portrait(data, "borik", "borik")
    difference = scene_difference(painting, "borik")
    (place,) = painting.placements
    cx, cy = output_chin(painting, place)
    width = place.face_width * painting.transform[0]
    for reach in (1.2, 1.5):
        heights = []
        for sign in (-1, 1):
            x = int(round(cx + sign * reach * width))
            column = np.median(difference[:, x - 3 : x + 4], axis=1)[int(cy) :]
            costume = np.flatnonzero(column > 30)
            assert len(costume), "the garment reaches past the shoulders"
            heights.append(costume[0] / width)
        assert abs(heights[0] - heights[1]) < 0.3, f"shoulders {heights} face widths down"
