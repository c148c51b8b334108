import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from icalendar import Calendar

from articles.models import Event

from .factories import (
    ArticleFactory,
    AuthorFactory,
    EventFactory,
    ReferenceFactory,
    RegionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def url(name, lang="en", **kwargs):
    with translation.override(lang):
        return reverse(f"articles:{name}", kwargs=kwargs or None)


def jsonld(html):
    blocks = re.findall(r'<script[^>]*type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def many_articles(n=30):
    tags = TagFactory.create_batch(4)
    authors = AuthorFactory.create_batch(4)
    articles = []
    for i in range(n):
        article = ArticleFactory(tags=tags[: 1 + i % 4], authors=authors[: 1 + i % 3])
        ReferenceFactory(article=article)
        articles.append(article)
    return articles, tags, authors


# --- article list -------------------------------------------------------------------------------


def test_list_is_newest_first_and_paginated(client):
    articles, _tags, _authors = many_articles(15)
    response = client.get(url("index"))
    assert response.status_code == 200
    html = response.content.decode()
    newest = articles[0]  # the factory makes each next article a minute older
    assert html.index(newest.title_en) < html.index(articles[5].title_en)
    assert articles[14].title_en not in html  # on page 2 (12 per page)
    page2 = client.get(url("index") + "?page=2").content.decode()
    assert articles[14].title_en in page2


def test_list_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    many_articles(30)
    with django_assert_max_num_queries(7):
        response = client.get(url("index"))
    assert response.status_code == 200
    assert response.content.decode().count('class="card article-card"') == 12


def test_list_filters_by_category_tag_and_year(client):
    news = ArticleFactory(category="news")
    research = ArticleFactory(category="research")
    old = ArticleFactory(published_at=timezone.now().replace(year=2020))
    html = client.get(url("index") + "?category=research").content.decode()
    assert research.title_en in html and news.title_en not in html
    html = client.get(url("index") + "?year=2020").content.decode()
    assert old.title_en in html and news.title_en not in html
    tag = TagFactory(slug="nauryz", name_en="Nauryz")
    tagged = ArticleFactory(tags=[tag])
    index = client.get(url("index")).content.decode()
    assert f'<a href="{url("tag", tag="nauryz")}" rel="tag">Nauryz</a>' in index
    html = client.get(url("tag", tag="nauryz")).content.decode()
    assert tagged.title_en in html and news.title_en not in html


@pytest.mark.parametrize(
    "query,status",
    [
        ("?page=99", 404),
        ("?page=abc", 404),
        ("?category=gossip", 400),
        ("?year=20x5", 400),
        ("?year=99999", 400),
    ],
)
def test_list_bad_input_is_a_translated_4xx(client, query, status):
    ArticleFactory()
    response = client.get(url("index", lang="ru") + query)
    assert response.status_code == status
    assert "<h1>" in response.content.decode()
    if status == 400:
        assert "Неверный запрос" in response.content.decode()


def test_unknown_tag_and_article_are_404(client):
    assert client.get(url("tag", tag="no-such-tag")).status_code == 404
    assert client.get(url("detail", slug="no-such-article")).status_code == 404


def test_drafts_and_scheduled_articles_are_hidden_but_staff_can_preview(client, admin_client):
    draft = ArticleFactory(status="draft")
    scheduled = ArticleFactory(published_at=timezone.now() + datetime.timedelta(days=3))
    html = client.get(url("index")).content.decode()
    assert draft.title_en not in html and scheduled.title_en not in html
    assert client.get(url("detail", slug=draft.slug)).status_code == 404
    assert client.get(url("detail", slug=scheduled.slug)).status_code == 404
    preview = admin_client.get(url("detail", slug=draft.slug))
    assert preview.status_code == 200
    assert 'content="noindex"' in preview.content.decode()


# --- article page -------------------------------------------------------------------------------


def test_article_page_shows_everything_an_article_carries(client):
    tag = TagFactory(slug="heritage", name_en="Cultural heritage")
    first = AuthorFactory(name_en="Kairken Adiyet", affiliation_en="Al-Farabi KazNU")
    second = AuthorFactory(name_en="Yerkyn Kikkarinov", affiliation_en="")
    article = ArticleFactory(
        title_en="Culture in foreign policy",
        category="research",
        abstract_en="The abstract text.",
        abstract_kk="Аңдатпа мәтіні.",
        abstract_ru="",
        doi="10.5281/zenodo.17544335",
        source_en="A Journal",
        received_on=D(2025, 8, 4),
        accepted_on=D(2025, 11, 4),
        authors=[first, second],
        tags=[tag],
    )
    ReferenceFactory(article=article, text="Second ref", order=2)
    ReferenceFactory(article=article, text="First ref", order=1)
    html = client.get(url("detail", slug=article.slug)).content.decode()
    assert html.index("Kairken Adiyet") < html.index("Yerkyn Kikkarinov")
    assert "Al-Farabi KazNU" in html
    assert "The abstract text." in html
    assert '<p lang="kk">Аңдатпа мәтіні.</p>' in html  # the other languages' abstracts
    assert 'href="https://doi.org/10.5281/zenodo.17544335"' in html
    assert f'href="{url("tag", tag="heritage")}"' in html
    assert html.index("First ref") < html.index("Second ref")
    with translation.override("en"):
        assert date_format(D(2025, 8, 4)) in html and date_format(D(2025, 11, 4)) in html
    assert "Kairken Adiyet, Yerkyn Kikkarinov (" in html  # the citation
    assert "https://t.me/share/url?url=" in html
    assert "articles-print.css" in html
    data = jsonld(html)
    assert data[0]["@type"] == "ScholarlyArticle"
    assert data[0]["author"][0]["name"] == "Kairken Adiyet"
    assert data[0]["author"][0]["affiliation"]["name"] == "Al-Farabi KazNU"
    assert data[0]["keywords"] == ["Cultural heritage"]
    assert data[0]["identifier"]["value"] == "10.5281/zenodo.17544335"
    assert 'property="og:type" content="article"' in html


def test_news_article_json_ld_type(client):
    article = ArticleFactory(category="news")
    html = client.get(url("detail", slug=article.slug)).content.decode()
    assert jsonld(html)[0]["@type"] == "NewsArticle"


@pytest.mark.usefixtures("from_the_database")
def test_article_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    articles, tags, _authors = many_articles(30)
    article = ArticleFactory(tags=tags, authors=AuthorFactory.create_batch(6))
    ReferenceFactory.create_batch(15, article=article)
    article.related.set(articles[:2])
    # the article, references, bylines with authors, keywords, chosen and similar related
    with django_assert_max_num_queries(6):
        response = client.get(url("detail", slug=article.slug))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="card article-card"') == 3  # 2 chosen + 1 by shared tags


def test_fallback_language_is_marked(client):
    article = ArticleFactory(title_en="", body_en="", title_ru="Только по-русски")
    html = client.get(url("detail", slug=article.slug)).content.decode()
    assert 'lang="ru" class="fallback">Только по-русски</h1>' in html
    assert "not yet translated" in html


def test_stored_body_is_rendered_sanitized(client):
    article = ArticleFactory(body_en='<p>Safe</p><script>alert("x")</script><img src=x onerror=1>')
    html = client.get(url("detail", slug=article.slug)).content.decode()
    assert "<p>Safe</p>" in html
    assert 'alert("x")' not in html and "onerror" not in html


# --- feeds --------------------------------------------------------------------------------------


def test_rss_feed_is_valid_xml_per_language(client, django_assert_max_num_queries):
    many_articles(25)
    ArticleFactory(title_ru="Русский заголовок", published_at=timezone.now())
    with django_assert_max_num_queries(4):
        response = client.get(url("feed", lang="ru"))
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("language") == "ru"
    items = channel.findall("item")
    assert len(items) == 20
    assert items[0].findtext("title") == "Русский заголовок"
    assert items[0].findtext("link").startswith("http://testserver/ru/articles/")
    assert items[1].findall("category")


def test_atom_feed_is_valid_xml(client):
    ArticleFactory(title_en="Atom entry", authors=[AuthorFactory(name_en="Aida")])
    response = client.get(url("atom", lang="en"))
    root = ET.fromstring(response.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    entry = root.find("a:entry", ns)
    assert entry.findtext("a:title", namespaces=ns) == "Atom entry"
    assert entry.find("a:author/a:name", ns).text == "Aida"


# --- calendar -----------------------------------------------------------------------------------


def test_march_shows_the_nauryz_decade_with_charity_day(client):
    EventFactory(
        slug="charity-day",
        title_en="Charity Day",
        start_date=D(2024, 3, 15),
        recurrence="yearly",
        category="nauryz",
    )
    EventFactory(
        slug="nauryz",
        title_en="Nauryz",
        start_date=D(2024, 3, 21),
        end_date=D(2024, 3, 23),
        recurrence="yearly",
        category="holiday",
    )
    html = client.get(url("month", year="2027", month="03")).content.decode()
    assert "<h1>March 2027</h1>" in html
    assert html.count("Charity Day") == 2  # the grid and the list
    # 21 March 2027 is a Sunday: a bar in two week rows of the grid, and once in the list
    assert html.count(">Nauryz<") == 3
    assert "Monday" in html and html.index(">Mon<") < html.index(">Sun<")


def test_month_in_kazakh_and_russian_uses_django_month_names(client):
    html = client.get(url("month", lang="kk", year="2027", month="03")).content.decode()
    assert "Наурыз 2027" in html
    html = client.get(url("month", lang="ru", year="2027", month="03")).content.decode()
    assert "Март 2027" in html


def test_month_navigation_links(client):
    html = client.get(url("month", year="2026", month="12")).content.decode()
    assert f'href="{url("month", year="2026", month="11")}"' in html
    assert f'href="{url("month", year="2027", month="01")}"' in html


def test_calendar_index_shows_the_current_month(client):
    today = timezone.localdate()
    EventFactory(slug="today", title_en="Happening today", start_date=today)
    html = client.get(url("calendar")).content.decode()
    assert "Happening today" in html
    assert 'aria-current="date"' in html


@pytest.mark.usefixtures("from_the_database")
def test_month_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    RegionFactory.create_batch(5)
    for n in range(60):
        EventFactory(start_date=D(1995, 3, 1 + n % 28), recurrence="yearly")
    for n in range(20):
        EventFactory(start_date=D(2027, 3, 1 + n), end_date=D(2027, 3, 3 + n))
    with django_assert_max_num_queries(3):
        response = client.get(url("month", year="2027", month="03"))
    assert response.status_code == 200


def test_month_filters_by_category_and_region(client):
    region = RegionFactory(slug="turkistan")
    EventFactory(
        slug="a", title_en="Festival in Turkistan", region=region, start_date=D(2027, 3, 5)
    )
    EventFactory(
        slug="b", title_en="Holiday everywhere", category="holiday", start_date=D(2027, 3, 8)
    )
    html = client.get(url("month", year="2027", month="03") + "?region=turkistan").content.decode()
    assert "Festival in Turkistan" in html and "Holiday everywhere" not in html
    html = client.get(url("month", year="2027", month="03") + "?category=holiday").content.decode()
    assert "Festival in Turkistan" not in html and "Holiday everywhere" in html


@pytest.mark.parametrize(
    "path,status",
    [
        ("/en/calendar/2026/13/", 404),
        ("/en/calendar/2026/00/", 404),
        ("/en/calendar/9999/01/", 404),
        ("/en/calendar/1000/01/", 404),
        ("/en/calendar/2026/02/30/", 404),
        ("/en/calendar/2027/02/29/", 404),
        ("/en/calendar/2026/1/", 404),
        ("/en/calendar/2026/03/?category=party", 400),
        ("/en/calendar/2026/03/?region=atlantis", 400),
        ("/en/events/no-such-event/", 404),
        ("/en/events/no-such-event.ics", 404),
    ],
)
def test_calendar_bad_input(client, path, status):
    response = client.get(path)
    assert response.status_code == status


def test_day_page_lists_the_day_and_runs_fixed_queries(client, django_assert_max_num_queries):
    region = RegionFactory()
    for _n in range(20):
        EventFactory(start_date=D(2000, 3, 15), recurrence="yearly", region=region)
    EventFactory(
        slug="charity", title_en="Charity Day", start_date=D(2024, 3, 15), recurrence="yearly"
    )
    with django_assert_max_num_queries(2):
        response = client.get(url("day", year="2028", month="03", day="15"))
    html = response.content.decode()
    assert "Charity Day" in html
    with translation.override("en"):
        assert f"<h1>{date_format(D(2028, 3, 15))}</h1>" in html


def test_event_page_with_json_ld(client, django_assert_max_num_queries):
    region = RegionFactory(slug="astana", name_en="Astana")
    event = EventFactory(
        slug="capital-day",
        title_en="Capital Day",
        start_date=D(1998, 7, 6),
        recurrence="yearly",
        region=region,
        category="holiday",
        day_off=True,
    )
    with django_assert_max_num_queries(2):
        response = client.get(url("event", slug=event.slug))
    html = response.content.decode()
    assert "<h1>Capital Day</h1>" in html
    data = jsonld(html)[0]
    assert data["@type"] == "Event"
    assert data["name"] == "Capital Day"
    next_one = event.next_occurrence()
    assert data["startDate"] == next_one.start.isoformat()
    assert data["location"]["address"]["addressRegion"] == "Astana"
    assert data["location"]["address"]["addressCountry"] == "KZ"
    assert url("event_ics", slug=event.slug) in html


def test_draft_event_is_hidden(client):
    event = EventFactory(status="draft")
    assert client.get(url("event", slug=event.slug)).status_code == 404
    assert client.get(url("event_ics", slug=event.slug)).status_code == 404


# --- iCalendar ----------------------------------------------------------------------------------


def test_calendar_ics_round_trips_through_icalendar(client):
    EventFactory(
        slug="charity",
        title_ru="День благотворительности",
        start_date=D(2024, 3, 15),
        recurrence="yearly",
    )
    EventFactory(
        slug="fest", title_ru="Фестиваль", start_date=D(2027, 6, 10), end_date=D(2027, 6, 13)
    )
    EventFactory(slug="hidden", status="draft")
    response = client.get("/calendar.ics?lang=ru")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    assert cal["VERSION"] == "2.0"
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"День благотворительности", "Фестиваль"}
    charity = events["День благотворительности"]
    assert charity["RRULE"]["FREQ"] == ["YEARLY"]
    assert charity.decoded("DTSTART") == D(2024, 3, 15)
    assert charity.decoded("DTEND") == D(2024, 3, 16)
    fest = events["Фестиваль"]
    assert "RRULE" not in fest
    assert fest.decoded("DTEND") == D(2027, 6, 14)  # exclusive end
    assert str(fest["URL"]).startswith("http://testserver/ru/events/fest/")
    assert all("UID" in e and "DTSTAMP" in e for e in cal.walk("VEVENT"))


def test_calendar_ics_bad_language_is_400(client):
    response = client.get("/calendar.ics?lang=xx")
    assert response.status_code == 400


def test_event_ics(client):
    event = EventFactory(slug="expo", title_en="Expo", start_date=D(2027, 5, 1))
    response = client.get(url("event_ics", slug="expo"))
    cal = Calendar.from_ical(response.content)
    (vevent,) = cal.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Expo"
    assert str(vevent["UID"]).startswith(f"event-{event.pk}@")


# --- home and region slots ----------------------------------------------------------------------


@pytest.mark.usefixtures("from_the_database")
def test_home_shows_latest_articles_and_today(client, django_assert_max_num_queries):
    many_articles(10)
    today = timezone.localdate()
    EventFactory(
        slug="today",
        title_en="Charity Day",
        summary_en="mercy and good neighbours",
        start_date=today.replace(year=2024)
        if not (today.month == 2 and today.day == 29)
        else today,
        recurrence="yearly",
        category="nauryz",
    )
    with django_assert_max_num_queries(8):
        response = client.get("/en/")
    html = response.content.decode()
    assert html.count('class="card article-card"') == 3
    assert f'<span class="today-day" aria-hidden="true">{today.day}</span>' in html
    assert "Charity Day" in html and "mercy and good neighbours" in html


def test_region_events_tag_lists_upcoming_events_of_the_region(django_assert_max_num_queries):
    from django.template import Context, Template
    from django.test import RequestFactory

    region = RegionFactory()
    other = RegionFactory()
    today = timezone.localdate()
    EventFactory(title_en="Here soon", region=region, start_date=today + datetime.timedelta(days=5))
    EventFactory(title_en="Elsewhere", region=other, start_date=today + datetime.timedelta(days=5))
    EventFactory(title_en="Here long ago", region=region, start_date=D(2001, 1, 1))
    for _n in range(10):
        EventFactory(region=region, start_date=today + datetime.timedelta(days=40))
    template = Template("{% load articles_tags %}{% region_events region %}")
    with translation.override("en"), django_assert_max_num_queries(1):
        html = template.render(Context({"region": region, "request": RequestFactory().get("/")}))
    assert "Here soon" in html and "Elsewhere" not in html and "Here long ago" not in html
    assert html.count("<h3>") == 6


def test_region_events_tag_renders_nothing_without_events():
    from django.template import Context, Template

    region = RegionFactory()
    html = Template("{% load articles_tags %}{% region_events region %}").render(
        Context({"region": region})
    )
    assert html.strip() == ""


def test_search_finds_articles_and_events(client):
    ArticleFactory(title_en="The dombyra and its kuis")
    EventFactory(title_en="Dombyra Day")
    html = client.get("/en/search/?q=dombyra").content.decode()
    assert "The dombyra and its kuis" in html and "Dombyra Day" in html


def test_sitemap_lists_articles_and_events(client):
    article = ArticleFactory()
    event = EventFactory()
    xml = client.get("/sitemap.xml").content.decode()
    assert f"/en/articles/{article.slug}/" in xml
    assert f"/kk/events/{event.slug}/" in xml
    assert Event.objects.count() == 1


@pytest.mark.parametrize(
    "lang,every_year,next_range",
    [
        ("ru", "21 марта – 23 марта", "21 марта – 23 марта"),
        ("kk", "21 наурыз – 23 наурыз", "21 наурыз – 23 наурыз"),
        ("en", "21 March – 23 March", "21 March – 23 March 20"),
    ],
)
def test_date_ranges_use_the_date_form_of_month_names(client, lang, every_year, next_range):
    EventFactory(
        slug="nauryz", start_date=D(2024, 3, 21), end_date=D(2024, 3, 23), recurrence="yearly"
    )
    html = client.get(url("event", lang=lang, slug="nauryz")).content.decode()
    assert every_year in html
    assert next_range in html


@pytest.mark.parametrize(
    "lang,notice", [("kk", "Үлгі жазба"), ("ru", "Пример: это событие"), ("en", "Example listing")]
)
def test_example_events_are_labelled_as_examples(client, lang, notice):
    EventFactory(slug="demo-fair", start_date=D(2027, 4, 23), is_example=True)
    EventFactory(slug="real-day", start_date=D(2027, 4, 24))
    assert notice in client.get(url("event", lang=lang, slug="demo-fair")).content.decode()
    assert notice not in client.get(url("event", lang=lang, slug="real-day")).content.decode()
    month = client.get(url("month", lang=lang, year="2027", month="04")).content.decode()
    # Once in the grid and once in the list shown on phones; only for the example.
    assert month.count('class="example-badge"') == 2


def test_cite_this_article_text_with_and_without_authors(client):
    author = AuthorFactory(name_en="Aigerim Bekova")
    with_author = ArticleFactory(slug="with", title_en="Felt crafts", authors=[author])
    anonymous = ArticleFactory(slug="anon", title_en="Steppe news")
    html = client.get(url("detail", slug=with_author.slug)).content.decode()
    year = with_author.published_at.year
    assert f"Aigerim Bekova ({year}). Felt crafts." in html
    html = client.get(url("detail", slug=anonymous.slug)).content.decode()
    assert f"Steppe news. ({year})." in html
    assert f'"citation">({year})' not in html
