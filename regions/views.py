from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kazportal.i18n import field_in_language
from kazportal.templatetags.kazportal import og_image_url

from .map import tile_map
from .models import Place, PlacePhoto, Region

OTHER_PLACES = 6


def _visible_places(user):
    """Places the user may see: the public sees published places of published regions."""
    if user.is_authenticated and user.is_staff:
        return Place.objects.all()
    return Place.objects.published()


def _text(obj, field):
    return field_in_language(obj, field)[0]


@require_GET
def index(request):
    kinds = {choice.value: choice for choice in Region.Kind}
    kind = request.GET.get("kind", "")
    status = 200
    error = ""
    if kind and kind not in kinds:
        error = _("There is no such kind of region. Choose one of the filters below.")
        status = 400
        kind = ""
    regions = list(
        Region.objects.visible_to(request.user).with_place_counts().select_related("cover")
    )
    shown = [r for r in regions if r.kind == kind] if kind else regions
    counts = {value: sum(1 for r in regions if r.kind == value) for value in kinds}
    filters = [{"value": "", "label": _("All"), "count": len(regions), "current": not kind}]
    filters += [
        {
            "value": value,
            "label": _("Regions") if value == Region.Kind.REGION else _("Cities"),
            "count": counts[value],
            "current": kind == value,
        }
        for value in kinds
    ]
    context = {
        "regions": shown,
        "map": tile_map(regions),
        "filters": filters,
        "kind": kind,
        "error": error,
        "jsonld": {
            "@context": "https://schema.org",
            "@type": "ItemList",
            "name": _("Regions and cities of Kazakhstan"),
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": i,
                    "url": request.build_absolute_uri(r.get_absolute_url()),
                    "name": _text(r, "name"),
                }
                for i, r in enumerate(shown, start=1)
            ],
        },
    }
    return render(request, "regions/index.html", context, status=status)


@require_GET
def region_detail(request, slug):
    neighbours = Region.objects.visible_to(request.user).order_by("order", "slug")
    places = _visible_places(request.user).select_related("cover").order_by("order", "slug")
    region = get_object_or_404(
        Region.objects.visible_to(request.user)
        .select_related("cover")
        .prefetch_related(
            Prefetch("neighbours", queryset=neighbours, to_attr="visible_neighbours"),
            Prefetch("places", queryset=places, to_attr="visible_places"),
        ),
        slug=slug,
    )
    url = request.build_absolute_uri(region.get_absolute_url())
    image = og_image_url(request, region.cover)
    data = {
        "@context": "https://schema.org",
        "@type": "TouristDestination",
        "name": _text(region, "name"),
        "description": _text(region, "summary"),
        "url": url,
        "inLanguage": request.LANGUAGE_CODE,
        "containedInPlace": {"@type": "Country", "name": _("Kazakhstan")},
        "includesAttraction": [
            {
                "@type": "TouristAttraction",
                "name": _text(place, "name"),
                "url": request.build_absolute_uri(
                    # The region is known: no query for place.region.
                    f"{region.get_absolute_url()}{place.slug}/"
                ),
            }
            for place in region.visible_places
        ],
    }
    if image:
        data["image"] = image
    for place in region.visible_places:
        place.region = region  # spares a query per place in get_absolute_url
    context = {
        "region": region,
        "places": region.visible_places,
        "neighbours": region.visible_neighbours,
        "jsonld": data,
        "og_image": image,
        "breadcrumbs_jsonld": _breadcrumbs(request, region),
    }
    return render(request, "regions/region.html", context)


@require_GET
def place_detail(request, region, slug):
    user = request.user
    photos = PlacePhoto.objects.select_related("photo").order_by("order", "pk")
    queryset = (
        _visible_places(user)
        .select_related("region", "cover")
        .prefetch_related(Prefetch("place_photos", queryset=photos, to_attr="photos"))
    )
    place = get_object_or_404(queryset, region__slug=region, slug=slug)
    others = list(
        _visible_places(user)
        .filter(region=place.region)
        .exclude(pk=place.pk)
        .select_related("cover")
        .order_by("order", "slug")[:OTHER_PLACES]
    )
    for other in others:
        other.region = place.region
    gallery = [pp.photo for pp in place.photos]
    if not gallery and place.cover:
        gallery = [place.cover]
    url = request.build_absolute_uri(place.get_absolute_url())
    cover = place.cover or (gallery[0] if gallery else None)
    image = og_image_url(request, cover)
    data = {
        "@context": "https://schema.org",
        "@type": "TouristAttraction",
        "name": _text(place, "name"),
        "description": _text(place, "summary"),
        "url": url,
        "inLanguage": request.LANGUAGE_CODE,
        "containedInPlace": {
            "@type": "TouristDestination",
            "name": _text(place.region, "name"),
            "url": request.build_absolute_uri(place.region.get_absolute_url()),
        },
    }
    if place.has_coordinates:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(place.latitude),
            "longitude": float(place.longitude),
        }
    if image:
        data["image"] = image
    context = {
        "place": place,
        "region": place.region,
        "gallery": gallery,
        "others": others,
        "jsonld": data,
        "og_image": image,
        "breadcrumbs_jsonld": _breadcrumbs(request, place.region, place),
    }
    return render(request, "regions/place.html", context)


def _breadcrumbs(request, *objects):
    """BreadcrumbList JSON-LD: Regions › (region ›) the page's object."""
    trail = [(_("Regions"), reverse("regions:index"))]
    trail += [(_text(obj, "name"), obj.get_absolute_url()) for obj in objects]
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": str(name),
                "item": request.build_absolute_uri(path),
            }
            for position, (name, path) in enumerate(trail, start=1)
        ],
    }
