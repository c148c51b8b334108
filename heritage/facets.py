"""The filters of a section page: by region (every section) and one filter that suits the
section's kind (era, type of site, kind of institution, field of work: `KindInfo.facet` in
kinds.py).

Each filter reads one query parameter. A value it does not know is a 400, never a silent "all".
Option counts come from one aggregate query per filter, whatever the number of items.
"""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from regions.models import Region


class Facet:
    """A filter on one model field with fixed choices."""

    def __init__(self, param, label, field, choices):
        self.param = param
        self.label = label
        self.field = field
        self.choices = list(choices)  # [(value, label)]

    def condition(self, value):
        return Q(**{self.field: value})

    def counted_options(self, items):
        counts = dict(
            items.order_by()
            .values_list(self.field)
            .annotate(n=Count("pk"))
            .values_list(self.field, "n")
        )
        return [(value, label, counts[value]) for value, label in self.choices if counts.get(value)]

    def is_valid(self, value):
        return value in {v for v, _label in self.choices}


class EraFacet(Facet):
    """A filter on ranges of years kept in one integer field."""

    def __init__(self, param, label, field, eras):
        super().__init__(param, label, field, [(v, lbl) for v, lbl, _a, _b in eras])
        self.ranges = {v: (start, end) for v, _lbl, start, end in eras}

    def condition(self, value):
        start, end = self.ranges[value]
        q = Q(**{f"{self.field}__isnull": False})
        if start is not None:
            q &= Q(**{f"{self.field}__gte": start})
        if end is not None:
            q &= Q(**{f"{self.field}__lt": end})
        return q

    def counted_options(self, items):
        counts = items.aggregate(
            **{value: Count("pk", filter=self.condition(value)) for value, _label in self.choices}
        )
        return [(v, label, counts[v]) for v, label in self.choices if counts[v]]


class RegionFacet:
    """Regions that have published items in the section; their options cost one query."""

    param = "region"
    label = _("Region or city")

    def __init__(self):
        self._regions = None

    def load(self, items):
        regions = (
            Region.objects.published()
            .filter(heritage_items__in=items)
            .annotate(n=Count("heritage_items", distinct=True))
            .order_by()
        )
        self._regions = {r.slug: r for r in regions}
        return self

    def counted_options(self, items):
        if self._regions is None:
            self.load(items)
        regions = sorted(self._regions.values(), key=lambda r: str(r.name))
        return [(r.slug, r.name, r.n) for r in regions]

    def is_valid(self, value):
        return value in self._regions

    def condition(self, value):
        return Q(regions=self._regions[value])
