import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from heritage.models import Item, Kind

from .factories import PDF_BYTES, ItemFactory, section


@pytest.fixture
def admin(client, django_user_model):
    user = django_user_model.objects.create_superuser("boss", "boss@example.org", "x")
    client.force_login(user)
    return client


def form_data(**extra):
    data = {
        "title_kk": "Жаңа жазба",
        "title_ru": "Новая запись",
        "title_en": "A new item",
        "slug": "",
        "summary_kk": "Қысқаша.",
        "summary_ru": "Кратко.",
        "summary_en": "Short.",
        "body_kk": "<p>Мәтін</p>",
        "body_ru": "",
        "body_en": "",
        "status": "published",
        "published_at_0": "2026-11-01",
        "published_at_1": "10:00:00",
        "order": "0",
        "item_photos-TOTAL_FORMS": "0",
        "item_photos-INITIAL_FORMS": "0",
        "item_photos-MIN_NUM_FORMS": "0",
        "item_photos-MAX_NUM_FORMS": "1000",
    }
    data.update(extra)
    return data


@pytest.mark.django_db
def test_each_section_has_its_own_item_list(admin):
    ItemFactory(section=section(Kind.UNESCO), title_en="Yasawi", title_kk="Ясауи", slug="y")
    ItemFactory(section=section(Kind.CINEMA), title_en="Kyz Zhibek", title_kk="Қыз Жібек", slug="k")
    unesco = admin.get("/admin/heritage/unescosite/")
    assert unesco.status_code == 200
    text = unesco.content.decode()
    assert "Ясауи" in text and "Қыз Жібек" not in text
    assert "translation-status" in text  # the languages column
    films = admin.get("/admin/heritage/film/").content.decode()
    assert "Қыз Жібек" in films and "Ясауи" not in films


@pytest.mark.django_db
@pytest.mark.parametrize(
    "proxy, shown, hidden",
    [
        ("unescosite", ["inscription_year", "criteria", "location_kk", "latitude"], ["film_year"]),
        ("film", ["film_year", "director_kk", "duration_minutes", "trailer_url"], ["address_kk"]),
        ("person", ["birth_year", "death_year", "field", "achievements_kk"], ["criteria"]),
        ("museumitem", ["address_kk", "opening_hours_kk", "website", "phone"], ["birth_year"]),
        ("historyitem", ["period_kk", "start_year"], ["inscription_year", "website"]),
        ("archiveitem", ["period_kk", "documents-TOTAL_FORMS"], ["film_year", "latitude"]),
    ],
)
def test_add_form_shows_only_the_sections_facts(admin, proxy, shown, hidden):
    html = admin.get(f"/admin/heritage/{proxy}/add/").content.decode()
    for name in shown:
        assert f'name="{name}"' in html, name
    for name in hidden:
        assert f'name="{name}"' not in html, name
    assert 'name="section"' not in html  # the list decides the section


@pytest.mark.django_db
def test_adding_an_item_puts_it_in_the_lists_section_with_a_latin_slug(admin):
    response = admin.post(
        "/admin/heritage/unescosite/add/",
        form_data(inscription_year="2003", heritage_type="cultural", criteria="(i)"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item = Item.objects.get()
    assert item.section.kind == Kind.UNESCO
    assert item.slug == "zhanga-zhazba"
    assert item.inscription_year == 2003


@pytest.mark.django_db
def test_a_slug_taken_in_the_same_section_is_a_form_error(admin):
    ItemFactory(section=section(Kind.UNESCO), slug="zhanga-zhazba")
    ItemFactory(section=section(Kind.CINEMA), slug="taken-elsewhere")
    # The title's own slug (as the prefill writes it) is taken: the next free one.
    response = admin.post("/admin/heritage/unescosite/add/", form_data(slug="zhanga-zhazba"))
    assert response.status_code == 302
    assert Item.objects.filter(section__kind=Kind.UNESCO, slug="zhanga-zhazba-2").exists()
    # A typed slug that is taken in this section: a form error.
    ItemFactory(section=section(Kind.UNESCO), slug="typed")
    response = admin.post("/admin/heritage/unescosite/add/", form_data(slug="typed"))
    assert response.status_code == 200
    assert "осындай slug бар басқа жазба бар" in response.content.decode()
    # Left empty: the next free one; a slug taken only in another section is free here.
    assert admin.post("/admin/heritage/unescosite/add/", form_data()).status_code == 302
    assert Item.objects.filter(section__kind=Kind.UNESCO, slug="zhanga-zhazba-3").exists()
    ok = admin.post("/admin/heritage/unescosite/add/", form_data(slug="taken-elsewhere"))
    assert ok.status_code == 302


@pytest.mark.django_db
def test_archive_items_take_documents_inline(admin):
    data = form_data(
        **{
            "documents-TOTAL_FORMS": "1",
            "documents-INITIAL_FORMS": "0",
            "documents-MIN_NUM_FORMS": "0",
            "documents-MAX_NUM_FORMS": "1000",
            "documents-0-title_kk": "Парақ",
            "documents-0-title_ru": "Лист",
            "documents-0-title_en": "Sheet",
            "documents-0-order": "0",
            "documents-0-file": SimpleUploadedFile("Парақ 1991.pdf", PDF_BYTES),
        }
    )
    response = admin.post("/admin/heritage/archiveitem/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    document = Item.objects.get().documents.get()
    assert document.content_type == "application/pdf"
    assert document.size == len(PDF_BYTES)
    assert document.file.name.startswith("documents/") and document.file.name.isascii()


@pytest.mark.django_db
def test_an_upload_pretending_to_be_a_pdf_is_refused(admin):
    data = form_data(
        **{
            "documents-TOTAL_FORMS": "1",
            "documents-INITIAL_FORMS": "0",
            "documents-MIN_NUM_FORMS": "0",
            "documents-MAX_NUM_FORMS": "1000",
            "documents-0-title_kk": "Парақ",
            "documents-0-order": "0",
            "documents-0-file": SimpleUploadedFile("evil.pdf", b"<script>alert(1)</script>"),
        }
    )
    response = admin.post("/admin/heritage/archiveitem/add/", data)
    assert response.status_code == 200
    assert "кеңейтіміне сәйкес емес" in response.content.decode()  # the admin speaks Kazakh
    assert not Item.objects.exists()


@pytest.mark.django_db
def test_publication_actions(admin):
    draft = ItemFactory(section=section(Kind.CINEMA), status="draft", slug="d")
    admin.post(
        "/admin/heritage/film/",
        {"action": "publish_now", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.status == "published"


@pytest.mark.django_db
def test_sections_can_be_edited_but_not_added_or_deleted(admin):
    assert admin.get("/admin/heritage/section/").status_code == 200
    assert admin.get("/admin/heritage/section/add/").status_code == 403
    unesco = section(Kind.UNESCO)
    assert admin.get(f"/admin/heritage/section/{unesco.pk}/delete/").status_code == 403
    html = admin.get(f"/admin/heritage/section/{unesco.pk}/change/").content.decode()
    assert 'name="card_text_ru"' in html


@pytest.mark.django_db
def test_editors_may_edit_every_section_list():
    editors = Group.objects.get(name="Editors")
    codenames = set(editors.permissions.values_list("codename", flat=True))
    for model in ("unescosite", "film", "person", "archiveitem", "document", "section"):
        assert f"change_{model}" in codenames, model
