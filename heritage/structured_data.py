"""schema.org JSON-LD for heritage pages: one type per kind of item, plus breadcrumbs."""

from django.utils.translation import get_language

from .models import Item, Kind

CONTEXT = "https://schema.org"


def _image(request, photo, width=1200):
    if not photo or not photo.image:
        return None
    return request.build_absolute_uri(photo.rendition(min(width, photo.widths()[-1]), "JPEG").url)


def _geo(item):
    if not item.has_coordinates:
        return None
    return {
        "@type": "GeoCoordinates",
        "latitude": float(item.latitude),
        "longitude": float(item.longitude),
    }


def _clean(data):
    """Drop empty values so that validators see only what is known."""
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def breadcrumbs(request, trail):
    """trail: [(name, url)], the last one the current page."""
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": str(name),
                "item": request.build_absolute_uri(url),
            }
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def item_type(item):
    kind = item.section.kind
    if kind == Kind.UNESCO:
        if item.heritage_type == Item.HeritageType.NATURAL:
            return "TouristAttraction"
        return ["LandmarksOrHistoricalBuildings", "TouristAttraction"]
    if kind == Kind.MUSEUMS:
        if item.museum_kind == Item.MuseumKind.RESERVE:
            return ["Park", "TouristAttraction"]
        return "Museum"
    if kind == Kind.GOLDEN_FUND:
        return "Person"
    if kind == Kind.CINEMA:
        return "Movie"
    if kind == Kind.ARCHIVES:
        return "ArchiveComponent"
    return "Article"


def item_data(request, item, documents=(), regions=()):
    url = request.build_absolute_uri(item.get_absolute_url())
    kind = item.section.kind
    data = {
        "@type": item_type(item),
        "@id": url + "#main",
        "url": url,
        "name": item.title,
        "description": item.summary,
        "image": _image(request, item.cover),
        "inLanguage": get_language(),
    }
    if kind == Kind.UNESCO:
        data["geo"] = _geo(item)
        data["address"] = item.location or None
        if item.inscription_year:
            data["additionalProperty"] = [
                {
                    "@type": "PropertyValue",
                    "name": "UNESCO World Heritage inscription",
                    "value": item.inscription_year,
                }
            ]
            if item.criteria:
                data["additionalProperty"].append(
                    {"@type": "PropertyValue", "name": "UNESCO criteria", "value": item.criteria}
                )
    elif kind == Kind.MUSEUMS:
        data["geo"] = _geo(item)
        if item.address:
            data["address"] = {
                "@type": "PostalAddress",
                "streetAddress": item.address,
                "addressCountry": "KZ",
            }
        data["telephone"] = item.phone or None
        data["sameAs"] = item.website or None
    elif kind == Kind.GOLDEN_FUND:
        data["birthDate"] = str(item.birth_year) if item.birth_year else None
        data["deathDate"] = str(item.death_year) if item.death_year else None
        data["knowsAbout"] = str(item.get_field_display()) if item.field else None
    elif kind == Kind.CINEMA:
        data["dateCreated"] = str(item.film_year) if item.film_year else None
        if item.director:
            data["director"] = [
                {"@type": "Person", "name": name.strip()}
                for name in item.director.split(",")
                if name.strip()
            ]
        data["duration"] = f"PT{item.duration_minutes}M" if item.duration_minutes else None
        data["genre"] = item.genre or None
        if item.trailer_url:
            data["trailer"] = {
                "@type": "VideoObject",
                "name": item.title,
                "url": item.trailer_url,
            }
    else:
        data["headline"] = item.title
        data["dateModified"] = item.updated_at.isoformat() if item.updated_at else None
        data["temporalCoverage"] = item.period or None
        if kind == Kind.ARCHIVES:
            data["associatedMedia"] = [
                {
                    "@type": "MediaObject",
                    "name": doc.title,
                    "contentUrl": request.build_absolute_uri(doc.get_absolute_url()),
                    "encodingFormat": doc.content_type,
                    "contentSize": f"{doc.size} B",
                }
                for doc in documents
            ]
            data.pop("headline")
    if regions and kind in (Kind.UNESCO, Kind.MUSEUMS):
        data["containedInPlace"] = [
            {"@type": "AdministrativeArea", "name": region.name} for region in regions
        ]
    return _clean(data)


def item_graph(request, item, trail, documents=(), regions=()):
    return {
        "@context": CONTEXT,
        "@graph": [item_data(request, item, documents, regions), breadcrumbs(request, trail)],
    }


def collection_graph(request, name, description, url, entries, trail):
    """A CollectionPage listing the cards of a page (sections or items)."""
    return {
        "@context": CONTEXT,
        "@graph": [
            _clean(
                {
                    "@type": "CollectionPage",
                    "name": str(name),
                    "description": str(description),
                    "url": request.build_absolute_uri(url),
                    "inLanguage": get_language(),
                    "mainEntity": {
                        "@type": "ItemList",
                        "itemListElement": [
                            {
                                "@type": "ListItem",
                                "position": position,
                                "name": str(entry_name),
                                "url": request.build_absolute_uri(entry_url),
                            }
                            for position, (entry_name, entry_url) in enumerate(entries, start=1)
                        ],
                    },
                }
            ),
            breadcrumbs(request, trail),
        ],
    }
