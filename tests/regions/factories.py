import factory

from regions.models import PlacePhoto
from tests.factories import PhotoFactory, PlaceFactory, RegionFactory

__all__ = ["PlaceFactory", "PlacePhotoFactory", "RegionFactory"]


class PlacePhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlacePhoto

    place = factory.SubFactory(PlaceFactory)
    photo = factory.SubFactory(PhotoFactory)
    order = factory.Sequence(lambda n: n)
