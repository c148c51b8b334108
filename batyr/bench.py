"""Benchmark the portrait pipeline on one CPU core: ``python -m batyr.bench [--runs N]``.

Generates two 12-megapixel JPEGs from NASA's public-domain portrait of Eileen Collins
(scikit-image): one face (the portrait upscaled onto a 4000x3000 canvas) and four faces (four
copies of it side by side, a group photo), warms the models up, then times the whole
pipeline (read, find faces, dress, paint, encode JPEG and WebP) for every run, cycling
through the looks and both finishes. Prints p50/p95 for each photo against its target
(one face: p50 <= 0.3 s, four faces: p50 <= 0.6 s) and the peak resident memory.
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

TARGETS = {1: 0.3, 4: 0.6}  # p50 seconds, one core


def make_input(width=4000, height=3000, faces=1):
    try:
        from skimage import data
    except ImportError:  # pragma: no cover - scikit-image is a dev dependency
        sys.exit("The benchmark needs scikit-image: pip install -e '.[dev]'")
    import numpy as np
    from PIL import Image

    canvas = Image.new("RGB", (width, height), (40, 44, 60))
    if faces == 1:
        side = height
        portrait = Image.fromarray(data.astronaut()).resize((side, side), Image.Resampling.BICUBIC)
        canvas.paste(portrait, ((width - side) // 2, 0))
    else:  # a row of people, of slightly different sizes, shoulders overlapping
        step = width / faces
        for i, share in enumerate((0.97, 0.9, 1.0, 0.93, 0.95, 0.92)[:faces]):
            side = round(step * 1.25 * share)
            portrait = Image.fromarray(data.astronaut()).resize(
                (side, side), Image.Resampling.BICUBIC
            )
            x = round(i * step + step / 2 - side * 0.45)
            canvas.paste(portrait, (x, height - side))
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


def run(pipeline, data, runs, looks):
    totals, stages, per_look, painting = [], {}, {}, None
    finishes = pipeline.FINISHES
    for i in range(runs):
        key = looks[i % len(looks)]
        finish = finishes[(i // len(looks)) % len(finishes)]
        t0 = time.perf_counter()
        painting = pipeline.make_portrait(data, key, "Benchmark", finish=finish)
        totals.append(time.perf_counter() - t0)
        per_look.setdefault(f"{key}/{finish}", []).append(totals[-1])
        for name, value in painting.timings.items():
            stages.setdefault(name, []).append(value)
    return totals, stages, per_look, painting


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs per photo (default 20)")
    parser.add_argument(
        "--cpu", type=int, default=None, help="core to pin to (default: first allowed)"
    )
    parser.add_argument("--faces", default="1,4", help="which photos: faces in them (default 1,4)")
    parser.add_argument("--looks", help="comma-separated look keys (default: every look)")
    args = parser.parse_args(argv)

    if hasattr(os, "sched_setaffinity"):
        cpu = args.cpu if args.cpu is not None else min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        pinned = f"pinned to CPU {cpu}"
    else:  # pragma: no cover - not Linux
        pinned = "not pinned (no sched_setaffinity here)"

    from batyr import pipeline

    inputs = {int(n): make_input(faces=int(n)) for n in args.faces.split(",")}
    for faces, data in inputs.items():
        print(f"input: {faces} face(s), 4000x3000 JPEG, {len(data) / 1e6:.1f} MB; {pinned}")
    started = time.perf_counter()
    pipeline.warm_up()
    looks = args.looks.split(",") if args.looks else list(pipeline.LOOKS)
    for key in looks:  # first use builds each look's cached scene
        for data in inputs.values():
            pipeline.make_portrait(data, key, "Benchmark")
    print(f"warm-up (models and scenes): {time.perf_counter() - started:.2f} s")
    print(f"runs: {args.runs} per photo (looks cycled: {', '.join(looks)}; both finishes)")

    met = True
    for faces, data in inputs.items():
        totals, stages, per_look, painting = run(pipeline, data, args.runs, looks)
        p50, p95 = percentile(totals, 0.5), percentile(totals, 0.95)
        target = TARGETS.get(faces)
        verdict = ""
        if target is not None:
            ok = p50 <= target
            met = met and ok
            verdict = f" (target p50 <= {target * 1000:.0f} ms: {'met' if ok else 'NOT met'})"
        print(f"-- {faces} face(s), {painting.faces_dressed} dressed --")
        print(
            f"output: {painting.width}x{painting.height}, JPEG {len(painting.jpeg) // 1024} KiB, "
            f"WebP {len(painting.webp) // 1024} KiB"
        )
        print(f"p50: {p50 * 1000:.0f} ms{verdict}")
        print(f"p95: {p95 * 1000:.0f} ms")
        print(f"min/max: {min(totals) * 1000:.0f} / {max(totals) * 1000:.0f} ms")
        print(
            "stage medians: "
            + ", ".join(
                f"{name} {statistics.median(values) * 1000:.0f} ms"
                for name, values in stages.items()
                if name != "total"
            )
        )
        print(
            "look medians: "
            + ", ".join(
                f"{name} {statistics.median(values) * 1000:.0f} ms"
                for name, values in sorted(per_look.items())
            )
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"peak RSS: {peak_mb:.0f} MB")
    print("targets: " + ("met" if met else "NOT met"))


if __name__ == "__main__":
    main()
