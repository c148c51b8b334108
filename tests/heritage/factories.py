import datetime

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from heritage.models import Document, Item, ItemPhoto, Kind, Section
from tests.factories import PhotoFactory, PlaceFactory, RegionFactory  # noqa: F401 (for this app)

# The smallest valid PDF a viewer opens: one empty page.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def section(kind):
    """The section made by the data migration for a kind (Kind.UNESCO, "cinema"...)."""
    return Section.objects.get(kind=kind)


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    section = factory.LazyFunction(lambda: section(Kind.HISTORY))
    slug = factory.Sequence(lambda n: f"item-{n}")
    title_kk = factory.Sequence(lambda n: f"Жазба {n}")
    title_ru = factory.Sequence(lambda n: f"Запись {n}")
    title_en = factory.Sequence(lambda n: f"Item {n}")
    summary_kk = "Қысқаша мазмұны."
    summary_ru = "Краткое описание."
    summary_en = "A short summary."
    body_kk = "<p>Мәтін.</p>"
    body_ru = "<p>Текст.</p>"
    body_en = "<p>Text.</p>"
    status = "published"
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


class ItemPhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ItemPhoto

    item = factory.SubFactory(ItemFactory)
    photo = factory.SubFactory(PhotoFactory)


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    item = factory.SubFactory(
        ItemFactory, section=factory.LazyFunction(lambda: section("archives"))
    )
    title_kk = "Анықтама парағы"
    title_ru = "Справочный лист"
    title_en = "Reference sheet"
    file = factory.LazyFunction(lambda: ContentFile(PDF_BYTES, name="sheet.pdf"))
