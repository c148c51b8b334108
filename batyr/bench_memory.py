"""Peak memory of reading the heaviest photos an upload accepts: ``make bench-upload-memory``
(``python -m batyr.bench_memory``).

For each kind of file a web process decodes (a JPEG, a 16-bit grey PNG, a colour PNG, a
transparent PNG, a GIF, a HEIC) it writes the largest picture the limits accept (the megapixel
limit and the decoding budget, ``batyr.pipeline.reader``), and one a little over the budget;
then a fresh process per file does what the upload view does with it: read it (sniff, bound,
decode small, orient, normalise), look for faces (the models loaded and warmed first) and
encode the working copy. Printed per file: its size, the answer (the working size or the
refusal) and the rise of the process's peak resident memory over the warmed-up process, which
is what one upload costs a web process on top of its baseline.
"""

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("GLOG_minloglevel", "2")

MiB = 1024 * 1024


def memory_mib(field):
    """VmRSS (now) or VmHWM (the peak since the last reset) of this process, in MiB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise LookupError(field)


def reset_peak():
    """Start VmHWM again from the current resident size (Linux 4.0 and later)."""
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")


def measure(path):
    """In this (fresh) process: warm up, then read ``path`` as an upload; a JSON line."""
    from PIL import Image

    from batyr import pipeline

    warm = io.BytesIO()
    Image.new("RGB", (640, 480), (90, 90, 90)).save(warm, "PNG")
    pipeline.warm_up()
    try:
        pipeline.find_faces(pipeline.read_image(warm.getvalue()))
    except pipeline.PipelineError:
        pass
    data = Path(path).read_bytes()
    reset_peak()
    baseline = memory_mib("VmRSS")
    answer = ""
    try:
        work = pipeline.read_image(data)
        answer = f"read {work.size[0]}x{work.size[1]}"
        try:
            pipeline.find_faces(work)
        except pipeline.PipelineError as exc:  # a blank test card has no face: still measured
            answer += f", {exc.code}"
        pipeline.encode_working_copy(work)
    except pipeline.PipelineError as exc:
        answer = f"refused: {exc.code}"
    rise = memory_mib("VmHWM") - baseline
    print(json.dumps({"answer": answer, "rise_mib": rise, "base": baseline}))


def largest(budget_bytes, per_pixel, max_pixels, aspect=(4, 3)):
    """The largest ``aspect`` picture of at most ``max_pixels`` and ``budget_bytes``."""
    pixels = min(max_pixels, budget_bytes // per_pixel)
    unit = int((pixels / (aspect[0] * aspect[1])) ** 0.5)
    return aspect[0] * unit, aspect[1] * unit


def cases():
    """(name, file name, writer(path, size), bytes per pixel counted by the reader)."""
    from PIL import Image

    def save(mode, fmt, **options):
        def write(path, size):
            colour = {"I;16": 30000, "P": 3, "RGBA": (150, 90, 40, 200)}.get(mode, (150, 90, 40))
            Image.new(mode, size, colour).save(path, fmt, **options)

        return write

    import pillow_heif

    pillow_heif.register_heif_opener()
    return [
        ("JPEG, colour", "photo.jpg", save("RGB", "JPEG", quality=90), None),
        ("PNG, 16-bit grey", "grey16.png", save("I;16", "PNG"), 2),
        ("PNG, colour", "colour.png", save("RGB", "PNG"), 4),
        ("PNG, transparent", "alpha.png", save("RGBA", "PNG"), 4),
        ("GIF", "palette.gif", save("P", "GIF"), 1),
        ("HEIC, colour", "photo.heic", save("RGB", "HEIF", quality=50), 7),
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        return measure(args.measure)

    from batyr.pipeline.reader import DEFAULT_MAX_DECODED_BYTES, DEFAULT_MAX_PIXELS

    budget, max_pixels = DEFAULT_MAX_DECODED_BYTES, DEFAULT_MAX_PIXELS
    print(f"limits: {max_pixels / 1e6:.0f} megapixels, decoding budget {budget // MiB} MiB")
    print(f"{'file':<22}{'size':>12}{'bytes':>10}  {'answer':<34}{'peak rise':>10}")
    worst = 0.0
    with tempfile.TemporaryDirectory() as folder:
        for name, filename, write, per_pixel in cases():
            sizes = [largest(budget, per_pixel or 1, max_pixels)]
            if per_pixel:  # and one a little over the budget, refused before decoding
                over = largest(int(budget * 1.1), per_pixel, 10**12)
                if over[0] * over[1] <= max_pixels:
                    sizes.append(over)
            for size in sizes:
                path = Path(folder) / filename
                write(path, size)
                run = subprocess.run(
                    [sys.executable, "-m", "batyr.bench_memory", "--measure", str(path)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                result = json.loads(run.stdout.strip().splitlines()[-1])
                if result["answer"].startswith("read"):
                    worst = max(worst, result["rise_mib"])
                print(
                    f"{name:<22}{size[0]:>6}x{size[1]:<5}{path.stat().st_size // 1024:>8}K"
                    f"  {result['answer']:<34}{result['rise_mib']:>7.0f} MiB"
                )
    print(f"baseline of a warmed-up process (models loaded): {result['base']:.0f} MiB")
    print(f"worst accepted upload: +{worst:.0f} MiB")


if __name__ == "__main__":
    main()
