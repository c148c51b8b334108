"""What the visitor reads for each refusal or failure: one table, error code -> message.

The pipeline's codes come with their messages from ``batyr/pipeline/errors.py`` (plain Python,
so the pipeline runs without Django); the site's own codes are added here. Every message is
translated when it is shown.
"""

from django.conf import settings
from django.utils.translation import gettext, gettext_noop

from .pipeline.errors import MESSAGES as PIPELINE_MESSAGES

ERRORS = {
    **PIPELINE_MESSAGES,
    # the site's own
    "no_file": gettext_noop("Choose a photo to upload."),
    "unknown_finish": gettext_noop("Choose how your face is shown: painted or as in the photo."),
    "consent": gettext_noop("Please tick the box to agree to how your photo is used."),
    "rate_limited": gettext_noop(
        "You have made many portraits in the last hour. Please try again a little later."
    ),
    "busy": gettext_noop(
        "So many portraits are being painted right now that we are out of easels. "
        "Please try again in a few minutes."
    ),
    "worker_lost": gettext_noop(
        "Painting this portrait took too long and was stopped. Please try again."
    ),
    "internal": gettext_noop(
        "Something went wrong while painting this portrait. Please try again."
    ),
}


def error_message(code):
    """The message for ``code`` in the active language ("internal" for an unknown code)."""
    message = ERRORS.get(code, ERRORS["internal"])
    return gettext(message) % {
        "mb": settings.BATYR_MAX_UPLOAD_MB,
        "mp": settings.BATYR_MAX_MEGAPIXELS,
    }
