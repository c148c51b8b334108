from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kazportal import cache as page_cache
from kazportal.cache import reads_query
from kazportal.structured_data import image as image_url

from . import structured_data
from .map import tile_map
from .models import Place, PlacePhoto, Region

OTHER_PLACES = 6


@reads_query("kind")
@require_GET
def region_list(request):
    kinds = {choice.value: choice for choice in Region.Kind}
    kind = request.GET.get("kind", "")
    status = 200
    error = ""
    if kind and kind not in kinds:
        error = _("There is no such kind of region. Choose one of the filters below.")
        status = 400
        kind = ""
    regions = list(Region.objects.visible_to(request.user).for_cards())
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
        "jsonld": structured_data.region_list(request, shown),
    }
    return render(request, "regions/index.html", context, status=status)


def region_places(request, region):
    """The region's places the visitor may see, for cards (one query)."""
    places = list(
        Place.objects.visible_to(request.user)
        .in_region(region)
        .for_cards()
        .order_by("order", "slug")
    )
    for place in places:
        place.region = region  # spares a query per place in get_absolute_url
    return places


def region_neighbours(request, region):
    """The neighbouring regions the visitor may see (one query)."""
    return list(region.neighbours.visible_to(request.user).order_by("order", "slug"))


@require_GET
def region_detail(request, slug):
    """The region's own row is read from the database on every render; its places and
    neighbours (other rows, shown on other pages too) are kept values, and the blocks that
    show them kept blocks (kazportal/cache.py)."""
    region = get_object_or_404(
        Region.objects.visible_to(request.user).select_related("cover"), slug=slug
    )
    image = image_url(request, region.cover)

    def keep(name, load):
        return page_cache.kept((name, region.pk), lambda: load(request, region), request, [region])

    places = keep("region-places", region_places)
    context = {
        "region": region,
        "places": places,
        "neighbours": keep("region-neighbours", region_neighbours),
        # a callable: the template calls it in its kept block only
        "jsonld": lambda: structured_data.region_detail(request, region, places, image),
        "og_image": image,
        "breadcrumbs_jsonld": structured_data.breadcrumbs(request, region),
    }
    return render(request, "regions/region.html", context)


@require_GET
def place_detail(request, region, slug):
    visible = Place.objects.visible_to(request.user)
    photos = PlacePhoto.objects.select_related("photo").order_by("order", "pk")
    place = get_object_or_404(
        visible.select_related("region", "cover").prefetch_related(
            Prefetch("place_photos", queryset=photos, to_attr="photos")
        ),
        region__slug=region,
        slug=slug,
    )
    others = list(
        visible.in_region(place.region)
        .exclude(pk=place.pk)
        .for_cards()
        .order_by("order", "slug")[:OTHER_PLACES]
    )
    for other in others:
        other.region = place.region
    gallery = [pp.photo for pp in place.photos]
    if not gallery and place.cover:
        gallery = [place.cover]
    image = image_url(request, place.cover or (gallery[0] if gallery else None))
    context = {
        "place": place,
        "region": place.region,
        "gallery": gallery,
        "others": others,
        "jsonld": structured_data.place_detail(request, place, image),
        "og_image": image,
        "breadcrumbs_jsonld": structured_data.breadcrumbs(request, place.region, place),
    }
    return render(request, "regions/place.html", context)
