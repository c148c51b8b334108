"""The demo content of the articles app: complete in three languages, and the calendar facts."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from articles.models import Article, Event, Tag
from regions.models import Region

pytestmark = pytest.mark.django_db
FIXTURES = Path(settings.BASE_DIR) / "fixtures"
REGION_SLUGS = (
    "abai akmola aktobe almaty-region atyrau east-kazakhstan jambyl jetisu karaganda kostanay "
    "kyzylorda mangystau north-kazakhstan pavlodar turkistan ulytau west-kazakhstan astana "
    "almaty shymkent"
).split()


@pytest.fixture
def loaded():
    # The regions' own fixture (10_regions.json) gives these fixed primary keys.
    if not Region.objects.exists():
        for pk, slug in enumerate(REGION_SLUGS, 1):
            Region.objects.create(pk=pk, slug=slug, name_kk=slug, status="published")
    call_command(
        "loaddata",
        str(FIXTURES / "30_articles.json"),
        str(FIXTURES / "40_events.json"),
        verbosity=0,
    )


def test_articles_are_complete_in_three_languages(loaded):
    articles = list(Article.objects.published())
    assert len(articles) >= 8
    for article in articles:
        for lang in ("kk", "ru", "en"):
            assert getattr(article, f"title_{lang}"), (article.slug, lang)
            assert getattr(article, f"lead_{lang}"), (article.slug, lang)
            assert getattr(article, f"body_{lang}"), (article.slug, lang)
        assert article.cover_id and article.tags.exists()
    for tag in Tag.objects.all():
        assert tag.name_kk and tag.name_ru and tag.name_en
    research = Article.objects.get(slug="kazakhstan-international-cultural-relations")
    assert research.doi == "10.5281/zenodo.17544335"
    assert research.received_on == datetime.date(2025, 8, 4)
    assert research.accepted_on == datetime.date(2025, 11, 4)
    assert research.references.count() >= 3
    assert [a.name_en for a in research.ordered_authors()] == [
        "Kairken Adiyet",
        "Yerkyn Kikkarinov",
        "Akbota Bekseitova",
    ]
    assert set(Article.objects.values_list("category", flat=True)) == set(Article.Category.values)


def test_calendar_facts(loaded):
    events = Event.objects.published()
    assert events.filter(recurrence="yearly").count() >= 30
    for event in events:
        for lang in ("kk", "ru", "en"):
            assert getattr(event, f"title_{lang}") and getattr(event, f"summary_{lang}")
    decade = events.filter(category="nauryz").order_by("start_date")
    assert [(e.start_date.month, e.start_date.day) for e in decade] == [
        (3, day) for day in range(14, 24)
    ]
    assert all(e.yearly and e.start_date.year == 2024 for e in decade)
    charity = [o.event for o in events.on_day(datetime.date(2027, 3, 15))]
    assert [e.title_en for e in charity] == ["Charity Day"]
    holidays = {
        (e.start_date.month, e.start_date.day): e.day_off for e in events.filter(category="holiday")
    }
    for month_day in [
        (1, 1),
        (1, 7),
        (3, 8),
        (3, 21),
        (5, 1),
        (5, 7),
        (5, 9),
        (7, 6),
        (8, 30),
        (10, 25),
        (12, 16),
    ]:
        assert holidays.get(month_day) is True, month_day
    start = datetime.date(2026, 11, 21)
    dated = [
        o
        for o in events.filter(
            recurrence="none", category__in=["festival", "exhibition"]
        ).occurrences(start, start + datetime.timedelta(days=365))
    ]
    assert len(dated) >= 10
    assert len({o.event.region_id for o in dated}) >= 6
    # invented listings say so to the editors
    assert all("DEMO EVENT" in o.event.notes for o in dated)
