"""The kinds of heritage section in one table: what the items of each kind carry and how every
page shows them.

`KINDS` has one `KindInfo` per `Kind` (models.py). From it come the admin's fieldset of the
kind's facts (admin.py), the order of a section's items and its filter (views.py), the "Facts"
box of an item page, the badge of an item card (the `item_badge` tag), the JSON-LD type and
properties (structured_data.py) and the Open Graph type.

Adding a kind: a `Kind` choice and its admin proxy model (models.py), its section (a data
migration, like 0002_sections), and one entry below.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db.models import F
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kazportal.i18n import LANGS

from . import structured_data
from .facets import EraFacet, Facet
from .models import Item, Kind

# --- the facts of an item page --------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """One line of an item page's "Facts" box: a value (a link when `url` is set), or, with
    `field`, a translated text field of `obj` written in the visitor's language."""

    label: str
    value: object = ""
    url: str = ""
    external: bool = False
    obj: object = None
    field: str = ""


@dataclass(frozen=True)
class Link:
    """A fact's value written as a link."""

    text: str
    url: str
    external: bool = False


@dataclass(frozen=True)
class Fact:
    """Model fields an editor fills for a kind (`fields`, in the admin's order) and what the
    item page shows of them under `label`: `show(item)` gives the value, a `Link` or nothing
    ("" or None); a `translated` fact is the text of its field in the visitor's language, with
    the visible fallback (so it is shown when any language has it). Without a label the fields
    are edited in the admin but not listed among the facts."""

    fields: tuple[str, ...]
    label: str | None = None
    show: Callable[[Item], object] | None = None
    translated: bool = False

    def shown(self, item):
        if self.label is None:
            return None
        if self.translated:
            name = self.fields[0]
            if any(getattr(item, f"{name}_{code}", "") for code in LANGS):
                return Shown(self.label, obj=item, field=name)
            return None
        result = self.show(item)
        if isinstance(result, Link):
            return Shown(self.label, result.text, url=result.url, external=result.external)
        if result in (None, ""):
            return None
        return Shown(self.label, result)


def edited(*fields):
    """Fields edited in the admin that the page does not list among the facts."""
    return Fact(fields)


def value(name, label):
    return Fact((name,), label, lambda item: getattr(item, name))


def _display(name):
    """The label of a field's chosen value ("" when it has none)."""
    return lambda item: getattr(item, f"get_{name}_display")() if getattr(item, name) else ""


def choice(name, label):
    """A field with choices, shown by the chosen value's label."""
    return Fact((name,), label, _display(name))


def text(name, label):
    """A translated text field."""
    return Fact((name,), label, translated=True)


def _coordinates(item):
    if not item.has_coordinates:
        return None
    lat, lon = float(item.latitude), float(item.longitude)
    return Link(f"{lat:.4f}, {lon:.4f}", item.osm_url, external=True)


COORDINATES = Fact(("latitude", "longitude"), _("Coordinates"), _coordinates)


def _website(item):
    if not item.website:
        return None
    host = urlsplit(item.website).netloc.removeprefix("www.")
    return Link(host or item.website, item.website, external=True)


def _phone(item):
    if not item.phone:
        return None
    tel = "".join(ch for ch in item.phone if ch.isdigit() or ch == "+")
    return Link(item.phone, f"tel:{tel}")


def _born(item):
    if item.life_years or not item.birth_year:
        return None
    return item.birth_year


def _running_time(item):
    if not item.duration_minutes:
        return None
    return gettext("%(minutes)d min") % {"minutes": item.duration_minutes}


def _trailer(item):
    if not item.trailer_url:
        return None
    return Link(gettext("Watch the trailer"), item.trailer_url, external=True)


# --- the badge of an item card --------------------------------------------------------------
# A badge is a tuple of parts, written one after the other, each after the first preceded by
# " · " when it has a value. A part is a function of the item giving plain text ("" for
# nothing), or the name of a translated field (written with its language fallback).


def _inscribed(item):
    if not item.inscription_year:
        return ""
    return gettext("Inscribed %(year)s") % {"year": item.inscription_year}


def _life_or_birth(item):
    if item.life_years:
        return item.life_years
    if item.birth_year:
        return gettext("born %(year)s") % {"year": item.birth_year}
    return ""


def _year(name):
    """A year, or nothing."""
    return lambda item: getattr(item, name) or ""


# --- the kinds ------------------------------------------------------------------------------


def _by_year(name):
    """A section's items ordered by a year (items without one last), then the editor's order."""
    return (F(name).asc(nulls_last=True), "order", "slug")


# (value, label, first year, year after the last); years BC are negative.
HISTORY_ERAS = [
    ("antiquity", _("Antiquity"), None, 552),
    ("middle-ages", _("Turkic and Mongol eras"), 552, 1465),
    ("khanate", _("Kazakh Khanate"), 1465, 1847),
    ("empire-soviet", _("Russian Empire and the Soviet years"), 1847, 1991),
    ("independence", _("Independent Kazakhstan"), 1991, None),
]
FILM_ERAS = [
    ("soviet", _("Soviet years"), None, 1992),
    ("independence", _("Since independence"), 1992, None),
]

PERIOD = text("period", _("Period or date"))


@dataclass(frozen=True)
class KindInfo:
    """Everything that differs between kinds of section. See the module's docstring."""

    # The kind's facts, in the order of the item page and of the admin form.
    facts: tuple[Fact, ...]
    # The title of the admin fieldset holding the facts.
    fieldset_title: str
    # The order of a section's items.
    ordering: tuple = ("order", "slug")
    # The section page's filter that suits the kind (next to the region filter), or None.
    facet: Facet | None = None
    # The badge of an item card (see above).
    badge: tuple = ("period",)
    # schema.org: the main entity's type (a function of the item when it depends on a fact)
    # and its properties (a builder of structured_data.py).
    schema_type: str | tuple | Callable[[Item], object] = "Article"
    jsonld: Callable = structured_data.creative_work
    og_type: str = "article"
    # Items carry downloadable documents (admin inline, the page's list, JSON-LD media).
    documents: bool = False
    fact_fields: tuple[str, ...] = field(init=False)

    def __post_init__(self):
        fields = dict.fromkeys(name for fact in self.facts for name in fact.fields)
        object.__setattr__(self, "fact_fields", tuple(fields))

    def facts_of(self, item):
        """The facts with a value, in display order."""
        return [shown for fact in self.facts if (shown := fact.shown(item))]

    def schema_type_of(self, item):
        kind = self.schema_type(item) if callable(self.schema_type) else self.schema_type
        return list(kind) if isinstance(kind, tuple) else kind


def _unesco_type(item):
    if item.heritage_type == Item.HeritageType.NATURAL:
        return "TouristAttraction"
    return ("LandmarksOrHistoricalBuildings", "TouristAttraction")


def _museum_type(item):
    if item.museum_kind == Item.MuseumKind.RESERVE:
        return ("Park", "TouristAttraction")
    return "Museum"


KINDS = {
    Kind.CUSTOMS: KindInfo(facts=(PERIOD,), fieldset_title=_("When")),
    Kind.ABOUT: KindInfo(facts=(PERIOD, edited("start_year")), fieldset_title=_("When")),
    Kind.HISTORY: KindInfo(
        facts=(PERIOD, edited("start_year")),
        fieldset_title=_("When"),
        ordering=_by_year("start_year"),
        facet=EraFacet("era", _("Era"), "start_year", HISTORY_ERAS),
    ),
    Kind.UNESCO: KindInfo(
        facts=(
            value("inscription_year", _("Inscribed on the World Heritage List")),
            choice("heritage_type", _("Type of heritage")),
            value("criteria", _("Selection criteria")),
            text("location", _("Location")),
            COORDINATES,
        ),
        fieldset_title=_("World Heritage facts"),
        ordering=("inscription_year", "order", "slug"),
        facet=Facet("type", _("Type of heritage"), "heritage_type", Item.HeritageType.choices),
        badge=(_inscribed, _display("heritage_type")),
        schema_type=_unesco_type,
        jsonld=structured_data.world_heritage_site,
    ),
    Kind.MUSEUMS: KindInfo(
        facts=(
            choice("museum_kind", _("Kind")),
            text("address", _("Address")),
            text("opening_hours", _("Opening hours")),
            Fact(("website",), _("Website"), _website),
            Fact(("phone",), _("Phone"), _phone),
            COORDINATES,
        ),
        fieldset_title=_("Visiting"),
        facet=Facet("kind", _("Kind"), "museum_kind", Item.MuseumKind.choices),
        badge=(_display("museum_kind"),),
        schema_type=_museum_type,
        jsonld=structured_data.museum,
    ),
    Kind.GOLDEN_FUND: KindInfo(
        facts=(
            choice("field", _("Field")),
            Fact(("birth_year", "death_year"), _("Years of life"), lambda item: item.life_years),
            Fact((), _("Born"), _born),  # when the year of death is not given
            edited("achievements"),  # shown in its own block of the page
        ),
        fieldset_title=_("Life and work"),
        ordering=_by_year("birth_year"),
        facet=Facet("field", _("Field"), "field", Item.Field.choices),
        badge=(_life_or_birth, _display("field")),
        schema_type="Person",
        jsonld=structured_data.person,
        og_type="profile",
    ),
    Kind.CINEMA: KindInfo(
        facts=(
            value("film_year", _("Year")),
            text("director", _("Director")),
            Fact(("duration_minutes",), _("Running time"), _running_time),
            text("genre", _("Genre")),
            Fact(("trailer_url",), _("Trailer"), _trailer),
        ),
        fieldset_title=_("The film"),
        ordering=_by_year("film_year"),
        facet=EraFacet("era", _("Era"), "film_year", FILM_ERAS),
        badge=(_year("film_year"),),
        schema_type="Movie",
        jsonld=structured_data.movie,
    ),
    Kind.ARCHIVES: KindInfo(
        facts=(PERIOD,),
        fieldset_title=_("Date of the documents"),
        schema_type="ArchiveComponent",
        jsonld=structured_data.archive_component,
        documents=True,
    ),
}
