"""What the visitor reads for each refusal or failure (pipeline codes and the site's own)."""

from django.utils.translation import gettext_lazy as _

ERRORS = {
    # pipeline.errors
    "empty": _("The file is empty. Choose a photo and send it again."),
    "too_large": _("The file is larger than %(mb)s MB. Send a smaller photo."),
    "not_an_image": _(
        "This file is not a photo we can read. Send a JPEG, PNG, WebP or HEIC picture."
    ),
    "damaged": _("The photo seems to be damaged or incomplete. Try saving it again."),
    "too_many_pixels": _(
        "The picture is too large (more than %(mp)s megapixels). Send a smaller copy."
    ),
    "too_small": _("The picture is too small. Send a photo at least 128 pixels on each side."),
    "no_face": _("We could not find a face. Send a photo where your face is clearly visible."),
    "face_too_small": _(
        "The face is too small in this photo. Come closer to the camera or crop the photo."
    ),
    "face_cut_off": _(
        "The face is cut off by the edge of the photo. Send one where the whole face is in."
    ),
    "unknown_look": _("Choose one of the looks offered on this page."),
    # the site's own
    "no_file": _("Choose a photo to upload."),
    "consent": _("Please tick the box to agree to how your photo is used."),
    "rate_limited": _(
        "You have made many portraits in the last hour. Please try again a little later."
    ),
    "busy": _("So many portraits are being painted right now that we are out of easels. "
              "Please try again in a few minutes."),
    "worker_lost": _("Painting this portrait took too long and was stopped. Please try again."),
    "internal": _("Something went wrong while painting this portrait. Please try again."),
}  # fmt: skip


def error_message(code):
    from django.conf import settings

    template = ERRORS.get(code, ERRORS["internal"])
    return str(template) % {
        "mb": settings.BATYR_MAX_UPLOAD_MB,
        "mp": settings.BATYR_MAX_MEGAPIXELS,
    }
