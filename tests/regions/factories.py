import factory

from regions.models import Place, PlacePhoto, Region
from tests.factories import PhotoFactory


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    slug = factory.Sequence(lambda n: f"region-{n}")
    kind = Region.Kind.REGION
    status = Region.Status.PUBLISHED
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


class PlacePhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlacePhoto

    place = factory.SubFactory(PlaceFactory)
    photo = factory.SubFactory(PhotoFactory)
    order = factory.Sequence(lambda n: n)
