"""The batyr pipeline on its own (no Django, no database): real models on real pictures."""

import io
import math
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from batyr import pipeline
from batyr.pipeline import errors

from . import samples


def decode(data):
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def code_of(data):
    with pytest.raises(pipeline.PipelineError) as caught:
        pipeline.make_portrait(data, "dulyga", "Batyr")
    return caught.value.code


# --- understanding the portrait ----------------------------------------------------------


def test_finds_the_astronauts_face():
    analysis = pipeline.find_faces(samples.astronaut())
    assert analysis.found == 1
    (face,) = analysis.faces
    # between her eyes, about 92 px temple to temple, nearly upright
    assert face.eye_center[0] == pytest.approx(225, abs=8)
    assert face.eye_center[1] == pytest.approx(102, abs=8)
    assert face.width == pytest.approx(92, rel=0.12)
    assert abs(math.degrees(face.roll)) < 6


@pytest.mark.parametrize("look", sorted(pipeline.LOOKS))
def test_headgear_sits_above_the_eyes_and_on_the_head(look):
    painting = pipeline.make_portrait(samples.astronaut_jpeg(), look, "Look")
    (place,) = painting.placements
    x0, y0, x1, y1 = place.headgear
    eye_x, eye_y = place.eye_center
    assert y1 < eye_y, "the headgear's main piece must end above the eye line"
    assert y1 > eye_y - place.face_width, "...but sit on the forehead, not float above it"
    assert x0 < eye_x < x1, "centred on the face"
    assert 0.9 * place.face_width < x1 - x0 < 2.2 * place.face_width


def test_headgear_scales_with_the_face():
    big = samples.encode(samples.astronaut(2.0), "JPEG", quality=92)  # 1024 px
    small = samples.encode(samples.astronaut(1.0), "JPEG", quality=92)  # its 0.5x
    a = pipeline.make_portrait(big, "uki-helmet", "Look").placements[0]
    b = pipeline.make_portrait(small, "uki-helmet", "Look").placements[0]
    assert a.face_width / b.face_width == pytest.approx(2.0, rel=0.08)
    width_ratio = (a.headgear[2] - a.headgear[0]) / (b.headgear[2] - b.headgear[0])
    height_ratio = (a.headgear[3] - a.headgear[1]) / (b.headgear[3] - b.headgear[1])
    assert width_ratio == pytest.approx(2.0, rel=0.1)
    assert height_ratio == pytest.approx(2.0, rel=0.1)


def test_headgear_follows_the_heads_roll():
    upright = pipeline.find_faces(samples.astronaut()).faces[0]
    tilted_image = samples.astronaut().rotate(
        -15, resample=Image.Resampling.BICUBIC, fillcolor=(40, 44, 60)
    )
    data = samples.encode(tilted_image, "JPEG", quality=92)
    painting = pipeline.make_portrait(data, "dulyga", "Look")
    (place,) = painting.placements
    assert math.degrees(place.roll - upright.roll) == pytest.approx(15, abs=3)
    # the helmet leans with the head: its centre moves towards the side the head tilts to
    centre_x = (place.headgear[0] + place.headgear[2]) / 2
    assert centre_x > place.eye_center[0] + 0.1 * place.face_width


def test_output_is_a_1024_high_jpeg_and_webp_without_metadata():
    painting = pipeline.make_portrait(samples.rotated_jpeg(), "saukele", "Сәукеле")
    assert isinstance(painting, pipeline.Painting)
    jpeg, webp = decode(painting.jpeg), decode(painting.webp)
    assert jpeg.format == "JPEG" and webp.format == "WEBP"
    assert jpeg.size == webp.size == (painting.width, 1024)
    assert 0.7 < painting.width / 1024 < 1.7
    for im in (jpeg, webp):
        assert "exif" not in im.info
        assert len(im.getexif()) == 0
    assert b"Exif" not in painting.jpeg[:4096]
    assert b"Phone maker" not in painting.jpeg and b"Phone maker" not in painting.webp


def test_every_look_renders_with_a_kazakh_title():
    for key in pipeline.LOOKS:
        painting = pipeline.make_portrait(
            samples.astronaut_jpeg(), key, "Әже, ғұлама, қыран, үкі, һәм іні"
        )
        assert decode(painting.jpeg).size[1] == 1024


def test_looks_differ():
    heads = []
    for key in pipeline.LOOKS:
        im = decode(pipeline.make_portrait(samples.astronaut_jpeg(), key, "Look").jpeg).convert("L")
        heads.append(np.asarray(im.resize((64, 80)), np.float32))
    for i in range(len(heads)):
        for j in range(i + 1, len(heads)):
            assert np.abs(heads[i] - heads[j]).mean() > 8


# --- several faces -----------------------------------------------------------------------


def test_dresses_every_face_of_a_pair():
    painting = pipeline.make_portrait(samples.group_jpeg(2), "borik", "Look")
    assert painting.faces_found == 2
    assert painting.faces_dressed == 2
    assert not painting.too_many_faces
    rolls = sorted(math.degrees(p.roll) for p in painting.placements)
    assert rolls[1] - rolls[0] > 5, "each face keeps its own tilt"


def test_more_than_four_faces_dresses_the_four_largest_and_says_so():
    painting = pipeline.make_portrait(samples.group_jpeg(6), "dulyga", "Look")
    assert painting.faces_found == 6
    assert painting.faces_dressed == 4
    assert painting.too_many_faces
    assert len(painting.placements) == 4


# --- inputs that are accepted after conversion ---------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        samples.cmyk_jpeg,
        samples.png16,
        samples.grey_jpeg,
        samples.rgba_png,
        samples.animated_gif,
        samples.heic,
        samples.webp,
        samples.rotated_jpeg,
    ],
    ids=lambda f: f.__name__,
)
def test_converted_inputs_give_a_portrait(make):
    work = pipeline.read_image(make())
    assert work.mode == "RGB"
    assert work.size == (512, 512)
    assert work.info == {}
    painting = pipeline.make_portrait(make(), "borik", "Look")
    assert painting.faces_dressed == 1


def test_exif_orientation_is_applied():
    upright = np.asarray(samples.astronaut(), np.float32)
    read = np.asarray(pipeline.read_image(samples.rotated_jpeg()), np.float32)
    assert np.abs(upright - read).mean() < 6
    face = pipeline.find_faces(pipeline.read_image(samples.rotated_jpeg())).faces[0]
    assert abs(math.degrees(face.roll)) < 6


def test_animated_gif_uses_its_first_frame():
    read = np.asarray(pipeline.read_image(samples.animated_gif()), np.float32)
    assert read.mean() > 60  # the second frame is black


def test_sixteen_bit_png_keeps_its_tones():
    read = np.asarray(pipeline.read_image(samples.png16()), np.float32)
    grey = np.asarray(samples.astronaut().convert("L"), np.float32)
    assert np.abs(read[..., 0] - grey).mean() < 2


def test_cmyk_colours_come_out_right():
    read = np.asarray(pipeline.read_image(samples.cmyk_jpeg()), np.float32)
    assert np.abs(read - np.asarray(samples.astronaut(), np.float32)).mean() < 12


def test_a_12_megapixel_jpeg_is_decoded_small():
    work = pipeline.read_image(samples.big_astronaut_jpeg())
    assert work.size == (2000, 1500)  # libjpeg's 1/2 scale, no full-size decode


# --- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: b"", errors.EMPTY),
        (lambda: samples.TEXT_AS_JPG, errors.NOT_AN_IMAGE),
        (samples.truncated_jpeg, errors.DAMAGED),
        (samples.png_bomb, errors.TOO_MANY_PIXELS),
        (lambda: samples.SVG_WITH_SCRIPT, errors.NOT_AN_IMAGE),
        (samples.one_by_one_png, errors.TOO_SMALL),
        (lambda: samples.png_bomb(0, 0), errors.DAMAGED),
        (samples.landscape_png, errors.NO_FACE),
        (samples.tiny_face_jpeg, errors.FACE_TOO_SMALL),
        (samples.cut_off_face_jpeg, errors.FACE_CUT_OFF),
        (samples.huge_file, errors.TOO_LARGE),
    ],
    ids=[
        "empty",
        "text-named-jpg",
        "truncated-jpeg",
        "png-bomb",
        "svg-with-script",
        "1x1",
        "0x0",
        "landscape",
        "face-too-small",
        "face-cut-off",
        "25-mb",
    ],
)
def test_bad_input_is_refused_with_a_stable_code(make, code):
    assert code_of(make()) == code


def test_png_bomb_is_refused_without_decoding():
    data = samples.png_bomb()
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(pipeline.PipelineError):
        pipeline.read_image(data)
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 0.5
    assert peak < 5 * 1024 * 1024


def test_a_lower_pixel_limit_is_honoured():
    limits = pipeline.Limits(max_pixels=200_000)
    with pytest.raises(pipeline.PipelineError) as caught:
        pipeline.read_image(samples.astronaut_jpeg(), limits)
    assert caught.value.code == errors.TOO_MANY_PIXELS


def test_file_objects_are_read_up_to_the_limit_only():
    limits = pipeline.Limits(max_bytes=1000)
    with pytest.raises(pipeline.PipelineError) as caught:
        pipeline.read_image(io.BytesIO(samples.astronaut_jpeg()), limits)
    assert caught.value.code == errors.TOO_LARGE


def test_unknown_look_is_refused():
    with pytest.raises(pipeline.PipelineError) as caught:
        pipeline.make_portrait(samples.astronaut_jpeg(), "spacesuit", "Look")
    assert caught.value.code == errors.UNKNOWN_LOOK


def test_sniffing_ignores_names_and_knows_the_formats():
    assert pipeline.sniff(samples.astronaut_jpeg()[:64]) == "JPEG"
    assert pipeline.sniff(samples.webp()[:64]) == "WEBP"
    assert pipeline.sniff(samples.heic()[:64]) == "HEIF"
    assert pipeline.sniff(samples.animated_gif()[:64]) == "GIF"
    assert pipeline.sniff(samples.SVG_WITH_SCRIPT[:64]) is None
    assert pipeline.sniff(b"%PDF-1.7\n" + b"\0" * 60) is None


def test_the_pipeline_imports_without_django():
    code = "import sys, batyr.pipeline; sys.exit('django' in sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])


def test_progress_stages_are_reported_in_order():
    stages = []
    pipeline.make_portrait(samples.astronaut_jpeg(), "dulyga", "Look", progress=stages.append)
    assert stages == ["face", "dress", "paint"]


def test_the_working_copy_is_a_plain_jpeg():
    data = pipeline.encode_working_copy(pipeline.read_image(samples.rotated_jpeg()))
    im = decode(data)
    assert im.format == "JPEG"
    assert len(im.getexif()) == 0
    assert b"Phone maker" not in data
