"""Site search: languages, typos, scripts, ranking, grouping, publishing, hostile input, the
fallback off PostgreSQL, query counts and (on PostgreSQL) the use of the search indexes."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.utils import timezone, translation

from kazportal import search
from kazportal.i18n import LANGS
from tests.articles.factories import ArticleFactory, EventFactory
from tests.regions.factories import PlaceFactory, RegionFactory

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text and trigram search need PostgreSQL"
)


@pytest.fixture
def burabay():
    """A place whose names are Cyrillic only, reachable from Latin through its slug."""
    region = RegionFactory(
        slug="akmola",
        name_kk="Ақмола облысы",
        name_ru="Акмолинская область",
        name_en="Akmola Region",
    )
    return PlaceFactory(
        region=region,
        slug="burabay",
        name_kk="«Бурабай» ұлттық паркі",
        name_ru="Национальный парк «Бурабай»",
        name_en="",
        summary_kk="Гранит жартастар мен қарағай ормандары.",
        summary_ru="Гранитные скалы и сосновые леса.",
        summary_en="Granite rocks and pine forests.",
    )


def page(client, lang, q):
    response = client.get(f"/{lang}/search/", {"q": q})
    return response, BeautifulSoup(response.content, "html.parser")


def hit_links(soup):
    return [a["href"] for a in soup.select(".search-hit h3 a")]


def titles(groups):
    return [[hit.title for hit in group.hits] for group in groups]


def run(q, lang="en", fallback=None):
    with translation.override(lang):
        return search.run(q, fallback=fallback)


# --- languages, typos, scripts, partial words ---------------------------------------------------


@pytest.mark.parametrize(
    "lang, q",
    [
        ("kk", "Бурабай"),  # Kazakh name, Kazakh page
        ("ru", "Бурабай"),  # the same word, Russian page
        ("ru", "парк"),  # a Russian word of the Russian name
        ("en", "granite"),  # an English word of the English summary
        ("kk", "Burabay"),  # Latin spelling, through the slug
        ("en", "burabay"),
    ],
)
def test_each_language_finds_the_place(client, burabay, lang, q):
    response, soup = page(client, lang, q)
    assert response.status_code == 200
    assert f"/{lang}/regions/akmola/burabay/" in hit_links(soup)


@pytest.mark.parametrize("q", ["Burabai", "Бурабаи", "Бураб", "burab"])
def test_typos_and_partial_words(client, burabay, q):
    response, soup = page(client, "ru", q)
    assert "/ru/regions/akmola/burabay/" in hit_links(soup)


@postgres_only
def test_latin_finds_cyrillic_only_by_the_slug(burabay):
    # No English name at all: only the slug `burabay` links "Burabai" to «Бурабай».
    groups = run("Burabai", "kk")
    assert titles(groups) == [["«Бурабай» ұлттық паркі"]]
    hit = groups[0].hits[0]
    assert hit.title_lang == "kk" and hit.url == "/kk/regions/akmola/burabay/"


def test_fallback_title_carries_its_language(client, burabay):
    # No English name: the English page shows the Russian one (the fallback), marked lang="ru".
    response, soup = page(client, "en", "Burabay")
    link = soup.select_one(".search-hit h3 a")
    assert link["lang"] == "ru" and link.get_text() == "Национальный парк «Бурабай»"
    snippet = soup.select_one(".search-hit .snippet")
    assert snippet.get("lang") is None and "Granite rocks" in snippet.get_text()


def test_stemmed_word_is_found_and_marked(client):
    ArticleFactory(
        slug="khanate", title_ru="История", lead_ru="Рассказ о Казахском ханстве и его ханах."
    )
    response, soup = page(client, "ru", "ханство")
    assert "/ru/articles/khanate/" in hit_links(soup)
    assert [m.get_text() for m in soup.select(".snippet mark")] == ["ханстве"]


# --- ranking and grouping -----------------------------------------------------------------------


@pytest.mark.parametrize("fallback", [False, True])
def test_title_hit_ranks_above_body_hit(fallback):
    if not fallback and connection.vendor != "postgresql":
        pytest.skip("PostgreSQL ranking")
    now = timezone.now()
    # The newer article only mentions the word in its body; the older one has it in its title.
    ArticleFactory(
        slug="body",
        title_en="Winter roads",
        body_en="<p>On the way to Zhetysu.</p>",
        published_at=now - datetime.timedelta(hours=1),
    )
    ArticleFactory(
        slug="summary",
        title_en="Mountain lakes",
        lead_en="The lakes of Zhetysu.",
        published_at=now - datetime.timedelta(hours=2),
    )
    ArticleFactory(
        slug="title", title_en="Zhetysu in autumn", published_at=now - datetime.timedelta(days=9)
    )
    groups = run("zhetysu", "en", fallback=fallback)
    assert titles(groups) == [["Zhetysu in autumn", "Mountain lakes", "Winter roads"]]


@postgres_only
def test_visitors_language_ranks_first():
    ArticleFactory(slug="en-only", title_en="Nauryz feast", title_ru="Праздник")
    ArticleFactory(slug="ru-too", title_en="Spring", title_ru="Nauryz в Алматы")
    assert titles(run("nauryz", "ru")) == [["Nauryz в Алматы", "Праздник"]]
    assert titles(run("nauryz", "en")) == [["Nauryz feast", "Spring"]]


def test_results_are_grouped_by_kind_in_order(client, burabay):
    ArticleFactory(slug="trip", title_en="A trip to Burabay")
    EventFactory(slug="winter", title_en="Winter festival in Burabay")
    response, soup = page(client, "en", "Burabay")
    headings = [h.contents[0].strip() for h in soup.select(".search-group h2")]
    assert headings == ["Places to visit", "Articles", "Calendar"]
    # each hit says what it is: a place's kind and region, an event's date
    kinds = [p.get_text() for p in soup.select(".search-hit .eyebrow")]
    assert kinds[0] == "Nature and parks · Akmola Region"
    assert any(char.isdigit() for char in kinds[2])
    assert "3 results" in soup.select_one(".search-summary").get_text()


def test_count_is_honest_beyond_the_shown_hits(client):
    for n in range(search.PER_GROUP + 3):
        ArticleFactory(slug=f"yurt-{n}", title_en=f"Yurt number {n}")
    response, soup = page(client, "en", "yurt")
    assert len(soup.select(".search-hit")) == search.PER_GROUP
    assert "13 results" in soup.select_one(".search-summary").get_text()
    assert "10 of 13" in soup.select_one(".search-more").get_text()


def test_drafts_and_scheduled_content_are_never_found(client):
    ArticleFactory(slug="draft", title_en="Secret kumys", status="draft")
    ArticleFactory(
        slug="later", title_en="Future kumys", published_at=timezone.now() + datetime.timedelta(1)
    )
    region = RegionFactory(status="draft")
    PlaceFactory(region=region, slug="hidden", name_en="Kumys farm")  # its region is a draft
    ArticleFactory(slug="public", title_en="Kumys today")
    response, soup = page(client, "en", "kumys")
    assert hit_links(soup) == ["/en/articles/public/"]
    for fallback in (False, True) if connection.vendor == "postgresql" else (True,):
        assert titles(run("kumys", fallback=fallback)) == [["Kumys today"]]


def test_snippet_is_escaped_and_only_marks_are_markup(client):
    ArticleFactory(
        slug="xss",
        title_en="<script>alert(1)</script> Dombyra",
        lead_en="",
        body_en="<p>The dombyra &lt;b&gt;kui&lt;/b&gt; is <strong>old</strong>.</p>",
    )
    response, soup = page(client, "en", "dombyra")
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    snippet = soup.select_one(".snippet")
    assert [tag.name for tag in snippet.find_all(True)] == ["mark"]
    assert "&lt;b&gt;kui&lt;/b&gt;" in str(snippet)


# --- the fallback (SQLite, and any database when asked) ------------------------------------------


def test_fallback_finds_every_kind_in_any_language(burabay):
    ArticleFactory(slug="trip", title_ru="Поездка в Бурабай")
    EventFactory(slug="winter", title_kk="Бурабайдағы мереке")
    groups = run("бурабай", "en", fallback=True)  # lower case: SQLite folds ASCII only
    with translation.override("en"):  # the labels are lazy: read them in the page's language
        labels = [str(group.label) for group in groups]
    assert labels == ["Places to visit", "Articles", "Calendar"]
    groups = run("BURABAY", "kk", fallback=True)  # the slug
    assert titles(groups)[0] == ["«Бурабай» ұлттық паркі"]


# --- hostile and odd queries ----------------------------------------------------------------------

CALM = [
    ("a", 400, "at least 2"),
    ("x" * (search.MAX_LENGTH + 1), 400, "too long"),
    ("\x1b[31mabai", 400, "control characters"),
    ("&|!:*()<>\\", 400, "at least 2"),
    ("🙂🙂🙂", 400, "at least 2"),
    ("' OR 1=1; DROP TABLE articles_article; --", 200, ""),
    ("abai:* & !steppe | (x)", 200, ""),
    ('"Abai" <b>', 200, ""),
    ("Абай🙂Abai ұлы", 200, ""),
    ("a\tb\n\rc", 200, ""),
    ("%_%", 400, "at least 2"),
    ("ab" * 50, 200, ""),
]


@pytest.mark.parametrize("q, status, message", CALM)
def test_hostile_queries_get_a_calm_page(client, q, status, message):
    response, soup = page(client, "en", q)
    assert response.status_code == status
    html = response.content.decode()
    assert "Traceback" not in html and "<script>" not in html.split("</header>")[-1]
    assert soup.h1.get_text() == "Search"
    if message:
        assert message in soup.select_one("#search-error").get_text()
        assert soup.select_one("#q")["aria-invalid"] == "true"
    assert "\x00" not in html


def test_empty_query_shows_a_hint(client):
    response, soup = page(client, "kk", "   ")
    assert response.status_code == 200
    assert not soup.select("#search-error") and not soup.select(".search-hit")
    assert "Kazakh" not in soup.select_one(".page p").get_text()  # the Kazakh hint


def test_error_messages_are_translated(client):
    response, soup = page(client, "ru", "x" * 200)
    assert response.status_code == 400
    error = soup.select_one("#search-error").get_text()
    assert error == "Слишком длинный запрос: не более 100 символов."


@postgres_only
def test_the_best_hits_are_the_best_of_all_matches():
    """The search computes the similarity only for the rows that can still be among the best
    (at most 1 point below the last one's whole points): a newer title hit by its slug alone
    (4 + a similarity of 1) ties with older hits worth 5 and comes first."""
    now = timezone.now()
    for n in range(search.PER_GROUP + 2):
        ArticleFactory(
            slug=f"old-{n}",
            title_en="Mountains",
            title_ru=f"Жетысу {n}",
            lead_ru="Озёра Жетысу.",
            published_at=now - datetime.timedelta(days=30 + n),
        )
    ArticleFactory(slug="zhetysu", title_en="Lakes", published_at=now - datetime.timedelta(1))
    entry = next(e for e in search.SEARCHABLE if e.model == "articles.Article")
    query = search.parse("Жетысу")[0]
    everything = search.postgres.queryset(entry, query, "en").fetch()
    page = search.postgres.queryset(entry, query, "en", limit=search.PER_GROUP).fetch()
    assert page == everything[: search.PER_GROUP]
    with translation.override("en"):
        assert [hit.url for hit in search.run(query)[0].hits][0] == "/en/articles/zhetysu/"


@postgres_only
def test_the_search_statements_are_prepared(client, burabay):
    """PostgreSQL plans each kind's search once per connection, not once per search."""
    for _ in range(2):
        assert "/en/regions/akmola/burabay/" in hit_links(page(client, "en", "Burabai")[1])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'WITH found AS%%'"
        )
        assert cursor.fetchone()[0] == len(search.SEARCHABLE)


# --- cost ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["Abai", "Бурабай", "zzxqv"])
def test_a_search_runs_a_fixed_number_of_queries(client, demo, django_assert_max_num_queries, q):
    extra = 12
    for n in range(extra):  # more content must not mean more queries
        ArticleFactory(slug=f"more-{n}", title_en=f"Abai and Бурабай {n}")
    # per kind (5): one ranked query, and one to fetch the hits shown when it has any
    with django_assert_max_num_queries(2 * len(search.SEARCHABLE)):
        response = client.get("/en/search/", {"q": q})
    assert response.status_code == 200


@postgres_only
def test_the_planner_uses_every_search_index(demo):
    """Each index of the migrations is used by the search's query when sequential scans are
    discouraged (on a small table the planner may rightly prefer to read it whole)."""
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            for entry in search.SEARCHABLE:
                table = entry.model_class._meta.db_table
                cursor.execute(
                    "SELECT indexname FROM pg_indexes WHERE tablename = %s "
                    "AND (indexname LIKE %s OR indexname LIKE %s)",
                    [table, f"{table}_fts%", f"{table}_trgm%"],
                )
                expected = {row[0] for row in cursor.fetchall()}
                assert len(expected) == 13, table
                used = set()
                for lang in LANGS:
                    query = search.parse("бурабай abai")[0]
                    plan = search.postgres.queryset(entry, query, lang).explain()
                    used |= {name for name in expected if name in plan}
                assert used == expected, (table, expected - used)
        finally:
            cursor.execute("SET enable_seqscan = on")


@postgres_only
def test_loading_the_demo_content_refreshes_the_planner_statistics(demo):
    """load_initial_data ends with ANALYZE: without statistics the planner reads the places
    table whole and runs to_tsvector() on every row (a search page twice as slow), and
    autovacuum may be off or not yet awake."""
    from django.core.management import call_command

    def analyses():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'regions_place'"
            )
            return cursor.fetchone()[0]

    before = analyses()
    call_command("load_initial_data", verbosity=0)
    assert analyses() > before
