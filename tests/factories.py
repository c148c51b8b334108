import io

import factory
from django.core.files.base import ContentFile
from PIL import Image

from kazportal.models import Photo


def image_bytes(width=1000, height=700, color=(200, 150, 60), fmt="JPEG"):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, fmt)
    return buffer.getvalue()


class PhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Photo

    alt_kk = factory.Sequence(lambda n: f"Дала суреті {n}")
    alt_ru = factory.Sequence(lambda n: f"Фото степи {n}")
    alt_en = factory.Sequence(lambda n: f"Steppe photo {n}")
    image = factory.LazyFunction(lambda: ContentFile(image_bytes(), name="steppe.jpg"))
