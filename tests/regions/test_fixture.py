"""The demo content in fixtures/10_regions.json: complete, consistent and in three languages."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from PIL import Image

from regions.models import Place, Region

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SLUGS = {
    1: "abai", 2: "akmola", 3: "aktobe", 4: "almaty-region", 5: "atyrau",
    6: "east-kazakhstan", 7: "jambyl", 8: "jetisu", 9: "karaganda", 10: "kostanay",
    11: "kyzylorda", 12: "mangystau", 13: "north-kazakhstan", 14: "pavlodar", 15: "turkistan",
    16: "ulytau", 17: "west-kazakhstan", 18: "astana", 19: "almaty", 20: "shymkent",
}  # fmt: skip
CENTRES = {
    "abai": "Semey", "akmola": "Kokshetau", "aktobe": "Aktobe", "almaty-region": "Konaev",
    "atyrau": "Atyrau", "east-kazakhstan": "Oskemen", "jambyl": "Taraz", "jetisu": "Taldykorgan",
    "karaganda": "Karaganda", "kostanay": "Kostanay", "kyzylorda": "Kyzylorda",
    "mangystau": "Aktau", "north-kazakhstan": "Petropavl", "pavlodar": "Pavlodar",
    "turkistan": "Turkistan", "ulytau": "Zhezkazgan", "west-kazakhstan": "Oral",
}  # fmt: skip
KAZAKH_LETTERS = set("әғқңөұүһі")


def words(html):
    return len(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def loaded(db):
    call_command("loaddata", str(FIXTURES / "10_regions.json"), verbosity=0)


def test_twenty_regions_with_the_agreed_keys(loaded):
    regions = {r.pk: r for r in Region.objects.published()}
    assert {pk: r.slug for pk, r in regions.items()} == SLUGS
    assert Region.objects.regions().count() == 17
    assert set(Region.objects.cities().values_list("slug", flat=True)) == {
        "astana",
        "almaty",
        "shymkent",
    }


def test_administrative_centres(loaded):
    for slug, centre in CENTRES.items():
        assert centre in Region.objects.get(slug=slug).centre_en, slug


def test_every_region_is_complete_in_three_languages(loaded):
    for region in Region.objects.select_related("cover"):
        for lang in ("kk", "ru", "en"):
            assert getattr(region, f"name_{lang}"), (region.slug, lang)
            assert getattr(region, f"summary_{lang}"), (region.slug, lang)
            assert words(getattr(region, f"body_{lang}")) >= 120, (region.slug, lang)
        assert KAZAKH_LETTERS & set(region.body_kk), region.slug
        assert region.area_km2 and region.area_km2 > 500
        if region.population:
            assert 2020 <= region.population_year <= 2026
        assert region.cover and region.cover.alt_kk and region.cover.alt_en


def test_neighbours_are_symmetric_and_map_cells_unique(loaded):
    cells = set()
    for region in Region.objects.prefetch_related("neighbours"):
        for other in region.neighbours.all():
            assert region in other.neighbours.all()
        cells.add((region.map_col, region.map_row))
        assert region.map_col <= 6 and region.map_row <= 4
    assert len(cells) == 20


def test_places_are_real_and_located_in_kazakhstan(loaded):
    places = list(Place.objects.published().select_related("region"))
    assert len(places) >= 50
    per_region = {}
    for place in places:
        per_region[place.region.slug] = per_region.get(place.region.slug, 0) + 1
        assert 40.5 <= float(place.latitude) <= 55.5, place.slug
        assert 46.5 <= float(place.longitude) <= 87.5, place.slug
        for lang in ("kk", "ru", "en"):
            for field in ("name", "summary", "body", "season", "getting_there"):
                assert getattr(place, f"{field}_{lang}"), (place.slug, field, lang)
        assert place.cover_id
    assert set(per_region) == set(SLUGS.values())
    assert min(per_region.values()) >= 2


def test_fixture_images_exist_and_are_modest():
    data = json.loads((FIXTURES / "10_regions.json").read_text())
    photos = [o for o in data if o["model"] == "kazportal.photo"]
    assert all(1000 <= o["pk"] <= 1999 for o in photos)
    for photo in photos:
        path = FIXTURES / "media" / photo["fields"]["image"]
        assert path.exists(), path
        assert path.stat().st_size <= 150_000, path
        with Image.open(path) as image:
            assert image.size == (photo["fields"]["width"], photo["fields"]["height"])
            assert image.width <= 1600
