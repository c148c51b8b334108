"""Site-wide: every named public URL, in every language, answers 200 with exactly one <h1>
(HTML pages) on the demo content that `make run` loads."""

import re

import html5lib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation


LANGS = [code for code, _name in settings.LANGUAGES]


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


@pytest.mark.django_db
def test_every_public_page_answers_200_with_one_h1(client):
    call_command("load_initial_data", verbosity=0)
    paths = sample_paths() | sitemap_paths(client)
    seen_names = set()
    problems = []
    for path in sorted(paths):
        response = client.get(path)
        seen_names.add(resolve(path.split("?")[0]).view_name)
        if response.status_code != 200:
            problems.append(f"{path}: {response.status_code}")
            continue
        if response["Content-Type"].startswith("text/html"):
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
    assert not problems, "\n".join(problems)
    unvisited = public_url_names() - seen_names
    # Patterns that only answer to a POST, a visitor's own token or a file are tested in their
    # apps' tests; every other page must be reachable from the sitemaps or need no argument.
    unvisited -= set(getattr(settings, "SITE_TEST_EXEMPT_URLS", ()))
    assert not unvisited, f"named public URLs no test visited: {sorted(unvisited)}"
    assert {f"/{lang}/" for lang in LANGS} <= paths


@pytest.mark.django_db
def test_every_admin_changelist_opens(admin_client):
    from django.contrib import admin

    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert admin_client.get(url).status_code == 200, url
        add = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        assert admin_client.get(add).status_code in (200, 403), add
