"""One factory per model; each app's `factories` module adds its own models' factories."""

import datetime
import io

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from kazportal.models import Photo
from regions.models import Place, Region


def yesterday():
    return timezone.now() - datetime.timedelta(days=1)


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


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"region-{n}")
    kind = Region.Kind.REGION
    status = Region.Status.PUBLISHED
    published_at = factory.LazyFunction(yesterday)
    name_kk = factory.Sequence(lambda n: f"Өңір {n}")
    name_ru = factory.Sequence(lambda n: f"Регион {n}")
    name_en = factory.Sequence(lambda n: f"Region {n}")
    centre_kk = "Орталық"
    centre_ru = "Центр"
    centre_en = "Centre"
    summary_kk = "Қысқаша сипаттама."
    summary_ru = "Краткое описание."
    summary_en = "A short summary."
    body_kk = "<p>Өңір туралы мәтін.</p>"
    body_ru = "<p>Текст о регионе.</p>"
    body_en = "<p>Text about the region.</p>"
    area_km2 = 100000
    population = 700000
    population_year = 2026
    map_col = factory.Sequence(lambda n: n % 7)
    map_row = factory.Sequence(lambda n: (n // 7) % 5)


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    region = factory.SubFactory(RegionFactory)
    slug = factory.Sequence(lambda n: f"place-{n}")
    kind = Place.Kind.NATURE
    status = Place.Status.PUBLISHED
    published_at = factory.LazyFunction(yesterday)
    name_kk = factory.Sequence(lambda n: f"Орын {n}")
    name_ru = factory.Sequence(lambda n: f"Место {n}")
    name_en = factory.Sequence(lambda n: f"Place {n}")
    summary_kk = "Көруге тұрарлық жер."
    summary_ru = "Место, которое стоит увидеть."
    summary_en = "A place worth seeing."
    body_en = "<p>About the place.</p>"
    body_ru = "<p>О месте.</p>"
    body_kk = "<p>Орын туралы.</p>"
    latitude = "43.29250"
    longitude = "68.27170"
    season_en = "Spring and autumn."
    season_ru = "Весна и осень."
    season_kk = "Көктем мен күз."
