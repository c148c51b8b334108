import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.template import Context, Template
from django.utils import translation
from PIL import Image

from heritage.kinds import KINDS
from heritage.models import KIND_PROXIES, Document, Item, Kind, Section

from .factories import PDF_BYTES, DocumentFactory, ItemFactory, RegionFactory, section

SEED_ORDER = [
    ("customs", "Customs and traditions", "Салт-дәстүрлер", "Обычаи и традиции"),
    ("about", "About Kazakhstan", "Қазақстан туралы", "О Казахстане"),
    ("history", "History", "Тарих", "История"),
    ("unesco", "UNESCO heritage", "ЮНЕСКО мұрасы", "Наследие ЮНЕСКО"),
    ("museums", "Museums and reserves", "Мұражайлар мен қорықтар", "Музеи и заповедники"),
    ("golden-fund", "Golden fund", "Алтын қор", "Золотой фонд"),
    ("cinema", "Cinema", "Кино", "Кино"),
    ("archives", "Archives", "Мұрағаттар", "Архивы"),
]


@pytest.mark.django_db
def test_the_data_migration_makes_the_eight_sections_in_the_seed_order():
    sections = list(Section.objects.all())
    assert [(s.kind, s.title_en, s.title_kk, s.title_ru) for s in sections] == SEED_ORDER
    for s in sections:
        for lang in ("kk", "ru", "en"):
            assert getattr(s, f"card_text_{lang}"), (s.kind, lang)
            assert getattr(s, f"intro_{lang}"), (s.kind, lang)
    assert len({s.slug for s in sections}) == 8


def test_every_kind_has_facts_and_a_proxy():
    assert set(KINDS) == set(Kind.values) == set(KIND_PROXIES)
    for info in KINDS.values():
        for name in info.fact_fields:
            Item._meta.get_field(name)  # every fact is a real field


@pytest.mark.django_db
def test_published_items_only_and_scheduled_ones_wait():
    from datetime import timedelta

    from django.utils import timezone

    live = ItemFactory()
    ItemFactory(status="draft")
    ItemFactory(published_at=timezone.now() + timedelta(days=2))
    assert list(Item.objects.published()) == [live]


@pytest.mark.django_db
def test_slug_is_unique_within_a_section_only():
    ItemFactory(slug="nauryz", section=section("customs"))
    ItemFactory(slug="nauryz", section=section("archives"))
    with pytest.raises(IntegrityError):
        ItemFactory(slug="nauryz", section=section("customs"))


@pytest.mark.django_db
def test_body_is_sanitized_in_every_language_on_save():
    item = ItemFactory(
        body_kk='<p onclick="x()">Мәтін<script>alert(1)</script></p><iframe src="//x"></iframe>',
        body_en='<p><a href="javascript:alert(1)">bad</a> <a href="https://example.org">ok</a></p>',
        body_ru="",
    )
    item.refresh_from_db()
    assert item.body_kk == "<p>Мәтін</p>"
    assert "javascript" not in item.body_en
    assert 'href="https://example.org"' in item.body_en
    assert 'rel="noopener noreferrer"' in item.body_en
    # a language left empty stays empty: the fallback is not copied into it
    assert item.body_ru == ""


@pytest.mark.django_db
def test_clean_checks_years_and_coordinates():
    item = ItemFactory.build(section=section("golden-fund"), birth_year=1900, death_year=1890)
    with pytest.raises(ValidationError) as error:
        item.clean()
    assert "death_year" in error.value.message_dict
    item = ItemFactory.build(section=section("unesco"), latitude="43.3")
    with pytest.raises(ValidationError) as error:
        item.clean()
    assert "longitude" in error.value.message_dict
    ItemFactory.build(section=section("unesco"), latitude="43.3", longitude="68.2").clean()


@pytest.mark.django_db
def test_document_records_type_and_size_and_gives_a_safe_name():
    item = ItemFactory(section=section("archives"), slug="law-1991")
    document = DocumentFactory(item=item, title_en="Сілтеме / “Sheet” <1991>")
    assert document.content_type == "application/pdf"
    assert document.size == len(PDF_BYTES)
    assert document.type_label == "PDF"
    name = document.download_name()
    assert name.endswith(".pdf") and name.startswith("law-1991-")
    assert name.isascii() and " " not in name and "/" not in name and '"' not in name


@pytest.mark.django_db
def test_document_rejects_content_that_does_not_match_the_extension():
    item = ItemFactory(section=section("archives"))
    fake = Document(item=item, title_kk="x", file=SimpleUploadedFile("x.pdf", b"<html>hi</html>"))
    with pytest.raises(ValidationError):
        fake.full_clean()
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "PNG")
    good = Document(item=item, title_kk="x", file=SimpleUploadedFile("x.png", buffer.getvalue()))
    good.full_clean()
    exe = Document(item=item, title_kk="x", file=SimpleUploadedFile("x.exe", b"MZ"))
    with pytest.raises(ValidationError) as error:
        exe.full_clean()
    assert "file" in error.value.message_dict


@pytest.mark.django_db
def test_region_heritage_tag_lists_published_items_of_the_region(django_assert_max_num_queries):
    region = RegionFactory()
    other = RegionFactory()
    for n in range(5):
        ItemFactory(slug=f"here-{n}", section=section(Kind.UNESCO)).regions.add(region)
    ItemFactory(slug="draft", status="draft").regions.add(region)
    ItemFactory(slug="elsewhere").regions.add(other)
    template = Template("{% load heritage_tags %}{% region_heritage region %}")
    with translation.override("en"), django_assert_max_num_queries(1):
        html = template.render(Context({"region": region}))
    assert html.count('class="card heritage-item-card"') == 5
    assert "draft" not in html and "elsewhere" not in html
    assert "/en/heritage/unesco/here-0/" in html
    assert "Heritage of the region" in html
    empty = template.render(Context({"region": RegionFactory()}))
    assert empty.strip() == ""
