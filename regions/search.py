"""The regions app's entries in the site search (kazportal/search/registry.py)."""

from django.utils.translation import gettext_lazy as _

from kazportal.i18n import text_in_language
from kazportal.search import Searchable, register


def _place_kind(place):
    return f"{place.get_kind_display()} · {text_in_language(place.region, 'name')}"


register(
    Searchable(
        label=_("Regions and cities"),
        model="regions.Region",
        title="name",
        summary="summary",
        extra=("centre", "body"),
        describe=lambda region: region.get_kind_display(),
    ),
    Searchable(
        label=_("Places to visit"),
        model="regions.Place",
        title="name",
        summary="summary",
        extra=("body",),
        related=("region",),
        describe=_place_kind,
    ),
)
