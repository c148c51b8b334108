"""A title that is taken never ends in a server error: a slug left empty (or as the prefill made
it) becomes the first free one, a typed duplicate gets a form error. Each add form is filled
from its own HTML, as a browser would send it."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from heritage.models import Item, Kind, Section
from regions.models import Place
from tests.adminforms import form_data

pytestmark = pytest.mark.django_db


CASES = {
    # admin URL name: (title field, the other required fields)
    "articles_article": ("title", {"lead_kk": "Қысқаша.", "category": "news"}),
    "articles_event": (
        "title",
        {"start_date": "2027-08-10", "summary_kk": "Күн.", "category": "national"},
    ),
    "articles_tag": ("name", {}),
    "regions_region": ("name", {}),
}


@pytest.mark.parametrize("admin_name", CASES)
def test_a_taken_title_gets_a_free_slug_and_a_typed_duplicate_an_error(admin_client, admin_name):
    title, extra = CASES[admin_name]
    url = reverse(f"admin:{admin_name}_add")
    model = None
    slugs = []
    # Titles that differ (a keyword's name must be its own) but make the same slug.
    for text in ("Абай күні", "Абай-күні", "Абай, күні"):
        data = form_data(admin_client, url) | extra | {f"{title}_kk": text, "slug": ""}
        response = admin_client.post(url, data)
        errors = BeautifulSoup(response.content, "html.parser").select(".errorlist, .errornote")
        assert response.status_code == 302, [e.get_text(" ", strip=True) for e in errors]
        model = response.wsgi_request.resolver_match.func.model_admin.model
        slugs.append(model.objects.order_by("-pk").first().slug)
    assert slugs == ["abai-kuni", "abai-kuni-2", "abai-kuni-3"]
    # The prefill's own value when it is taken: the next free one too.
    data = form_data(admin_client, url) | extra | {f"{title}_kk": "Абай күні!", "slug": "abai-kuni"}
    assert admin_client.post(url, data).status_code == 302
    assert model.objects.filter(slug="abai-kuni-4").exists()
    # A slug the editor typed that is taken: the form says so, and keeps the typing.
    data = (
        form_data(admin_client, url) | extra | {f"{title}_kk": "Басқа атау", "slug": "abai-kuni-2"}
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    assert "Басқа атау" in response.content.decode()


def test_places_get_a_free_slug_within_their_region(admin_client):
    from tests.factories import RegionFactory

    first, second = RegionFactory(), RegionFactory()
    url = reverse("admin:regions_place_add")
    for region in (first, first, second):
        data = form_data(admin_client, url) | {"name_kk": "Көл", "slug": "", "region": region.pk}
        assert admin_client.post(url, data).status_code == 302
    assert sorted(Place.objects.values_list("region_id", "slug")) == sorted(
        [(first.pk, "kol"), (first.pk, "kol-2"), (second.pk, "kol")]
    )


def test_heritage_items_get_a_free_slug_within_their_section(admin_client):
    url = reverse("admin:heritage_historyitem_add")
    for _ in range(2):
        data = form_data(admin_client, url) | {
            "title_kk": "Алаш",
            "summary_kk": "Қозғалыс.",
            "slug": "",
        }
        assert admin_client.post(url, data).status_code == 302
    history = Section.objects.get(kind=Kind.HISTORY)
    assert set(Item.objects.filter(section=history).values_list("slug", flat=True)) >= {
        "alash",
        "alash-2",
    }


def test_publish_now_keeps_the_date_of_published_rows_and_writes_history(admin_client):
    import datetime

    from django.contrib.admin.models import LogEntry
    from django.utils import timezone

    from tests.articles.factories import ArticleFactory

    september = timezone.now() - datetime.timedelta(days=78)
    live = ArticleFactory(published_at=september)
    draft = ArticleFactory(status="draft", published_at=september)
    url = reverse("admin:articles_article_changelist")
    response = admin_client.post(
        url, {"action": "publish_now", "_selected_action": [live.pk, draft.pk]}
    )
    assert response.status_code == 302
    live.refresh_from_db()
    draft.refresh_from_db()
    assert live.published_at == september  # already public: its date stays
    assert draft.status == "published" and draft.published_at > september
    assert draft.updated_at >= draft.published_at
    logged = LogEntry.objects.filter(object_id=str(draft.pk)).get()
    assert logged.get_change_message() == "Топтық әрекетпен жарияланды."  # the admin's language
    assert not LogEntry.objects.filter(object_id=str(live.pk)).exists()
    admin_client.post(url, {"action": "unpublish", "_selected_action": [live.pk]})
    live.refresh_from_db()
    assert live.status == "draft" and LogEntry.objects.filter(object_id=str(live.pk)).exists()


def test_a_keyword_name_taken_in_a_language_is_refused_whatever_the_case(admin_client):
    from articles.models import Tag
    from tests.articles.factories import TagFactory

    TagFactory(name_kk="Абай", name_ru="Абай", name_en="Abai")
    url = reverse("admin:articles_tag_add")
    data = form_data(admin_client, url) | {"name_kk": "АБАЙ", "name_en": "Poetry", "slug": ""}
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Бұндай атауы бар кілтсөз бар." in response.content.decode()
    assert Tag.objects.count() == 1
    # The same word in another language's field is another keyword's name: allowed.
    data = form_data(admin_client, url) | {"name_kk": "Поэзия", "name_en": "Абай", "slug": ""}
    assert admin_client.post(url, data).status_code == 302
