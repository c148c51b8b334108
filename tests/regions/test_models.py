from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from kazportal.sanitize import clean_html
from regions.map import label_lines, tile_map
from regions.models import Place, Region

from .factories import PlaceFactory, RegionFactory

pytestmark = pytest.mark.django_db


def test_published_excludes_drafts_and_scheduled():
    public = RegionFactory()
    RegionFactory(status=Region.Status.DRAFT)
    RegionFactory(published_at=timezone.now() + timedelta(days=1))
    assert list(Region.objects.published()) == [public]


def test_visible_to_staff_includes_drafts(make_editor):
    RegionFactory()
    RegionFactory(status=Region.Status.DRAFT)
    staff = make_editor()
    assert Region.objects.visible_to(staff).count() == 2
    assert Region.objects.visible_to(AnonymousUser()).count() == 1


def test_regions_and_cities_querysets():
    region = RegionFactory(kind=Region.Kind.REGION)
    city = RegionFactory(kind=Region.Kind.CITY)
    assert list(Region.objects.regions()) == [region]
    assert list(Region.objects.cities()) == [city]
    assert city.is_city and not region.is_city


def test_place_counts_count_only_public_places():
    region = RegionFactory()
    PlaceFactory.create_batch(3, region=region)
    PlaceFactory(region=region, status=Place.Status.DRAFT)
    PlaceFactory(region=region, published_at=timezone.now() + timedelta(days=2))
    annotated = Region.objects.with_place_counts().get(pk=region.pk)
    assert annotated.place_count == 3


def test_published_places_need_a_published_region():
    draft_region = RegionFactory(status=Region.Status.DRAFT)
    hidden = PlaceFactory(region=draft_region)
    shown = PlaceFactory()
    assert list(Place.objects.published()) == [shown]
    assert hidden not in Place.objects.published()
    assert list(Place.objects.in_region(draft_region)) == [hidden]


def test_bodies_are_sanitized_on_save():
    region = RegionFactory(
        body_en='<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:x">link</a></p>'
    )
    region.refresh_from_db()
    assert "script" not in region.body_en
    assert "onclick" not in region.body_en
    assert "javascript" not in region.body_en
    assert region.body_en.startswith("<p>Hi")
    assert clean_html("<h2>Ok</h2><iframe src=x></iframe>") == "<h2>Ok</h2>"


def test_urls_and_openstreetmap_link():
    place = PlaceFactory(
        region__slug="turkistan", slug="yasawi", latitude="43.29250", longitude="68.27170"
    )
    assert place.region.get_absolute_url() == "/kk/regions/turkistan/"
    assert place.get_absolute_url() == "/kk/regions/turkistan/yasawi/"
    assert place.osm_url == (
        "https://www.openstreetmap.org/?mlat=43.29250&mlon=68.27170#map=13/43.29250/68.27170"
    )
    place.latitude = None
    assert place.osm_url == "" and not place.has_coordinates


def test_same_place_slug_allowed_in_two_regions_not_one():
    from django.db import IntegrityError, transaction

    one, two = RegionFactory(), RegionFactory()
    PlaceFactory(region=one, slug="lake")
    PlaceFactory(region=two, slug="lake")
    with pytest.raises(IntegrityError), transaction.atomic():
        PlaceFactory(region=one, slug="lake")


@pytest.mark.parametrize(
    ("label", "lines"),
    [
        ("Abai", ["Abai"]),
        ("North Kazakhstan", ["North", "Kazakhstan"]),
        ("Солтүстік Қазақстан", ["Солтүстік", "Қазақстан"]),
        ("Северо-Казахстанская", ["Северо-", "Казахстанская"]),
        ("Almaty Region", ["Almaty Region"]),
    ],
)
def test_map_labels_break_into_short_lines(label, lines):
    assert label_lines(label) == lines


def test_tile_map_places_tiles_on_the_grid_and_marks_cities():
    region = RegionFactory(map_col=2, map_row=3, short_name_kk="Қызылорда")
    city = RegionFactory(kind=Region.Kind.CITY, map_col=0, map_row=0)
    data = tile_map([region, city], current=city)
    tiles = {t["region"].pk: t for t in data["tiles"]}
    assert (tiles[region.pk]["x"], tiles[region.pk]["y"]) == (2 * 130, 3 * 90)
    assert tiles[region.pk]["lines"][0]["text"] == "Қызылорда"
    assert tiles[city.pk]["is_city"] and tiles[city.pk]["is_current"]
    assert not tiles[region.pk]["is_current"]
    assert data["tiles"][0]["region"] == city  # sorted north to south, west to east
