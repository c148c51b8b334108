"""The one exception the pipeline raises for anything the visitor can act on."""

# Stable machine codes. The site layer maps each to a translated message; keep them in sync
# with batyr/messages.py.
EMPTY = "empty"
TOO_LARGE = "too_large"
NOT_AN_IMAGE = "not_an_image"
DAMAGED = "damaged"
TOO_MANY_PIXELS = "too_many_pixels"
TOO_SMALL = "too_small"
NO_FACE = "no_face"
FACE_TOO_SMALL = "face_too_small"
FACE_CUT_OFF = "face_cut_off"
UNKNOWN_LOOK = "unknown_look"

CODES = (
    EMPTY,
    TOO_LARGE,
    NOT_AN_IMAGE,
    DAMAGED,
    TOO_MANY_PIXELS,
    TOO_SMALL,
    NO_FACE,
    FACE_TOO_SMALL,
    FACE_CUT_OFF,
    UNKNOWN_LOOK,
)


class PipelineError(Exception):
    """A refusal with a stable ``code`` (one of ``CODES``) and a developer-facing detail."""

    def __init__(self, code, detail=""):
        if code not in CODES:
            raise ValueError(f"unknown pipeline error code {code!r}")
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}" if detail else code)
