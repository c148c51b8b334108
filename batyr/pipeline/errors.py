"""The one exception the pipeline raises for anything the visitor can act on, and what the
visitor reads for each of its codes.

The messages are the English source strings of the translation catalogues: marked here for
``make messages`` (no Django in the pipeline), translated when the site shows them
(``batyr.messages.error_message``).
"""


def gettext_noop(message):
    """Mark ``message`` for translation without translating it (as Django's gettext_noop)."""
    return message


# Stable machine codes.
EMPTY = "empty"
TOO_LARGE = "too_large"
NOT_AN_IMAGE = "not_an_image"
DAMAGED = "damaged"
TOO_MANY_PIXELS = "too_many_pixels"
TOO_HEAVY = "too_heavy"
TOO_SMALL = "too_small"
NO_FACE = "no_face"
FACE_TOO_SMALL = "face_too_small"
FACE_CUT_OFF = "face_cut_off"
UNKNOWN_LOOK = "unknown_look"

# code -> message; %(mb)s and %(mp)s are the site's upload limits
MESSAGES = {
    EMPTY: gettext_noop("The file is empty. Choose a photo and send it again."),
    TOO_LARGE: gettext_noop("The file is larger than %(mb)s MB. Send a smaller photo."),
    NOT_AN_IMAGE: gettext_noop(
        "This file is not a photo we can read. Send a JPEG, PNG, WebP or HEIC picture."
    ),
    DAMAGED: gettext_noop("The photo seems to be damaged or incomplete. Try saving it again."),
    TOO_MANY_PIXELS: gettext_noop(
        "The picture is too large (more than %(mp)s megapixels). Send a smaller copy."
    ),
    TOO_HEAVY: gettext_noop(
        "This picture takes too much memory to read (a very large PNG, WebP, GIF or HEIC). "
        "Save it as a JPEG or send a smaller copy."
    ),
    TOO_SMALL: gettext_noop(
        "The picture is too small. Send a photo at least 128 pixels on each side."
    ),
    NO_FACE: gettext_noop(
        "We could not find a face. Send a photo where your face is clearly visible."
    ),
    FACE_TOO_SMALL: gettext_noop(
        "The face is too small in this photo. Come closer to the camera or crop the photo."
    ),
    FACE_CUT_OFF: gettext_noop(
        "The face is cut off by the edge of the photo. Send one where the whole face is in."
    ),
    UNKNOWN_LOOK: gettext_noop("Choose one of the looks offered on this page."),
}

CODES = tuple(MESSAGES)


class PipelineError(Exception):
    """A refusal with a stable ``code`` (one of ``CODES``) and a developer-facing detail."""

    def __init__(self, code, detail=""):
        if code not in CODES:
            raise ValueError(f"unknown pipeline error code {code!r}")
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}" if detail else code)
