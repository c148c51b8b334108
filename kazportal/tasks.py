from django_tasks import task

from .models import Photo


@task()
def make_renditions(photo_id):
    """Make every rendition of a photo in the worker, so the first visitor does not wait."""
    photo = Photo.objects.filter(pk=photo_id).first()
    if photo is None or not photo.image:
        return 0
    count = 0
    for width in photo.widths():
        for fmt in ("WEBP", photo.fallback_format):
            photo.rendition(width, fmt).generate()
            count += 1
    return count
