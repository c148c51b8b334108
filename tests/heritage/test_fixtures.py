"""The demo content: complete in three languages, true to the checked facts, and loadable."""

import importlib.util
import json
import re
from pathlib import Path

import html5lib
import pytest
from django.conf import settings
from django.core.management import call_command
from PIL import Image

from heritage.models import Document, Item, Kind, Section
from kazportal.models import Photo
from regions.models import Place

from .factories import PlaceFactory, RegionFactory

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
FIXTURE = FIXTURES / "20_heritage.json"
KAZAKH_LETTERS = re.compile("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
UNESCO = {
    "khoja-ahmed-yasawi-mausoleum": 2003,
    "tamgaly-petroglyphs": 2004,
    "saryarka": 2008,
    "silk-roads": 2014,
    "western-tien-shan": 2016,
    "cold-winter-deserts-of-turan": 2023,
}
REGION_SLUGS = [
    "abai", "akmola", "aktobe", "almaty-region", "atyrau", "east-kazakhstan", "jambyl", "jetisu",
    "karaganda", "kostanay", "kyzylorda", "mangystau", "north-kazakhstan", "pavlodar", "turkistan",
    "ulytau", "west-kazakhstan", "astana", "almaty", "shymkent",
]  # fmt: skip


def records(model):
    return [r for r in json.loads(FIXTURE.read_text(encoding="utf-8")) if r["model"] == model]


@pytest.fixture
def loaded(db):
    """The heritage fixture on its own: regions and the places it links to are made here, so
    that the test does not depend on the regions fixture."""
    regions = {pk: RegionFactory(pk=pk, slug=slug) for pk, slug in enumerate(REGION_SLUGS, 1)}
    for record in records("heritage.item"):
        for place_pk in record["fields"]["places"]:
            if not Place.objects.filter(pk=place_pk).exists():
                region = regions[record["fields"]["regions"][0]]
                PlaceFactory(pk=place_pk, region=region, slug=f"place-{place_pk}")
    call_command("loaddata", str(FIXTURE), verbosity=0)


def test_linked_places_exist_in_the_regions_fixture_and_in_the_items_regions():
    regions_fixture = FIXTURES / "10_regions.json"
    if not regions_fixture.exists():
        pytest.skip("no regions fixture yet")
    places = {
        r["pk"]: r["fields"]["region"]
        for r in json.loads(regions_fixture.read_text(encoding="utf-8"))
        if r["model"] == "regions.place"
    }
    for record in records("heritage.item"):
        for place_pk in record["fields"]["places"]:
            assert place_pk in places, (record["fields"]["slug"], place_pk)
            assert places[place_pk] in record["fields"]["regions"], record["fields"]["slug"]


def test_fixture_is_what_the_builder_makes():
    spec = importlib.util.spec_from_file_location(
        "make_heritage_fixture", FIXTURES / "make_heritage_fixture.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.build() == json.loads(FIXTURE.read_text(encoding="utf-8"))


def test_photos_are_in_the_heritage_range_and_their_files_are_modest():
    photos = records("kazportal.photo")
    assert photos
    for record in photos:
        assert 2000 <= record["pk"] <= 2999
        fields = record["fields"]
        path = FIXTURES / "media" / fields["image"]
        assert path.is_file(), path
        assert path.stat().st_size <= 150 * 1024, path
        with Image.open(path) as img:
            assert img.size == (fields["width"], fields["height"])
            assert img.width <= 1600
        for lang in ("kk", "ru", "en"):
            assert fields[f"alt_{lang}"], (record["pk"], lang)


@pytest.mark.django_db
def test_every_section_has_at_least_six_items_and_unesco_has_all_six(loaded):
    for s in Section.objects.all():
        assert s.items.published().count() >= 6, s.kind
        assert s.cover is not None
    unesco = {i.slug: i.inscription_year for i in Item.objects.filter(section__kind=Kind.UNESCO)}
    assert unesco == UNESCO
    types = dict(
        Item.objects.filter(section__kind=Kind.UNESCO).values_list("slug", "heritage_type")
    )
    assert types["saryarka"] == types["western-tien-shan"] == "natural"
    assert types["khoja-ahmed-yasawi-mausoleum"] == types["silk-roads"] == "cultural"


@pytest.mark.django_db
def test_every_item_is_written_in_three_languages(loaded):
    translated_facts = ("period", "location", "address", "opening_hours", "achievements",
                        "director", "genre")  # fmt: skip
    for item in Item.objects.all():
        for field in ("title", "summary", "body"):
            for lang in ("kk", "ru", "en"):
                assert getattr(item, f"{field}_{lang}"), (item.slug, field, lang)
        assert KAZAKH_LETTERS.search(item.body_kk + item.title_kk + item.summary_kk), item.slug
        for field in translated_facts:
            values = [getattr(item, f"{field}_{lang}") for lang in ("kk", "ru", "en")]
            assert all(values) or not any(values), (item.slug, field)
        assert item.cover is not None


@pytest.mark.django_db
def test_archive_items_have_real_documents_made_by_the_project(loaded):
    archives = Item.objects.filter(section__kind=Kind.ARCHIVES)
    with_documents = [i for i in archives if i.documents.exists()]
    assert len(with_documents) >= 3
    for document in Document.objects.all():
        path = FIXTURES / "media" / document.file.name
        assert path.is_file()
        assert document.size == path.stat().st_size
        head = path.read_bytes()[:8]
        if document.content_type == "application/pdf":
            assert head.startswith(b"%PDF-")
        else:
            assert document.content_type == "image/png" and head == b"\x89PNG\r\n\x1a\n"
        for lang in ("kk", "ru", "en"):
            assert getattr(document, f"title_{lang}")


@pytest.mark.django_db
def test_demo_pages_render(loaded, client):
    # the files go where load_initial_data copies them
    for photo in Photo.objects.filter(pk__gte=2000, pk__lte=2999):
        target = Path(settings.MEDIA_ROOT) / photo.image.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((FIXTURES / "media" / photo.image.name).read_bytes())
    paths = ["/en/heritage/history/?era=khanate"]
    for lang in ("kk", "ru", "en"):
        paths.append(f"/{lang}/heritage/")
        paths += [f"/{lang}/heritage/{s.slug}/" for s in Section.objects.all()]
        paths += [
            f"/{lang}/heritage/{i.section.slug}/{i.slug}/"
            for i in Item.objects.select_related("section")
        ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        html5lib.HTMLParser(strict=True).parse(html)
        assert html.count("<h1") == 1, path
        assert "fallback-notice" not in html, path  # everything is written in every language
