from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language


def site(request):
    """Language alternates (switcher, hreflang) and the canonical URL of the current page."""
    path = request.path
    query = request.META.get("QUERY_STRING", "")
    current = get_language()
    alternates = []
    for code, name in settings.LANGUAGES:
        url = translate_url(path, code)
        alternates.append(
            {
                "code": code,
                "name": name,
                "url": url + (f"?{query}" if query else ""),
                "absolute": request.build_absolute_uri(url),
                "current": code == current,
            }
        )
    default = next(a for a in alternates if a["code"] == settings.LANGUAGE_CODE)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "language_alternates": alternates,
        # x-default: the address without a language prefix, which sends each visitor to their
        # language (as the sitemap says).
        "x_default_url": default["absolute"].replace(f"/{settings.LANGUAGE_CODE}/", "/", 1),
        "canonical_url": request.build_absolute_uri(path),
    }
