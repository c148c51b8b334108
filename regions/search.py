"""The regions app's entries for the site search (kazportal.search.SEARCHABLE)."""

from django.utils.translation import gettext_lazy as _

from kazportal.i18n import field_in_language
from kazportal.search import Searchable


def _place_kind(place):
    region = field_in_language(place.region, "name")[0]
    return f"{place.get_kind_display()} · {region}"


SEARCHABLE = [
    Searchable(
        _("Regions and cities"),
        "regions.Region",
        "name",
        "summary",
        ("centre", "body"),
        (),
        lambda region: region.get_kind_display(),
    ),
    Searchable(
        _("Places to visit"),
        "regions.Place",
        "name",
        "summary",
        ("body",),
        ("region",),
        _place_kind,
    ),
]
