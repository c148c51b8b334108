"""schema.org JSON-LD pieces every app's `structured_data` module builds its pages from."""

CONTEXT = "https://schema.org"


def image(request, photo, width=1200):
    """Absolute URL of a JPEG rendition (Open Graph and JSON-LD), or "" without a picture."""
    if not photo or not photo.image:
        return ""
    return request.build_absolute_uri(photo.rendition(min(width, photo.widths()[-1]), "JPEG").url)


def geo(obj):
    """GeoCoordinates of an object with `latitude` and `longitude`, or None."""
    if obj.latitude is None or obj.longitude is None:
        return None
    return {
        "@type": "GeoCoordinates",
        "latitude": float(obj.latitude),
        "longitude": float(obj.longitude),
    }


def breadcrumbs(request, trail, context=False):
    """A BreadcrumbList; trail: [(name, path)], the last one the current page. With
    context=True it stands alone (its own "@context"), otherwise it goes into a graph."""
    data = {"@context": CONTEXT} if context else {}
    data["@type"] = "BreadcrumbList"
    data["itemListElement"] = [
        {
            "@type": "ListItem",
            "position": position,
            "name": str(name),
            "item": request.build_absolute_uri(path),
        }
        for position, (name, path) in enumerate(trail, start=1)
    ]
    return data


def without_empty(data):
    """Drop empty values so that validators see only what is known."""
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}
