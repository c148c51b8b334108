import datetime

import pytest
from django.core.exceptions import ValidationError

from articles.models import Article, Event, shift_year
from kazportal.sanitize import clean_html

from .factories import ArticleFactory, EventFactory, TagFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def dates(occurrences):
    return [(o.event.slug, o.start, o.end) for o in occurrences]


# --- recurrence ---------------------------------------------------------------------------------


def test_yearly_event_occurs_every_year_from_its_first_year():
    EventFactory(slug="charity", start_date=D(2024, 3, 15), recurrence="yearly")
    found = Event.objects.occurrences(D(2023, 1, 1), D(2027, 12, 31))
    assert dates(found) == [
        ("charity", D(2024, 3, 15), D(2024, 3, 15)),
        ("charity", D(2025, 3, 15), D(2025, 3, 15)),
        ("charity", D(2026, 3, 15), D(2026, 3, 15)),
        ("charity", D(2027, 3, 15), D(2027, 3, 15)),
    ]


def test_leap_day_occurs_only_in_leap_years_like_rfc5545():
    EventFactory(slug="leap", start_date=D(2024, 2, 29), recurrence="yearly")
    found = Event.objects.occurrences(D(2024, 1, 1), D(2032, 12, 31))
    assert [o.start for o in found] == [D(2024, 2, 29), D(2028, 2, 29), D(2032, 2, 29)]
    assert Event.objects.on_day(D(2027, 2, 28)) == []
    assert Event.objects.on_day(D(2027, 3, 1)) == []
    assert shift_year(D(2024, 2, 29), 2025) is None


def test_range_crossing_the_year_end_is_found_from_both_years():
    EventFactory(
        slug="new-year", start_date=D(2020, 12, 31), end_date=D(2021, 1, 2), recurrence="yearly"
    )
    january = Event.objects.occurrences(D(2027, 1, 1), D(2027, 1, 31))
    assert dates(january) == [("new-year", D(2026, 12, 31), D(2027, 1, 2))]
    december = Event.objects.occurrences(D(2027, 12, 1), D(2027, 12, 31))
    assert dates(december) == [("new-year", D(2027, 12, 31), D(2028, 1, 2))]
    assert [o.event.slug for o in Event.objects.on_day(D(2027, 1, 2))] == ["new-year"]
    assert Event.objects.on_day(D(2027, 1, 3)) == []


def test_one_off_range_and_single_day_events():
    EventFactory(slug="fest", start_date=D(2027, 6, 10), end_date=D(2027, 6, 13))
    EventFactory(slug="expo", start_date=D(2027, 6, 20))
    assert dates(Event.objects.occurrences(D(2027, 6, 13), D(2027, 6, 19))) == [
        ("fest", D(2027, 6, 10), D(2027, 6, 13))
    ]
    assert dates(Event.objects.occurrences(D(2027, 6, 14), D(2027, 6, 19))) == []
    assert [o.event.slug for o in Event.objects.on_day(D(2027, 6, 20))] == ["expo"]
    # a one-off event never repeats
    assert Event.objects.occurrences(D(2028, 1, 1), D(2028, 12, 31)) == []


def test_occurrences_are_sorted_and_use_one_query(django_assert_num_queries):
    for n in range(30):
        EventFactory(start_date=D(2000, 3, 1 + n % 28), recurrence="yearly")
    EventFactory(start_date=D(2026, 3, 2))
    with django_assert_num_queries(1):
        found = Event.objects.occurrences(D(2026, 3, 1), D(2026, 3, 31))
    assert len(found) == 31
    assert [o.start for o in found] == sorted(o.start for o in found)


def test_upcoming_and_next_occurrence():
    yearly = EventFactory(slug="capital", start_date=D(1998, 7, 6), recurrence="yearly")
    EventFactory(slug="past", start_date=D(2026, 1, 10))
    upcoming = Event.objects.upcoming(today=D(2026, 11, 21), days=365)
    assert dates(upcoming) == [("capital", D(2027, 7, 6), D(2027, 7, 6))]
    assert yearly.next_occurrence(D(2026, 7, 6)).start == D(2026, 7, 6)
    assert yearly.next_occurrence(D(2026, 7, 7)).start == D(2027, 7, 6)


def test_drafts_and_scheduled_events_are_not_published():
    EventFactory(slug="draft", status="draft", start_date=D(2026, 5, 1))
    assert Event.objects.published().on_day(D(2026, 5, 1)) == []
    assert len(Event.objects.on_day(D(2026, 5, 1))) == 1


def test_event_validation():
    event = EventFactory.build(start_date=D(2026, 5, 2), end_date=D(2026, 5, 1), slug="x")
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "end_date" in error.value.message_dict


# --- articles -----------------------------------------------------------------------------------


def test_doi_is_normalized_and_validated():
    article = ArticleFactory(doi="https://doi.org/10.5281/zenodo.17544335")
    article.refresh_from_db()
    assert article.doi == "10.5281/zenodo.17544335"
    assert article.doi_url == "https://doi.org/10.5281/zenodo.17544335"
    bad = ArticleFactory.build(slug="bad-doi", doi="not a doi")
    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    assert "doi" in error.value.message_dict


def test_article_history_dates_must_be_in_order():
    article = ArticleFactory.build(
        slug="dates", received_on=D(2025, 8, 4), accepted_on=D(2025, 8, 1)
    )
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "accepted_on" in error.value.message_dict


def test_reading_time_counts_words():
    article = ArticleFactory(body_en="<p>" + "word " * 450 + "</p>", abstract_en="")
    from django.utils import translation

    with translation.override("en"):
        assert article.reading_minutes() == 3


def test_related_articles_by_shared_keywords():
    a, b, c = TagFactory(), TagFactory(), TagFactory()
    article = ArticleFactory(tags=[a, b])
    best = ArticleFactory(tags=[a, b])
    some = ArticleFactory(tags=[b, c])
    ArticleFactory(tags=[c])
    related = list(Article.objects.published().related_to(article))
    assert related == [best, some]


# --- sanitizer ----------------------------------------------------------------------------------

HOSTILE = [
    ("<p>Hi<script>alert(1)</script></p>", "<p>Hi</p>"),
    ('<img src=x onerror="alert(1)">', ""),
    ('<p onclick="steal()">Text</p>', "<p>Text</p>"),
    ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ('<iframe src="https://evil.example"></iframe><p>ok</p>', "<p>ok</p>"),
    ('<style>body{display:none}</style><p style="color:red">ok</p>', "<p>ok</p>"),
    ("<svg><script>alert(1)</script></svg>", ""),
    ('<form action="/x"><input name="a"></form>', ""),
    ("<p>a<!-- comment --></p>", "<p>a</p>"),
    ("<p></p>", ""),
]


@pytest.mark.parametrize("dirty,clean", HOSTILE)
def test_sanitizer_removes_hostile_html(dirty, clean):
    assert clean_html(dirty) == clean


def test_sanitizer_keeps_editorial_markup():
    html = (
        '<h2>Title</h2><p><strong>b</strong> <em>i</em> <a href="https://example.org" '
        'title="t">link</a></p><ol><li>one</li></ol><blockquote><p>q</p></blockquote>'
    )
    cleaned = clean_html(html)
    assert "<h2>Title</h2>" in cleaned
    assert '<a href="https://example.org" title="t" rel="noopener noreferrer">link</a>' in cleaned
    assert "<ol><li>one</li></ol>" in cleaned


def test_every_language_body_is_sanitized_on_save():
    article = ArticleFactory(
        body_kk='<p onmouseover="x()">Сәлем<script>1</script></p>',
        body_ru='<a href="javascript:evil()">ссылка</a>',
        body_en="<p>fine</p><object data=x></object>",
    )
    article.refresh_from_db()
    assert article.body_kk == "<p>Сәлем</p>"
    assert "javascript" not in article.body_ru
    assert article.body_en == "<p>fine</p>"


def test_a_pasted_doi_link_passes_validation_and_is_stored_bare():
    article = ArticleFactory.build(slug="doi-link", doi="https://doi.org/10.5281/zenodo.1")
    article.full_clean()
    article.save()
    article.refresh_from_db()
    assert article.doi == "10.5281/zenodo.1"
