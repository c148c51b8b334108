import calendar as pycalendar
import datetime

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kazportal.i18n import LANGS, field_in_language
from regions.models import Region

from . import ics
from .models import MAX_YEAR, MIN_YEAR, Article, Byline, Event, Tag

PER_PAGE = 12


def bad_request(request, message):
    return render(request, "articles/bad_request.html", {"message": message}, status=400)


def paginate(request, queryset):
    paginator = Paginator(queryset, PER_PAGE)
    number = request.GET.get("page", "1")
    try:
        return paginator.page(number)
    except (PageNotAnInteger, EmptyPage) as error:
        raise Http404(_("There is no such page in this list.")) from error


def query_without(request, name):
    """The current query string without `name` and `page` (for filter and page links)."""
    params = request.GET.copy()
    params.pop("page", None)
    params.pop(name, None)
    return params.urlencode()


# --- articles ---------------------------------------------------------------------------------


@require_GET
def article_list(request, tag=None):
    articles = Article.objects.published().for_list().newest_first()
    filters = {}
    tag_obj = None
    if tag is not None:
        tag_obj = get_object_or_404(Tag, slug=tag)
        articles = articles.tagged(tag_obj)
    category = request.GET.get("category", "")
    if category:
        if category not in Article.Category.values:
            return bad_request(request, _("There is no such category of articles."))
        articles = articles.in_category(category)
        filters["category"] = category
    year = request.GET.get("year", "")
    if year:
        if not year.isdigit() or not MIN_YEAR <= int(year) <= MAX_YEAR:
            return bad_request(request, _("The year must be a number such as 2025."))
        articles = articles.in_year(int(year))
        filters["year"] = int(year)
    page = paginate(request, articles)
    years = [d.year for d in Article.objects.published().dates("published_at", "year", "DESC")]
    popular_tags = (
        Tag.objects.filter(articles__in=Article.objects.published())
        .annotate(count=Count("articles"))
        .order_by("-count", "slug")[:15]
    )
    base = {} if tag_obj is None else {"tag": tag_obj}
    return render(
        request,
        "articles/article_list.html",
        {
            **base,
            "page": page,
            "articles": page.object_list,
            "categories": Article.Category.choices,
            "years": years,
            "popular_tags": popular_tags,
            "filters": filters,
            "query_for_pages": query_without(request, "page"),
        },
    )


@require_GET
def article_detail(request, slug):
    queryset = (
        Article.objects.visible_to(request.user)
        .select_related("cover")
        .prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("author").order_by("order")),
            "tags",
            "references",
            Prefetch(
                "related",
                queryset=Article.objects.published().select_related("cover"),
                to_attr="chosen_related",
            ),
        )
    )
    article = get_object_or_404(queryset, slug=slug)
    related = list(article.chosen_related)
    if len(related) < 3:
        chosen = {a.pk for a in related}
        for other in Article.objects.published().related_to(article, limit=3 + len(chosen)):
            if other.pk not in chosen and len(related) < 3:
                related.append(other)
    authors = article.ordered_authors()
    other_abstracts = [
        (code, name, getattr(article, f"abstract_{code}"))
        for code, name in settings.LANGUAGES
        if code != request.LANGUAGE_CODE and getattr(article, f"abstract_{code}", "")
    ]
    absolute = request.build_absolute_uri(article.get_absolute_url())
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "authors": authors,
            "tags": list(article.tags.all()),
            "references": list(article.references.all()),
            "other_abstracts": other_abstracts,
            "related": related,
            "absolute_url": absolute,
            "citation": citation(article, authors, absolute),
            "jsonld": article_jsonld(request, article, authors, absolute),
            "share": share_links(absolute, field_in_language(article, "title")[0]),
        },
    )


def citation(article, authors, absolute):
    names = ", ".join(field_in_language(a, "name")[0] for a in authors)
    year = (article.first_published_on or article.accepted_on or article.published_at).year
    title = field_in_language(article, "title")[0].rstrip(".") + "."
    # With no author the title leads, as in APA style: "Title. (2026). Source. URL"
    parts = [f"{names} ({year}).", title] if names else [title, f"({year})."]
    source = field_in_language(article, "source")[0]
    if source:
        parts.append(source.rstrip(".") + ".")
    parts.append(article.doi_url or absolute)
    return " ".join(parts)


def share_links(url, title):
    from urllib.parse import quote

    u, t = quote(url, safe=""), quote(title, safe="")
    return [
        ("Telegram", f"https://t.me/share/url?url={u}&text={t}"),
        ("WhatsApp", f"https://wa.me/?text={t}%20{u}"),
        ("Facebook", f"https://www.facebook.com/sharer/sharer.php?u={u}"),
        ("X", f"https://x.com/intent/post?url={u}&text={t}"),
        (_("E-mail"), f"mailto:?subject={t}&body={u}"),
    ]


def article_jsonld(request, article, authors, absolute):
    from kazportal.templatetags.kazportal import og_image_url

    data = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle" if article.is_scholarly else "NewsArticle",
        "headline": field_in_language(article, "title")[0][:110],
        "description": field_in_language(article, "lead")[0]
        or field_in_language(article, "abstract")[0][:300],
        "url": absolute,
        "mainEntityOfPage": absolute,
        "inLanguage": request.LANGUAGE_CODE,
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "articleSection": str(article.get_category_display()),
        "keywords": [field_in_language(t, "name")[0] for t in article.tags.all()],
        "author": [
            {
                "@type": "Person",
                "name": field_in_language(a, "name")[0],
                **(
                    {
                        "affiliation": {
                            "@type": "Organization",
                            "name": field_in_language(a, "affiliation")[0],
                        }
                    }
                    if field_in_language(a, "affiliation")[0]
                    else {}
                ),
            }
            for a in authors
        ],
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME},
    }
    if article.doi:
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": article.doi}
        data["sameAs"] = article.doi_url
    image = og_image_url(request, article.cover)
    if image:
        data["image"] = image
    return data


# --- calendar ---------------------------------------------------------------------------------


def to_int(value, low, high):
    """A URL part as an int within [low, high], or 404."""
    number = int(value)
    if not low <= number <= high:
        raise Http404(_("There is no such date in the calendar."))
    return number


def calendar_filters(request):
    """(filters dict, events queryset, error) from ?category= and ?region=."""
    events = Event.objects.published()
    filters = {}
    category = request.GET.get("category", "")
    if category:
        if category not in Event.Category.values:
            return None, None, _("There is no such category of events.")
        events = events.filter(category=category)
        filters["category"] = category
    region = request.GET.get("region", "")
    if region:
        found = Region.objects.published().filter(slug=region).first()
        if found is None:
            return None, None, _("There is no such region.")
        events = events.filter(Q(region=found) | Q(place__region=found))
        filters["region"] = found
    return filters, events, ""


def month_link(day, query):
    url = reverse("articles:month", kwargs={"year": f"{day.year:04d}", "month": f"{day.month:02d}"})
    return f"{url}?{query}" if query else url


@require_GET
def calendar_month(request, year=None, month=None):
    today = timezone.localdate()
    if year is None:
        year, month = today.year, today.month
    else:
        year = to_int(year, MIN_YEAR, MAX_YEAR)
        month = to_int(month, 1, 12)
    filters, events, error = calendar_filters(request)
    if error:
        return bad_request(request, error)
    first = datetime.date(year, month, 1)
    last = datetime.date(year, month, pycalendar.monthrange(year, month)[1])
    weeks_dates = pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    grid_start, grid_end = weeks_dates[0][0], weeks_dates[-1][-1]
    occurrences = events.select_related("region").occurrences(grid_start, grid_end)
    weeks = [
        [
            {
                "date": day,
                "in_month": day.month == month,
                "today": day == today,
                "occurrences": [o for o in occurrences if o.covers(day)],
            }
            for day in week
        ]
        for week in weeks_dates
    ]
    month_days = [
        cell for week in weeks for cell in week if cell["in_month"] and cell["occurrences"]
    ]
    query = request.GET.urlencode()
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = last + datetime.timedelta(days=1)
    return render(
        request,
        "articles/calendar_month.html",
        {
            "month": first,
            "weeks": weeks,
            "weekdays": weeks_dates[0],
            "month_days": month_days,
            "previous_url": month_link(previous, query) if previous.year >= MIN_YEAR else "",
            "next_url": month_link(following, query) if following.year <= MAX_YEAR else "",
            "previous_month": previous,
            "next_month": following,
            "this_month_url": month_link(today, query),
            "is_current": (year, month) == (today.year, today.month),
            "filters": filters,
            "categories": Event.Category.choices,
            "regions": Region.objects.published().order_by("order", "slug"),
            "ics_url": reverse("calendar_ics"),
        },
    )


@require_GET
def calendar_day(request, year, month, day):
    try:
        date = datetime.date(
            to_int(year, MIN_YEAR, MAX_YEAR), to_int(month, 1, 12), to_int(day, 1, 31)
        )
    except ValueError as error:
        raise Http404(_("There is no such date in the calendar.")) from error
    occurrences = Event.objects.published().with_related().on_day(date)
    return render(
        request,
        "articles/calendar_day.html",
        {
            "day": date,
            "occurrences": occurrences,
            "month_url": month_link(date, ""),
            "previous_url": day_link(date - datetime.timedelta(days=1)),
            "next_url": day_link(date + datetime.timedelta(days=1)),
        },
    )


def day_link(day):
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        return ""
    return reverse(
        "articles:day",
        kwargs={"year": f"{day.year:04d}", "month": f"{day.month:02d}", "day": f"{day.day:02d}"},
    )


def get_event(request, slug):
    queryset = Event.objects.visible_to(request.user).select_related(
        "region", "place", "place__region", "image"
    )
    return get_object_or_404(queryset, slug=slug)


def url_or_empty(obj):
    try:
        return obj.get_absolute_url() if obj else ""
    except NoReverseMatch:
        return ""


@require_GET
def event_detail(request, slug):
    event = get_event(request, slug)
    today = timezone.localdate()
    occurrence = event.next_occurrence(today)
    return render(
        request,
        "articles/event_detail.html",
        {
            "event": event,
            "occurrence": occurrence,
            "is_past": occurrence.end < today,
            "region_url": url_or_empty(event.region),
            "place_url": url_or_empty(event.place),
            "jsonld": event_jsonld(request, event, occurrence),
        },
    )


def event_jsonld(request, event, occurrence):
    from kazportal.templatetags.kazportal import og_image_url

    location_name = (
        field_in_language(event, "venue")[0]
        or (field_in_language(event.place, "name")[0] if event.place_id else "")
        or (field_in_language(event.region, "name")[0] if event.region_id else "")
        or _("Kazakhstan")
    )
    address = {"@type": "PostalAddress", "addressCountry": "KZ"}
    if event.region_id:
        address["addressRegion"] = field_in_language(event.region, "name")[0]
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": field_in_language(event, "title")[0],
        "description": field_in_language(event, "summary")[0]
        or field_in_language(event, "description")[0][:300],
        "startDate": occurrence.start.isoformat(),
        "endDate": occurrence.end.isoformat(),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": {"@type": "Place", "name": location_name, "address": address},
        "url": request.build_absolute_uri(event.get_absolute_url()),
        "inLanguage": request.LANGUAGE_CODE,
    }
    if event.place_id and event.place.latitude is not None and event.place.longitude is not None:
        data["location"]["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(event.place.latitude),
            "longitude": float(event.place.longitude),
        }
    image = og_image_url(request, event.image)
    if image:
        data["image"] = image
    return data


def ics_response(cal, filename):
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
def event_ics(request, slug):
    event = get_event(request, slug)
    cal = ics.build_calendar([event], request, name=field_in_language(event, "title")[0])
    return ics_response(cal, f"{event.slug}.ics")


@require_GET
def calendar_ics(request):
    """/calendar.ics (no language prefix): every public event; ?lang=ru|en|kk picks the
    language of the texts (default: the visitor's)."""
    from django.utils import translation

    lang = request.GET.get("lang", "")
    if lang and lang not in LANGS:
        return HttpResponse(
            _("Unknown language: use kk, ru or en."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    with translation.override(lang or translation.get_language() or "kk"):
        request.LANGUAGE_CODE = translation.get_language()
        events = Event.objects.published().with_related().order_by("start_date", "order")
        cal = ics.build_calendar(events, request)
        return ics_response(cal, "kazportal-calendar.ics")
