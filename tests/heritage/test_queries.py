"""Every heritage page runs a fixed number of SQL queries, however much content there is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from heritage.models import Kind
from tests.factories import PhotoFactory

from .factories import (
    DocumentFactory,
    ItemFactory,
    ItemPhotoFactory,
    PlaceFactory,
    RegionFactory,
    section,
)

# The budget of each page (an anonymous visitor, no session).
INDEX = 1  # sections with covers and published-item counts
SECTION = 5  # section, the kind filter's and the region filter's options, count, page items
ITEM = 7  # item (+section, cover), gallery, regions, places, documents, 2× related
DOCUMENT = 1


def fill(kind, n, photos=True):
    """n published items of a kind, each with a cover, 3 gallery photos, 2 regions, 2 places,
    2 documents and 3 related items."""
    made = []
    regions = [RegionFactory() for _ in range(3)]
    for k in range(n):
        item = ItemFactory(
            section=section(kind),
            slug=f"{kind}-{k}",
            cover=PhotoFactory() if photos else None,
            start_year=1000 + k,
            heritage_type="cultural",
            field="music",
        )
        item.regions.add(*regions[:2])
        item.places.add(PlaceFactory(region=regions[0]), PlaceFactory(region=regions[1]))
        if photos:
            for _ in range(3):
                ItemPhotoFactory(item=item, photo=PhotoFactory())
        DocumentFactory(item=item)
        DocumentFactory(item=item)
        if made:
            item.related.add(*made[-3:])
        made.append(item)
    return made


def count(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_content(client):
    small = fill(Kind.UNESCO, 2, photos=False)
    counts_small = {
        "index": count(client, "/en/heritage/"),
        "section": count(client, "/en/heritage/unesco/"),
        "item": count(client, small[-1].get_absolute_url()),
    }
    big = fill(Kind.HISTORY, 30)
    counts_big = {
        "index": count(client, "/en/heritage/"),
        "section": count(client, "/en/heritage/history/?era=middle-ages"),
        "item": count(client, big[-1].get_absolute_url()),
    }
    assert counts_small == counts_big


@pytest.mark.django_db
def test_index_query_budget(client, django_assert_max_num_queries):
    fill(Kind.CINEMA, 20)
    with django_assert_max_num_queries(INDEX):
        assert client.get("/kk/heritage/").status_code == 200


@pytest.mark.django_db
def test_section_query_budget(client, django_assert_max_num_queries):
    items = fill(Kind.HISTORY, 30)
    region = items[0].regions.first()
    for path in (
        "/ru/heritage/history/",
        "/ru/heritage/history/?page=3",
        f"/ru/heritage/history/?region={region.slug}&era=middle-ages",
    ):
        with django_assert_max_num_queries(SECTION):
            assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_item_query_budget(client, django_assert_max_num_queries):
    items = fill(Kind.ARCHIVES, 12)
    with django_assert_max_num_queries(ITEM):
        response = client.get(items[-1].get_absolute_url().replace("/kk/", "/en/"))
    assert response.status_code == 200
    assert len(response.context["gallery"]) == 3
    assert len(response.context["documents"]) == 2
    assert len(response.context["related"]) == 4


@pytest.mark.django_db
def test_document_query_budget(client, django_assert_max_num_queries):
    items = fill(Kind.ARCHIVES, 3, photos=False)
    document = items[0].documents.first()
    with django_assert_max_num_queries(DOCUMENT):
        response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    response.close()


@pytest.mark.django_db
def test_home_heritage_cards_cost_one_query(client):
    fill(Kind.CUSTOMS, 5, photos=False)
    from django.test.utils import CaptureQueriesContext as Capture

    with Capture(connection) as queries:
        client.get("/en/")
    heritage = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "heritage_section"')
    ]
    assert len(heritage) == 1
