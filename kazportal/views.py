from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from articles.models import Article, Event
from batyr.views import home_examples
from heritage.models import Section as HeritageSection
from regions.models import Region


@require_GET
def home(request):
    # Each app's teaser for the home page (one or two queries each).
    context = {
        "site_jsonld": {
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
        },
    }
    # articles: the three newest articles and today's calendar dates (one query each, plus
    # the articles' prefetches).
    context["latest_articles"] = list(Article.objects.published().for_list().newest_first()[:3])
    context["today_events"] = Event.objects.published().on_day(timezone.localdate())
    # regions: the three cities, then regions: eight cards (one query).
    context["home_regions"] = list(
        Region.objects.published()
        .select_related("cover")
        .with_place_counts()
        .order_by("kind", "order", "slug")[:8]
    )
    # heritage: the eight sections with their item counts (one query).
    context["heritage_sections"] = list(HeritageSection.objects.with_item_counts())
    # batyr: the looks with their drawn examples (one query).
    context["batyr_examples"] = home_examples()
    return render(request, "kazportal/home.html", context)


@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": False}, status=503)
    return JsonResponse({"status": "ok", "database": True})


@require_GET
def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/"]
    lines += [f"Disallow: /{code}/batyr/" for code, _name in settings.LANGUAGES]
    lines += [f"Disallow: /{code}/search/" for code, _name in settings.LANGUAGES]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def page_not_found(request, exception):
    return render(
        request,
        "404.html",
        {"message": _("We could not find this page.")},
        status=404,
    )
