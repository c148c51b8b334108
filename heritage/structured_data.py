"""schema.org JSON-LD for heritage pages: the item of each kind, the list pages, breadcrumbs.

Which type and which properties an item gets is its kind's choice (`heritage/kinds.py` names
one of the property builders below for each kind); this module knows nothing of the kinds.
"""

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kazportal.structured_data import CONTEXT, breadcrumbs, geo, image, without_empty


def trail(*pages):
    """The breadcrumb trail of a heritage page: home, the heritage index, then `pages` (a
    section, an item: anything with a title and a URL), the last one the current page."""
    return [
        (_("Home"), reverse("home")),
        (_("Heritage"), reverse("heritage:index")),
        *((page.title, page.get_absolute_url()) for page in pages),
    ]


# --- the properties of each kind's main entity (see KindInfo.jsonld) ------------------------


def _contained_in(regions):
    return [{"@type": "AdministrativeArea", "name": region.name} for region in regions]


def creative_work(request, item, documents, regions):
    """Customs, the country today, history: an Article about a period."""
    return {
        "headline": item.title,
        "dateModified": item.updated_at.isoformat() if item.updated_at else None,
        "temporalCoverage": item.period or None,
    }


def archive_component(request, item, documents, regions):
    """An archive item: its period and its downloadable documents."""
    return {
        "dateModified": item.updated_at.isoformat() if item.updated_at else None,
        "temporalCoverage": item.period or None,
        "associatedMedia": [
            {
                "@type": "MediaObject",
                "name": doc.title,
                "contentUrl": request.build_absolute_uri(doc.get_absolute_url()),
                "encodingFormat": doc.content_type,
                "contentSize": f"{doc.size} B",
            }
            for doc in documents
        ],
    }


def world_heritage_site(request, item, documents, regions):
    data = {"geo": geo(item), "address": item.location or None}
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
    data["containedInPlace"] = _contained_in(regions)
    return data


def museum(request, item, documents, regions):
    data = {"geo": geo(item)}
    if item.address:
        data["address"] = {
            "@type": "PostalAddress",
            "streetAddress": item.address,
            "addressCountry": "KZ",
        }
    data["telephone"] = item.phone or None
    data["sameAs"] = item.website or None
    data["containedInPlace"] = _contained_in(regions)
    return data


def person(request, item, documents, regions):
    return {
        "birthDate": str(item.birth_year) if item.birth_year else None,
        "deathDate": str(item.death_year) if item.death_year else None,
        "knowsAbout": str(item.get_field_display()) if item.field else None,
    }


def movie(request, item, documents, regions):
    data = {"dateCreated": str(item.film_year) if item.film_year else None}
    if item.director:
        data["director"] = [
            {"@type": "Person", "name": name.strip()}
            for name in item.director.split(",")
            if name.strip()
        ]
    data["duration"] = f"PT{item.duration_minutes}M" if item.duration_minutes else None
    data["genre"] = item.genre or None
    if item.trailer_url:
        data["trailer"] = {"@type": "VideoObject", "name": item.title, "url": item.trailer_url}
    return data


# --- pages ----------------------------------------------------------------------------------


def item_graph(request, item, kind, documents=(), regions=()):
    """An item page: its main entity, typed and described by its kind (a KindInfo), and the
    breadcrumbs."""
    url = request.build_absolute_uri(item.get_absolute_url())
    main = {
        "@type": kind.schema_type_of(item),
        "@id": url + "#main",
        "url": url,
        "name": item.title,
        "description": item.summary,
        "image": image(request, item.cover),
        "inLanguage": get_language(),
        **kind.jsonld(request, item, documents, regions),
    }
    return {
        "@context": CONTEXT,
        "@graph": [without_empty(main), breadcrumbs(request, trail(item.section, item))],
    }


def collection_graph(request, name, description, url, entries, pages=()):
    """A CollectionPage listing the cards of a page (sections or items: anything with a title
    and a URL); `pages` are the breadcrumbs after the heritage index (see trail())."""
    return {
        "@context": CONTEXT,
        "@graph": [
            without_empty(
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
                                "name": str(entry.title),
                                "url": request.build_absolute_uri(entry.get_absolute_url()),
                            }
                            for position, entry in enumerate(entries, start=1)
                        ],
                    },
                }
            ),
            breadcrumbs(request, trail(*pages)),
        ],
    }
