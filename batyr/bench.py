"""Benchmark the portrait pipeline on one CPU core: ``python -m batyr.bench [--runs N]``.

Generates a 12-megapixel JPEG (NASA's public-domain portrait of Eileen Collins from
scikit-image, upscaled onto a 4000x3000 canvas), warms the models up, then times the whole
pipeline (read, find faces, dress, paint, encode JPEG and WebP) for every run, cycling
through the looks. Prints p50/p95 and the peak resident memory of the process.
"""

import argparse
import os
import sys

# One core, one thread per library: set before numpy, OpenCV or MediaPipe load.
for _var in (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "TF_NUM_INTRAOP_THREADS",
):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
os.environ.setdefault("GLOG_minloglevel", "2")

import io  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402


def make_input(width=4000, height=3000):
    try:
        from skimage import data
    except ImportError:  # pragma: no cover - scikit-image is a dev dependency
        sys.exit("The benchmark needs scikit-image: pip install -e '.[dev]'")
    import numpy as np
    from PIL import Image

    portrait = Image.fromarray(data.astronaut()).resize((height, height), Image.Resampling.BICUBIC)
    canvas = Image.new("RGB", (width, height), (40, 44, 60))
    canvas.paste(portrait, ((width - height) // 2, 0))
    # sensor-like grain, so the file is as heavy to decode as a real phone photo
    # (added in bands, to keep this set-up from inflating the peak memory measured below)
    pixels = np.array(canvas)
    rng = np.random.default_rng(0)
    for top in range(0, height, 250):
        rows = pixels[top : top + 250]
        grain = rng.normal(0, 7, (rows.shape[0], width, 1)).astype(np.float32)
        rows[...] = np.clip(rows + grain, 0, 255).astype(np.uint8)
    canvas = Image.fromarray(pixels)
    del pixels
    buf = io.BytesIO()
    canvas.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def percentile(values, share):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs (default 20)")
    parser.add_argument(
        "--cpu", type=int, default=None, help="core to pin to (default: first allowed)"
    )
    args = parser.parse_args(argv)

    if hasattr(os, "sched_setaffinity"):
        cpu = args.cpu if args.cpu is not None else min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        pinned = f"pinned to CPU {cpu}"
    else:  # pragma: no cover - not Linux
        pinned = "not pinned (no sched_setaffinity here)"

    from batyr import pipeline

    data = make_input()
    print(f"input: 4000x3000 JPEG, {len(data) / 1e6:.1f} MB; {pinned}")
    started = time.perf_counter()
    pipeline.warm_up()
    looks = list(pipeline.LOOKS)
    for key in looks:  # first use builds each look's cached scene
        pipeline.make_portrait(data, key, "Benchmark")
    print(f"warm-up (models and scenes): {time.perf_counter() - started:.2f} s")

    totals, stages = [], {}
    for i in range(args.runs):
        key = looks[i % len(looks)]
        t0 = time.perf_counter()
        painting = pipeline.make_portrait(data, key, "Benchmark")
        totals.append(time.perf_counter() - t0)
        for name, value in painting.timings.items():
            stages.setdefault(name, []).append(value)

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"runs: {args.runs} (looks cycled: {', '.join(looks)})")
    print(
        f"output: {painting.width}x{painting.height}, JPEG {len(painting.jpeg) // 1024} KiB, "
        f"WebP {len(painting.webp) // 1024} KiB"
    )
    print(f"p50: {percentile(totals, 0.5) * 1000:.0f} ms")
    print(f"p95: {percentile(totals, 0.95) * 1000:.0f} ms")
    print(f"min/max: {min(totals) * 1000:.0f} / {max(totals) * 1000:.0f} ms")
    print(
        "stage medians: "
        + ", ".join(
            f"{name} {statistics.median(values) * 1000:.0f} ms"
            for name, values in stages.items()
            if name != "total"
        )
    )
    print(f"peak RSS: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
