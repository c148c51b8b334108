from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from articles.models import Article, Event
from batyr.views import home_examples
from heritage.models import Section as HeritageSection
from regions.map import tile_map
from regions.models import Region

from . import cache as page_cache
from .context_processors import page_links
from .i18n import field_in_language
from .models import HomePage, HomeRegion
from .outage import cache_answers, database_answers


def today_in_calendar(today):
    """Today's calendar dates and True; when today has none, the next date and False (one
    query)."""
    found = Event.objects.published().upcoming(today)
    todays = [o for o in found if o.covers(today)]
    if todays:
        return todays, True
    return found[:1], False


def home_regions(home):
    """(every public region for the map, the featured ones in the editor's order) in one query.
    With none featured: the three cities and the first region."""
    feature = HomeRegion.objects.filter(home_id=home.pk, region=OuterRef("pk"))
    regions = list(
        Region.objects.published()
        .for_cards()
        .annotate(home_order=Subquery(feature.values("order")[:1]))
        .order_by("kind", "order", "slug")
    )
    featured = sorted(
        (r for r in regions if r.home_order is not None), key=lambda r: (r.home_order, r.order)
    )
    return regions, featured or regions[:4]


def home_content(today, request=None):
    """What the home page shows besides the request-dependent bits. The HomePage row is a kept
    value and each block's data is loaded when the template first reads it (at most eight
    queries): inside kept blocks ({% kept %}, kazportal/cache.py) that is only when what they
    show changed. The whole page is kept by the page cache (cache.py)."""
    home = page_cache.kept("home-page", HomePage.for_page, request)
    calendar = SimpleLazyObject(lambda: today_in_calendar(today))
    regions = SimpleLazyObject(lambda: home_regions(home))
    return {
        "home": home,
        "intro_text": field_in_language(home, "intro_text"),
        "today_events": SimpleLazyObject(lambda: calendar[0]),
        "today_is_today": SimpleLazyObject(lambda: calendar[1]),
        "latest_articles": SimpleLazyObject(
            lambda: list(Article.objects.published().for_list().newest_first()[:3])
        ),
        "map": SimpleLazyObject(lambda: tile_map(regions[0])),
        "home_regions": SimpleLazyObject(lambda: regions[1]),
        "heritage_sections": SimpleLazyObject(
            lambda: list(HeritageSection.objects.with_item_counts())
        ),
        "batyr_examples": SimpleLazyObject(home_examples),
    }


@require_GET
def home(request):
    """The home page's eight blocks in the seed's order; texts and music from HomePage."""
    context = dict(home_content(timezone.localdate(), request))
    context["site_jsonld"] = {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": settings.SITE_NAME,
        "url": request.build_absolute_uri(reverse("home")),
        "inLanguage": request.LANGUAGE_CODE,
        "potentialAction": {
            "@type": "SearchAction",
            "target": request.build_absolute_uri(reverse("search")) + "?q={query}",
            "query-input": "required name=query",
        },
    }
    return render(request, "kazportal/home.html", context)


@never_cache
@require_GET
def healthz(request):
    """200 when the database (and Redis, when it is the cache) answers; 503 naming the one
    that does not, e.g. {"status": "unavailable", "database": true, "cache": false}. Each check
    is bounded by its connect and query timeouts (kazportal/outage.py)."""
    checks = {"database": database_answers()}
    cache_ok = cache_answers()
    if cache_ok is not None:  # no "cache" with the local-memory cache: nothing to be down
        checks["cache"] = cache_ok
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )


@require_GET
def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/"]
    # "Become a batyr": its landing page is public; a portrait's token pages (its progress,
    # status, images, batyr/urls.py: /<lang>/batyr/<token>/...) are private and never crawled.
    for code, _name in settings.LANGUAGES:
        lines += [f"Allow: /{code}/batyr/$", f"Disallow: /{code}/batyr/*/"]
    lines += [f"Disallow: /{code}/search/" for code, _name in settings.LANGUAGES]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def page_not_found(request, exception):
    """The 404 page. Its links never repeat the address asked for (`//evil.com/` would be
    another host): the language switcher leads to each language's home page."""
    return render(
        request,
        "404.html",
        {"message": _("We could not find this page."), **page_links(request, None)},
        status=404,
    )
