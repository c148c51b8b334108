"""The page cache and query strings: only the parameters a view declares with `reads_query`
(kazportal/cache.py) count, and every view declares each parameter it reads."""

import pytest
from django.http import QueryDict
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern
from django.utils import timezone, translation

from heritage.models import Section
from kazportal import cache as page_cache
from tests.articles.factories import ArticleFactory, EventFactory, TagFactory
from tests.factories import PlaceFactory
from tests.heritage.factories import DocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_reset():
    """Requests activate their page's language in this thread: leave none behind for the
    tests that follow."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600
    settings.PAGE_CACHE_QUERY_SECONDS = 60


@pytest.mark.parametrize(
    "query", ["utm_source=x", "x=123", "fbclid=abc&utm_medium=social", "utm_source=x&x=1"]
)
def test_unknown_parameters_are_served_from_the_cache(client, django_assert_num_queries, query):
    ArticleFactory(title_en="Steppe story")
    first = client.get("/en/articles/")
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        hit = client.get(f"/en/articles/?{query}")
    assert hit.status_code == 200 and hit["X-Cache"] == "hit"
    assert hit.content == first.content


def test_a_page_rendered_for_an_unknown_parameter_is_the_bare_page(
    client, django_assert_num_queries
):
    """The view never sees the parameter (the language links, the filter and page links keep
    no trace of it), so the entry it makes is the bare address's, for the full time."""
    ArticleFactory(title_en="Steppe story")
    first = client.get("/en/articles/?utm_source=newsletter")
    assert first["X-Cache"] == "miss"
    assert "utm_source" not in first.content.decode()
    assert first.wsgi_request.GET == {}
    with django_assert_num_queries(0):
        bare = client.get("/en/articles/")
    assert bare["X-Cache"] == "hit" and bare.content == first.content
    timeout = page_cache.page_timeout(first.wsgi_request, page_cache.current_generation())
    assert timeout == min(600, int(page_cache.seconds_to_midnight()))
    # The home page, which reads no parameter, the same way.
    client.get("/kk/?x=123")
    with django_assert_num_queries(0):
        assert client.get("/kk/")["X-Cache"] == "hit"


def test_a_declared_parameter_still_changes_the_page(client, django_assert_num_queries):
    ArticleFactory(title_en="A news story", category="news")
    news = client.get("/en/articles/?category=news")
    culture = client.get("/en/articles/?category=culture")
    assert news["X-Cache"] == culture["X-Cache"] == "miss"
    assert "A news story" in news.content.decode()
    assert "A news story" not in culture.content.decode()
    # An unknown parameter beside it still gets that filter's entry.
    with django_assert_num_queries(0):
        hit = client.get("/en/articles/?utm_source=x&category=news")
    assert hit["X-Cache"] == "hit" and hit.content == news.content
    # Declared parameters keep the short lifetime.
    timeout = page_cache.page_timeout(news.wsgi_request, page_cache.current_generation())
    assert timeout == min(60, int(page_cache.seconds_to_midnight()))


def test_two_declared_parameters_in_either_order_share_one_entry(client, django_assert_num_queries):
    article = ArticleFactory(title_en="Ordered story", category="news")
    year = timezone.localtime(article.published_at).year
    first = client.get(f"/en/articles/?category=news&year={year}")
    assert first["X-Cache"] == "miss" and "Ordered story" in first.content.decode()
    with django_assert_num_queries(0):
        second = client.get(f"/en/articles/?year={year}&utm_campaign=spring&category=news")
    assert second["X-Cache"] == "hit" and second.content == first.content
    assert (
        "Ordered story" not in client.get("/en/articles/?category=news&year=2001").content.decode()
    )


def test_search_reads_its_words(client):
    ArticleFactory(title_en="Burabay lakes")
    found = client.get("/en/search/?q=Burabay&utm_source=x").content.decode()
    other = client.get("/en/search/?q=Nauryz").content.decode()
    assert "Burabay lakes" in found and "Burabay lakes" not in other


def test_addresses_no_view_answers_and_nul_bytes_pass_through(client):
    # The slash is added with the whole query (CommonMiddleware), nothing cached.
    redirect = client.get("/en/articles?utm_source=x")
    assert redirect.status_code == 301
    assert redirect["Location"] == "/en/articles/?utm_source=x"
    # A NUL byte in any parameter is still the 400 (kazportal/middleware.py), not a cached page.
    client.get("/en/articles/")
    assert client.get("/en/articles/?utm_source=%00").status_code == 400
    assert client.get("/en/articles/?x%00=1").status_code == 400


# --- every view declares what it reads -----------------------------------------------------------
_reads = set()


class RecordingQueryDict(QueryDict):
    """request.GET that notes every parameter asked for by name."""

    def __getitem__(self, key):
        _reads.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        _reads.add(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        _reads.add(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        _reads.add(key)
        return super().__contains__(key)


READS_BY_VIEW = {}


class RecordReads:
    """The last middleware: hands the view a recording request.GET and notes, per view, the
    parameters it (its templates, template tags and helpers included) asked for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _reads.clear()
        request.GET = RecordingQueryDict(request.GET.urlencode())
        response = self.get_response(request)
        if request.resolver_match is not None:
            READS_BY_VIEW.setdefault(request.resolver_match.func, set()).update(_reads)
        return response


def language_views(settings):
    """Every view of the language-prefixed pages the page cache may serve."""
    found = {}

    def walk(patterns, prefix):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                found.setdefault(entry.callback, route)

    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and isinstance(entry.pattern, LocalePrefixPattern):
            walk(entry.url_patterns, "")
    skipped = tuple(f"{segment}/" for segment in settings.PAGE_CACHE_SKIP)
    return {view: route for view, route in found.items() if not route.startswith(skipped)}


def test_every_view_declares_the_parameters_it_reads(client, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.RecordReads"]
    READS_BY_VIEW.clear()
    tag = TagFactory()
    article = ArticleFactory(tags=[tag])
    event = EventFactory()
    place = PlaceFactory()
    document = DocumentFactory()
    item = document.item
    today = timezone.localdate()
    urls = [
        "/en/",
        "/en/search/?q=steppe",
        "/en/regions/",
        place.region.get_absolute_url(),
        place.get_absolute_url(),
        "/en/heritage/",
        *(f"/en/heritage/{section.slug}/" for section in Section.objects.all()),
        item.get_absolute_url(),
        document.get_absolute_url(),
        "/en/articles/",
        "/en/articles/feed/",
        "/en/articles/feed/atom/",
        f"/en/articles/tag/{tag.slug}/",
        article.get_absolute_url(),
        "/en/calendar/",
        f"/en/calendar/{today:%Y}/{today:%m}/",
        f"/en/calendar/{today:%Y}/{today:%m}/{today:%d}/",
        f"/en/events/{event.slug}/",
        f"/en/events/{event.slug}.ics",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    views = language_views(settings)
    # Every view of the URLconf was visited (a new view needs a URL above).
    assert set(views) <= set(READS_BY_VIEW), [views[v] for v in set(views) - set(READS_BY_VIEW)]
    for view, route in views.items():
        declared = getattr(view, "query_params", frozenset())
        undeclared = READS_BY_VIEW[view] - declared
        assert not undeclared, f"{route} reads {sorted(undeclared)}: add them to @reads_query"
    # The recording works: the views that filter were seen reading their parameters.
    by_route = {route: READS_BY_VIEW[view] for view, route in views.items()}
    assert by_route["search/"] == {"q"}
    assert {"page", "region", "era", "type", "kind", "field"} <= by_route[
        "heritage/<slug:section>/"
    ]
    assert {"category", "year", "page"} <= by_route["articles/"]
    assert {"category", "region"} <= by_route["calendar/"]


def test_declarations_are_kept_on_the_view_the_urlconf_calls():
    from kazportal import search

    assert search.search.query_params == {"q"}
    assert page_cache.reads_query("a", "b")(lambda request: None).query_params == {"a", "b"}
