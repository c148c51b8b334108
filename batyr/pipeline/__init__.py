"""The "Become a batyr" image pipeline: plain Python, no Django.

    from batyr import pipeline
    work = pipeline.read_image(data)               # safe read, raises PipelineError
    faces = pipeline.find_faces(work)              # raises no_face / face_too_small / ...
    painting = pipeline.make_portrait(data, "dulyga", "Batyr in a dulyga")
    painting.jpeg, painting.webp                   # 1024-px-high portraits
    pipeline.make_portrait(data, "dulyga", "Batyr", finish="painted")  # or "photo" (default)

Only the dressed faces are kept of the photo (with the neck and the hair a look shows under
its headgear); they are matched to the scene's light, and with ``finish="painted"`` painted
with its palette too. Everything else becomes the costume or the painted steppe.

Stages report progress through an optional ``progress(stage)`` callback with the stages
``"face"``, ``"dress"`` and ``"paint"`` (the site shows them as steps: ``batyr.models.Step``).
Refusals raise ``PipelineError`` with one of the codes in ``errors.py``, each with its message.
"""

import time
from dataclasses import dataclass, field

import numpy as np

from .compose import FINISHES, OUTPUT_HEIGHT, encode, render
from .errors import CODES, PipelineError
from .looks import LOOKS
from .reader import Limits, encode_working_copy, read_image, sniff
from .vision import Analysis, find_faces, warm_up

__all__ = [
    "CODES",
    "FINISHES",
    "LOOKS",
    "OUTPUT_HEIGHT",
    "Analysis",
    "Limits",
    "Painting",
    "PipelineError",
    "encode_working_copy",
    "find_faces",
    "make_portrait",
    "read_image",
    "render",
    "sniff",
    "warm_up",
]

JPEG_QUALITY = 88
WEBP_QUALITY = 82


@dataclass
class Painting:
    """A finished portrait as the pipeline returns it (``batyr.models.Portrait`` is the job)."""

    jpeg: bytes
    webp: bytes
    width: int
    height: int
    faces_found: int
    faces_dressed: int
    placements: list = field(default_factory=list)  # compose.Placement per dressed face
    timings: dict = field(default_factory=dict)
    transform: tuple = (1.0, 0.0, 0.0)  # working-copy px to output px: scale, dx, dy
    finish: str = "photo"

    @property
    def too_many_faces(self):
        return self.faces_found > self.faces_dressed

    def to_output(self, points):
        """Working-copy pixel coordinates (a Placement's) to the portrait's, (..., 2)."""
        scale, dx, dy = self.transform
        return np.asarray(points, np.float64) * scale + (dx, dy)


def make_portrait(source, look_key, title, progress=None, limits=None, finish="photo"):
    """Read ``source`` (bytes or a binary file), dress it in ``look_key``, return a Painting.

    ``finish`` is ``"photo"`` or ``"painted"`` (see ``FINISHES``); anything else is a
    ``ValueError``.
    """
    if look_key not in LOOKS:
        raise PipelineError("unknown_look", look_key)
    if finish not in FINISHES:
        raise ValueError(f"finish must be one of {FINISHES}, not {finish!r}")
    started = time.perf_counter()
    work = read_image(source, limits)
    read_done = time.perf_counter()
    if progress:
        progress("face")
    analysis = find_faces(work)
    faces_done = time.perf_counter()
    rendered = render(work, analysis, look_key, title, progress=progress, finish=finish)
    render_done = time.perf_counter()
    jpeg = encode(rendered.image, "JPEG", JPEG_QUALITY)
    webp = encode(rendered.image, "WEBP", WEBP_QUALITY)
    done = time.perf_counter()
    timings = {
        "read": read_done - started,
        "faces": faces_done - read_done,
        "render": render_done - faces_done,
        "encode": done - render_done,
        "total": done - started,
    }
    return Painting(
        jpeg=jpeg,
        webp=webp,
        width=rendered.image.width,
        height=rendered.image.height,
        faces_found=rendered.faces_found,
        faces_dressed=rendered.faces_dressed,
        placements=rendered.placements,
        timings=timings,
        transform=rendered.transform,
        finish=finish,
    )
