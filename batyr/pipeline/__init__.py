"""The "Become a batyr" image pipeline: plain Python, no Django.

    from batyr import pipeline
    work = pipeline.read_image(data)               # safe read, raises PipelineError
    faces = pipeline.find_faces(work)              # raises no_face / face_too_small / ...
    painting = pipeline.make_portrait(data, "dulyga", "Batyr in a dulyga")
    painting.jpeg, painting.webp                   # 1024-px-high portraits

Stages report progress through an optional ``progress(stage)`` callback with the stages
``"face"``, ``"dress"`` and ``"paint"`` (the site shows them as steps: ``batyr.models.Step``).
Refusals raise ``PipelineError`` with one of the codes in ``errors.py``, each with its message.
"""

import time
from dataclasses import dataclass, field

from .compose import OUTPUT_HEIGHT, encode, render
from .errors import CODES, PipelineError
from .looks import LOOKS
from .reader import Limits, encode_working_copy, read_image, sniff
from .vision import Analysis, find_faces, warm_up

__all__ = [
    "CODES",
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

    @property
    def too_many_faces(self):
        return self.faces_found > self.faces_dressed


def make_portrait(source, look_key, title, progress=None, limits=None):
    """Read ``source`` (bytes or a binary file), dress it in ``look_key``, return a Painting."""
    if look_key not in LOOKS:
        raise PipelineError("unknown_look", look_key)
    started = time.perf_counter()
    work = read_image(source, limits)
    read_done = time.perf_counter()
    if progress:
        progress("face")
    analysis = find_faces(work)
    faces_done = time.perf_counter()
    rendered = render(work, analysis, look_key, title, progress=progress)
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
    )
