"""What reading an upload may cost a web process: the decoding budget is judged from the header,
the reduction to the working size never makes a second full-size copy, and the heaviest files
the limits accept stay under about 150 MiB (measured in a fresh process, as
`make bench-upload-memory` does)."""

import io
import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from batyr import bench_memory, pipeline
from batyr.pipeline import errors, reader

from . import samples

MiB = 1024 * 1024


def png(mode, size, colour):
    buf = io.BytesIO()
    Image.new(mode, size, colour).save(buf, "PNG")
    return buf.getvalue()


def noise(mode, size, seed=0):
    rng = np.random.default_rng(seed)
    if mode == "I;16":
        return Image.fromarray(rng.integers(0, 65535, size[::-1], dtype=np.uint16))
    if mode == "P":
        return Image.fromarray(rng.integers(0, 255, size[::-1], dtype=np.uint8), "L").convert(
            "P", palette=Image.Palette.ADAPTIVE
        )
    bands = len(Image.new(mode, (1, 1)).getbands())
    return Image.fromarray(rng.integers(0, 255, (*size[::-1], bands), dtype=np.uint8), mode)


@pytest.mark.parametrize(
    ("mode", "same_as"),
    [
        ("RGB", lambda im, f: im.reduce(f)),
        ("RGBA", lambda im, f: im.reduce(f)),  # Pillow premultiplies the whole picture
        ("P", lambda im, f: im.convert("RGB").reduce(f)),
        ("I;16", lambda im, f: im.convert("I").reduce(f).convert("I;16")),
    ],
)
def test_reducing_a_band_at_a_time_gives_the_same_pixels_as_the_whole_picture(mode, same_as):
    im = noise(mode, (1203, 917))  # 917 rows: bands of 255 rows and a short last one
    factor = 5
    reduced = reader._reduce(im, 1203 // factor)
    assert reduced.mode == same_as(im, factor).mode
    assert reduced.size == (241, 184)
    assert np.array_equal(np.asarray(reduced), np.asarray(same_as(im, factor)))


def test_a_picture_over_the_decoding_budget_is_refused_from_its_header():
    data = png("RGB", (1000, 800), (10, 20, 30))  # Pillow holds 4 bytes a pixel: 3.2 MB
    with pytest.raises(pipeline.PipelineError) as caught:
        pipeline.read_image(data, pipeline.Limits(max_decoded_bytes=3_000_000))
    assert caught.value.code == errors.TOO_HEAVY
    work = pipeline.read_image(data, pipeline.Limits(max_decoded_bytes=3_300_000))
    assert work.size == (1000, 800)


def test_a_jpeg_is_judged_at_the_scale_it_is_decoded_at():
    data = samples.big_astronaut_jpeg()  # 4000x3000: 48 MB at full size, decoded at 1/2
    work = pipeline.read_image(data, pipeline.Limits(max_decoded_bytes=13_000_000))
    assert work.size == (2000, 1500)


def measure(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    run = subprocess.run(
        [sys.executable, "-m", "batyr.bench_memory", "--measure", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_the_heaviest_accepted_uploads_cost_a_web_process_under_150_mib(tmp_path):
    budget = reader.DEFAULT_MAX_DECODED_BYTES
    # the red team's file: a 40-megapixel 16-bit grey PNG of 86 KB (it cost 532 MiB)
    grey = measure(tmp_path, "grey.png", png("I;16", (8000, 5000), 30000))
    # the heaviest kind for its size: a transparent PNG of exactly the budget
    alpha_size = bench_memory.largest(budget, 4, reader.DEFAULT_MAX_PIXELS)
    alpha = measure(tmp_path, "alpha.png", png("RGBA", alpha_size, (150, 90, 40, 200)))
    for result in (grey, alpha):
        assert result["answer"].startswith("read 2048x"), result
        assert result["rise_mib"] < 150, result
    # decoding it at all costs what its pixels take: the budget is the real figure
    assert alpha["rise_mib"] > budget / MiB
