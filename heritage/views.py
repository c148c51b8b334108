"""Heritage pages. Each runs a fixed number of SQL queries whatever the amount of content
(tests/heritage/test_queries.py)."""

from urllib.parse import urlencode, urlsplit

from django.core.paginator import InvalidPage, Paginator
from django.db.models import F, Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from regions.models import Place, Region

from . import structured_data
from .facets import RegionFacet, kind_facet
from .models import Document, Item, ItemPhoto, Kind, Section

PER_PAGE = 12
RELATED = 4

# How a section's items are ordered: by the year that means most for the kind.
ORDERING = {
    Kind.HISTORY: (F("start_year").asc(nulls_last=True), "order", "slug"),
    Kind.ABOUT: ("order", "slug"),
    Kind.UNESCO: ("inscription_year", "order", "slug"),
    Kind.GOLDEN_FUND: (F("birth_year").asc(nulls_last=True), "order", "slug"),
    Kind.CINEMA: (F("film_year").asc(nulls_last=True), "order", "slug"),
}


def safe_url(obj):
    """The page of a region or place, or "" while its app has no such page."""
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:
        return ""


def bad_request(request, message, back_url):
    return render(
        request,
        "heritage/bad_request.html",
        {"message": message, "back_url": back_url},
        status=400,
    )


@require_GET
def index(request):
    sections = list(Section.objects.with_item_counts())
    title = _("Heritage")
    description = _(
        "Customs, history, UNESCO sites, museums and reserves, great names, cinema and archives "
        "of Kazakhstan."
    )
    url = reverse("heritage:index")
    jsonld = structured_data.collection_graph(
        request,
        title,
        description,
        url,
        [(s.title, s.get_absolute_url()) for s in sections],
        [(_("Home"), reverse("home")), (title, url)],
    )
    return render(
        request,
        "heritage/index.html",
        {"sections": sections, "description": description, "jsonld": jsonld},
    )


@require_GET
def section(request, section):
    section = get_object_or_404(Section.objects.select_related("cover"), slug=section)
    section_url = section.get_absolute_url()
    published = Item.objects.published().filter(section=section)
    items = (
        Item.objects.visible_to(request.user)
        .filter(section=section)
        .for_cards()
        .order_by(*ORDERING.get(section.kind, ("order", "slug")))
    )

    filters = []
    active = {}
    for facet in (kind_facet(section.kind), RegionFacet()):
        if facet is None:
            continue
        options = facet.counted_options(published)
        value = request.GET.get(facet.param, "")
        if value:
            if not facet.is_valid(value):
                return bad_request(
                    request,
                    _("“%(value)s” is not a value of the filter “%(filter)s”.")
                    % {"value": value[:60], "filter": facet.label},
                    section_url,
                )
            items = items.filter(facet.condition(value))
            active[facet.param] = value
        if options or value:
            filters.append(
                {"param": facet.param, "label": facet.label, "options": options, "value": value}
            )
    if "region" in active:
        items = items.distinct()

    paginator = Paginator(items, PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage as exc:
        raise Http404(_("This page number does not exist.")) from exc
    page_items = list(page.object_list)

    query = urlencode(active)
    jsonld = structured_data.collection_graph(
        request,
        section.title,
        section.card_text,
        section_url,
        [(item.title, item.get_absolute_url()) for item in page_items],
        [
            (_("Home"), reverse("home")),
            (_("Heritage"), reverse("heritage:index")),
            (section.title, section_url),
        ],
    )
    return render(
        request,
        "heritage/section.html",
        {
            "section": section,
            "page_obj": page,
            "items": page_items,
            "filters": filters,
            "active": active,
            "filter_query": query,
            "is_filtered": bool(active),
            "jsonld": jsonld,
        },
    )


def item_facts(item):
    """The facts of an item's kind that have a value, in display order. Translated text facts
    carry the field name so that the template shows them with their language fallback."""
    kind = item.section.kind
    facts = []

    def add(label, value=None, field=None, url="", external=False):
        if field is not None:
            if any(getattr(item, f"{field}_{code}", "") for code in ("kk", "ru", "en")):
                facts.append({"label": label, "obj": item, "field": field})
            return
        if value not in (None, ""):
            facts.append({"label": label, "value": value, "url": url, "external": external})

    def add_coordinates():
        if item.has_coordinates:
            lat, lon = float(item.latitude), float(item.longitude)
            add(
                _("Coordinates"),
                f"{lat:.4f}, {lon:.4f}",
                url=f"https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}#map=13/"
                f"{lat:.5f}/{lon:.5f}",
                external=True,
            )

    if kind in (Kind.CUSTOMS, Kind.ABOUT, Kind.HISTORY, Kind.ARCHIVES):
        add(_("Period or date"), field="period")
    elif kind == Kind.UNESCO:
        add(_("Inscribed on the World Heritage List"), item.inscription_year)
        add(_("Type of heritage"), item.get_heritage_type_display() if item.heritage_type else "")
        add(_("Selection criteria"), item.criteria)
        add(_("Location"), field="location")
        add_coordinates()
    elif kind == Kind.MUSEUMS:
        add(_("Kind"), item.get_museum_kind_display() if item.museum_kind else "")
        add(_("Address"), field="address")
        add(_("Opening hours"), field="opening_hours")
        if item.website:
            host = urlsplit(item.website).netloc.removeprefix("www.")
            add(_("Website"), host or item.website, url=item.website, external=True)
        if item.phone:
            tel = "".join(ch for ch in item.phone if ch.isdigit() or ch == "+")
            add(_("Phone"), item.phone, url=f"tel:{tel}")
        add_coordinates()
    elif kind == Kind.GOLDEN_FUND:
        add(_("Field"), item.get_field_display() if item.field else "")
        if item.birth_year and item.death_year:
            add(_("Years of life"), f"{item.birth_year}–{item.death_year}")
        elif item.birth_year:
            add(_("Born"), item.birth_year)
    elif kind == Kind.CINEMA:
        add(_("Year"), item.film_year)
        add(_("Director"), field="director")
        if item.duration_minutes:
            add(_("Running time"), _("%(minutes)d min") % {"minutes": item.duration_minutes})
        add(_("Genre"), field="genre")
        if item.trailer_url:
            add(_("Trailer"), _("Watch the trailer"), url=item.trailer_url, external=True)
    return facts


@require_GET
def item(request, section, slug):
    item = get_object_or_404(
        Item.objects.visible_to(request.user)
        .select_related("section", "cover")
        .prefetch_related(
            Prefetch("item_photos", queryset=ItemPhoto.objects.select_related("photo")),
            Prefetch("regions", queryset=Region.objects.published().order_by("order", "slug")),
            Prefetch(
                "places",
                queryset=Place.objects.published().select_related("region").order_by("slug"),
            ),
            Prefetch("documents", queryset=Document.objects.order_by("order", "pk")),
        ),
        section__slug=section,
        slug=slug,
    )
    section = item.section
    # Related items: the editor's choice first, then others of the same section (two queries).
    related = list(
        item.related.published()
        .exclude(pk=item.pk)
        .for_cards()
        .order_by("section__order", "order")[:RELATED]
    )
    if len(related) < RELATED:
        related += list(
            Item.objects.published()
            .filter(section=section)
            .exclude(pk__in=[item.pk, *[r.pk for r in related]])
            .for_cards()
            .order_by(*ORDERING.get(section.kind, ("order", "slug")))[: RELATED - len(related)]
        )
    regions = list(item.regions.all())
    places = list(item.places.all())
    documents = list(item.documents.all()) if section.kind == Kind.ARCHIVES else []
    trail = [
        (_("Home"), reverse("home")),
        (_("Heritage"), reverse("heritage:index")),
        (section.title, section.get_absolute_url()),
        (item.title, item.get_absolute_url()),
    ]
    return render(
        request,
        "heritage/item.html",
        {
            "item": item,
            "section": section,
            "kind": section.kind,
            "facts": item_facts(item),
            "achievements": item.achievements.splitlines() if item.achievements else [],
            "gallery": [entry.photo for entry in item.item_photos.all()],
            "regions": [(region, safe_url(region)) for region in regions],
            "places": [(place, safe_url(place)) for place in places],
            "documents": documents,
            "related": related,
            "jsonld": structured_data.item_graph(request, item, trail, documents, regions),
            "og_type": "profile" if section.kind == Kind.GOLDEN_FUND else "article",
        },
    )


@require_GET
def document_download(request, section, slug, pk):
    """A document of a published item, as an attachment with a safe file name. Drafts (for
    visitors) and files missing from the storage are 404s."""
    document = get_object_or_404(
        Document.objects.select_related("item__section").filter(
            item__in=Item.objects.visible_to(request.user)
        ),
        pk=pk,
        item__slug=slug,
        item__section__slug=section,
    )
    if not document.file:
        raise Http404(NOT_FOUND)
    try:
        handle = document.file.storage.open(document.file.name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404(NOT_FOUND) from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.download_name(),
        content_type=document.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


NOT_FOUND = gettext_lazy("This document is not available.")
