"""schema.org JSON-LD of the articles and calendar pages, built from kazportal.structured_data:
an article (ScholarlyArticle or NewsArticle) and an event (Event). Each block stands alone in
the page (its own "@context")."""

from django.conf import settings
from django.utils.translation import gettext as _

from kazportal import structured_data
from kazportal.i18n import text_in_language


def _person(author):
    data = {"@type": "Person", "name": text_in_language(author, "name")}
    affiliation = text_in_language(author, "affiliation")
    if affiliation:
        data["affiliation"] = {"@type": "Organization", "name": affiliation}
    return data


def article_detail(request, article, authors, tags, url):
    """An article with its authors (in byline order) and keywords; `url`: its absolute URL."""
    data = {
        "@context": structured_data.CONTEXT,
        "@type": "ScholarlyArticle" if article.is_scholarly else "NewsArticle",
        "headline": text_in_language(article, "title")[:110],
        "description": text_in_language(article, "lead")
        or text_in_language(article, "abstract")[:300],
        "url": url,
        "mainEntityOfPage": url,
        "inLanguage": request.LANGUAGE_CODE,
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "articleSection": str(article.get_category_display()),
        "keywords": [text_in_language(tag, "name") for tag in tags],
        "author": [_person(author) for author in authors],
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME},
    }
    doi = {"@type": "PropertyValue", "propertyID": "DOI", "value": article.doi}
    if article.is_summary:
        # The editors' summary of a paper: the paper's authors wrote the paper, not this text.
        data["author"] = {"@type": "Organization", "name": settings.SITE_NAME}
        original = {
            "@type": "ScholarlyArticle",
            "name": article.original_title,
            "author": [_person(author) for author in authors],
        }
        if article.original_language:
            original["inLanguage"] = article.original_language
        if article.doi:
            original["identifier"], original["sameAs"] = doi, article.doi_url
        data["isBasedOn"] = original
    elif article.doi:
        data["identifier"] = doi
        data["sameAs"] = article.doi_url
    image = structured_data.image(request, article.cover)
    if image:
        data["image"] = image
    return data


def event_detail(request, event, occurrence):
    """An event at its next `occurrence` (or the one running), where it takes place."""
    place, region = event.place, event.region  # loaded with the event (or None)
    address = {"@type": "PostalAddress", "addressCountry": "KZ"}
    if region:
        address["addressRegion"] = text_in_language(region, "name")
    location = {
        "@type": "Place",
        "name": text_in_language(event, "venue")
        or text_in_language(place, "name")
        or text_in_language(region, "name")
        or _("Kazakhstan"),
        "address": address,
    }
    geo = structured_data.geo(place) if place else None
    if geo:
        location["geo"] = geo
    data = {
        "@context": structured_data.CONTEXT,
        "@type": "Event",
        "name": text_in_language(event, "title"),
        "description": text_in_language(event, "summary")
        or text_in_language(event, "description")[:300],
        "startDate": occurrence.start.isoformat(),
        "endDate": occurrence.end.isoformat(),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": location,
        "url": request.build_absolute_uri(event.get_absolute_url()),
        "inLanguage": request.LANGUAGE_CODE,
    }
    image = structured_data.image(request, event.image)
    if image:
        data["image"] = image
    return data
