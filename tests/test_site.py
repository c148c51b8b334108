"""Site-wide: every named public URL, in every language, answers 200 with exactly one <h1>
(HTML pages) on the demo content that `make run` loads."""

import re

import html5lib
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation

from kazportal.i18n import LANGS


def public_url_names():
    """Names of the URL patterns under the language prefix, e.g. "regions:place"."""
    names = set()

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                if isinstance(p.pattern, LocalePrefixPattern) or ns:
                    walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(f"{namespace}:{p.name}" if namespace else p.name)

    for p in get_resolver().url_patterns:
        if isinstance(p, URLResolver) and isinstance(p.pattern, LocalePrefixPattern):
            walk(p.url_patterns, None)
    return names


def sitemap_paths(client):
    """Every <loc> of /sitemap.xml, as a path."""
    xml = client.get("/sitemap.xml").content.decode()
    return {loc.split("testserver", 1)[1] for loc in re.findall(r"<loc>([^<]+)</loc>", xml)}


def sample_paths():
    """URLs of the named public patterns that need no arguments, in every language."""
    paths = set()
    for name in public_url_names():
        for lang in LANGS:
            with translation.override(lang):
                try:
                    paths.add(reverse(name))
                except Exception:  # needs arguments: the sitemaps give those
                    pass
    return paths


# Pages the sitemaps do not list (date archives, tag pages): one sample each, in every language.
def argument_samples():
    from articles.models import Tag

    samples = {
        "articles:month": {"year": "2026", "month": "03"},
        "articles:day": {"year": "2026", "month": "03", "day": "15"},
        "articles:tag": {"tag": Tag.objects.order_by("slug").values_list("slug", flat=True)[0]},
    }
    paths = set()
    for name, kwargs in samples.items():
        for lang in LANGS:
            with translation.override(lang):
                paths.add(reverse(name, kwargs=kwargs))
    return paths


# Answer only to a visitor's own token, a POST or with a file: tested in their apps' tests.
NOT_PAGES = {
    "batyr:portrait",
    "batyr:status",
    "batyr:image",
    "batyr:again",
    "batyr:delete",
    "heritage:document",
    "articles:event_ics",
}


@pytest.mark.django_db
def test_every_admin_changelist_opens(admin_client):
    from django.contrib import admin

    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        # follow: a singleton's list (the home page) redirects to its one change form
        assert admin_client.get(url, follow=True).status_code == 200, url
        add = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        assert admin_client.get(add).status_code in (200, 403), add


@pytest.mark.django_db
def test_every_public_page_answers_200_with_one_h1(client, demo):
    paths = sample_paths() | sitemap_paths(client) | argument_samples()
    assert {f"/{lang}/" for lang in LANGS} <= paths
    # Every named page in every language, with up to three objects each (the apps' own tests
    # visit every object).
    chosen = {}
    for path in sorted(paths):
        lang = path.split("/")[1]
        with translation.override(lang):
            key = (resolve(path.split("?")[0]).view_name, lang)
        chosen.setdefault(key, []).append(path)
    problems = []
    for group in chosen.values():
        for path in group[:3]:
            problems += check_page(client, path)
    assert not problems, "\n".join(problems)
    unvisited = public_url_names() - {view_name for view_name, _lang in chosen} - NOT_PAGES
    assert not unvisited, f"named public URLs no test visited: {sorted(unvisited)}"


def check_page(client, path):
    response = client.get(path)
    if response.status_code != 200:
        return [f"{path}: {response.status_code}"]
    csp = response.get("Content-Security-Policy", "")
    script_src = csp.split("script-src")[-1].split(";")[0]
    if "frame-ancestors 'none'" not in csp or "'unsafe-inline'" in script_src:
        return [f"{path}: missing or weak Content-Security-Policy"]
    if response.get("X-Content-Type-Options") != "nosniff" or "Permissions-Policy" not in response:
        return [f"{path}: missing security headers"]
    if not response["Content-Type"].startswith("text/html"):
        return []
    problems = []
    html = response.content.decode()
    h1 = len(re.findall(r"<h1[\s>]", html))
    if h1 != 1:
        problems.append(f"{path}: {h1} <h1>")
    try:
        html5lib.HTMLParser(strict=True).parse(html)
    except html5lib.html5parser.ParseError as error:
        problems.append(f"{path}: invalid HTML: {error}")
    for img in re.findall(r"<img\b[^>]*>", html):
        if " alt=" not in img:
            problems.append(f"{path}: <img> without alt: {img[:80]}")
    lang = path.split("/")[1]
    if f'<html lang="{lang}">' not in html:
        problems.append(f"{path}: wrong <html lang>")
    return problems
