"""schema.org JSON-LD of the regions pages, built from kazportal.structured_data: the list of
regions (ItemList), a region (TouristDestination), a place (TouristAttraction) and their
breadcrumbs. Each block stands alone in the page (its own "@context")."""

from django.urls import reverse
from django.utils.translation import gettext as _

from kazportal import structured_data
from kazportal.i18n import text_in_language


def region_list(request, regions):
    """The regions shown on the list page, in their order."""
    return {
        "@context": structured_data.CONTEXT,
        "@type": "ItemList",
        "name": _("Regions and cities of Kazakhstan"),
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "url": request.build_absolute_uri(region.get_absolute_url()),
                "name": text_in_language(region, "name"),
            }
            for position, region in enumerate(regions, start=1)
        ],
    }


def region_detail(request, region, places, image=""):
    """A region with the places shown on its page; `image`: the absolute URL of its picture
    (structured_data.image), the page's Open Graph image too."""
    data = {
        "@context": structured_data.CONTEXT,
        "@type": "TouristDestination",
        "name": text_in_language(region, "name"),
        "description": text_in_language(region, "summary"),
        "url": request.build_absolute_uri(region.get_absolute_url()),
        "inLanguage": request.LANGUAGE_CODE,
        "containedInPlace": {"@type": "Country", "name": _("Kazakhstan")},
        "includesAttraction": [
            {
                "@type": "TouristAttraction",
                "name": text_in_language(place, "name"),
                "url": request.build_absolute_uri(
                    # The region is known: no query for place.region.
                    f"{region.get_absolute_url()}{place.slug}/"
                ),
            }
            for place in places
        ],
    }
    if image:
        data["image"] = image
    return data


def place_detail(request, place, image=""):
    """A place in its region (place.region loaded), with its coordinates when it has them."""
    data = {
        "@context": structured_data.CONTEXT,
        "@type": "TouristAttraction",
        "name": text_in_language(place, "name"),
        "description": text_in_language(place, "summary"),
        "url": request.build_absolute_uri(place.get_absolute_url()),
        "inLanguage": request.LANGUAGE_CODE,
        "containedInPlace": {
            "@type": "TouristDestination",
            "name": text_in_language(place.region, "name"),
            "url": request.build_absolute_uri(place.region.get_absolute_url()),
        },
    }
    geo = structured_data.geo(place)
    if geo:
        data["geo"] = geo
    if image:
        data["image"] = image
    return data


def breadcrumbs(request, *objects):
    """BreadcrumbList: Regions › (region ›) the page's object."""
    trail = [(_("Regions"), reverse("regions:index"))]
    trail += [(text_in_language(obj, "name"), obj.get_absolute_url()) for obj in objects]
    return structured_data.breadcrumbs(request, trail, context=True)
