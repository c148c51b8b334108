"""The regions app's entries for the site search (kazportal.search.SEARCHABLE)."""

from django.utils.translation import gettext_lazy as _

SEARCHABLE = [
    (_("Regions and cities"), "regions.Region", "name", "summary", ("centre", "body"), ()),
    (_("Places to visit"), "regions.Place", "name", "summary", ("body",), ("region",)),
]
