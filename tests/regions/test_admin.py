import pytest
from django.urls import reverse

from regions.models import Place

from .factories import PlaceFactory, PlacePhotoFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("admin", "admin@example.com", "pw")
    client.force_login(user)
    return client


def test_region_changelist_search_filters_and_map_columns(admin_client):
    RegionFactory(name_kk="Маңғыстау облысы", name_ru="Мангистауская область")
    RegionFactory(name_kk="Түркістан облысы", name_ru="Туркестанская область")
    url = reverse("admin:regions_region_changelist")
    response = admin_client.get(url, {"q": "Мангист"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Маңғыстау облысы" in body and "Түркістан облысы" not in body  # searched in ru
    # map position is editable from the list
    assert 'name="form-0-map_col"' in body and 'name="form-0-map_row"' in body
    assert admin_client.get(url, {"kind__exact": "city"}).status_code == 200
    assert admin_client.get(url, {"missing": "en"}).status_code == 200


def test_place_admin_filters_by_region_and_has_an_ordered_gallery(admin_client):
    place = PlaceFactory()
    PlacePhotoFactory(place=place)
    changelist = reverse("admin:regions_place_changelist")
    response = admin_client.get(changelist, {"region__id__exact": place.region_id})
    assert response.status_code == 200
    assert place.slug in response.content.decode() or place.name_kk in response.content.decode()
    change = admin_client.get(reverse("admin:regions_place_change", args=[place.pk]))
    body = change.content.decode()
    assert change.status_code == 200
    assert "place_photos-0-order" in body
    assert 'name="name_kk"' in body and 'name="name_en"' in body  # language tabs


def test_place_slug_is_made_from_the_kazakh_name_and_unique_in_its_region(admin_client):
    region = RegionFactory()
    PlaceFactory(region=region, slug="sharyn")
    data = {
        "region": region.pk,
        "name_kk": "Шарын",
        "name_ru": "Чарын",
        "name_en": "Charyn",
        "slug": "",
        "kind": "nature",
        "order": 0,
        "status": "draft",
        "published_at_0": "2026-11-21",
        "published_at_1": "10:00:00",
        "place_photos-TOTAL_FORMS": "0",
        "place_photos-INITIAL_FORMS": "0",
        "place_photos-MIN_NUM_FORMS": "0",
        "place_photos-MAX_NUM_FORMS": "1000",
    }
    for field in ("summary", "body", "season", "hours", "getting_there", "fee"):
        for lang in ("kk", "ru", "en"):
            data[f"{field}_{lang}"] = ""
    response = admin_client.post(reverse("admin:regions_place_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Place.objects.filter(region=region, slug="sharyn-2").exists()
