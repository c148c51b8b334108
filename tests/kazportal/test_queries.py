import pytest


@pytest.mark.usefixtures("from_the_database")
@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["kk", "en"])
def test_home_runs_a_fixed_number_of_queries(client, demo, django_assert_max_num_queries, lang):
    # home page texts, today's dates, regions (map + featured), latest articles (+ authors, tags),
    # heritage sections, batyr looks
    with django_assert_max_num_queries(8):
        response = client.get(f"/{lang}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/regions/almaty/" in html and "/heritage/unesco/" in html and "/articles/" in html


@pytest.mark.django_db
def test_search_finds_content_of_every_app_in_every_language(
    client, demo, django_assert_max_num_queries
):
    # per kind (5): one ranked query, and one to fetch the hits shown when it has any
    with django_assert_max_num_queries(10):
        response = client.get("/en/search/", {"q": "Abai"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "/en/regions/abai/" in html  # a region
    assert "/en/heritage/" in html  # a heritage item
    # A Kazakh word finds the same region from the English page.
    kk = client.get("/en/search/", {"q": "Абай"}).content.decode()
    assert "/en/regions/abai/" in kk
    nothing = client.get("/ru/search/", {"q": "zzzzqqq"}).content.decode()
    assert "ничего не найдено" in nothing
