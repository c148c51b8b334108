from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.translation import get_language


def safe_path(path):
    """`path` with exactly one leading slash. A browser reads `//evil.com/` (or `/\\evil.com/`)
    as another host; after a single slash anything, `http://` included, is a path of this site."""
    return "/" + path.lstrip("/\\")


def page_links(request, path):
    """Language alternates (switcher, hreflang), x-default and the canonical URL of `path` on
    this site: absolute URLs are the request's scheme and (allowed) host plus a safe path.
    `path=None` is a page with no address of its own (the 404 page): the switcher leads to each
    language's home page, and there is no canonical, hreflang or x-default."""
    origin = f"{request.scheme}://{request.get_host()}"
    query = request.META.get("QUERY_STRING", "") if path is not None else ""
    path = safe_path(path) if path is not None else None
    current = get_language()
    alternates = []
    for code, name in settings.LANGUAGES:
        if path is None:
            with translation.override(code):
                url = reverse("home")
        else:
            url = safe_path(translate_url(path, code))
        alternates.append(
            {
                "code": code,
                "name": name,
                "url": url + (f"?{query}" if query else ""),
                "absolute": origin + url,
                "current": code == current,
            }
        )
    if path is None:
        return {"language_alternates": alternates, "x_default_url": "", "canonical_url": ""}
    default = next(a for a in alternates if a["code"] == settings.LANGUAGE_CODE)
    return {
        "language_alternates": alternates,
        # x-default: the address without a language prefix, which sends each visitor to their
        # language (as the sitemap says).
        "x_default_url": default["absolute"].replace(f"/{settings.LANGUAGE_CODE}/", "/", 1),
        "canonical_url": origin + path,
    }


def site(request):
    """The site's name and the current page's links (page_links)."""
    return {"SITE_NAME": settings.SITE_NAME, **page_links(request, request.path)}
