"""Discoverability on the demo content: sitemap.xml with hreflang alternates, robots.txt,
canonical URLs, Open Graph / Twitter tags and JSON-LD."""

import datetime
import json
import re
import xml.etree.ElementTree as ET

import html5lib
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Article, Event
from heritage.models import Item, Section
from kazportal.i18n import LANGS
from regions.models import Place, Region
from tests.articles.factories import ArticleFactory

pytestmark = pytest.mark.django_db


ORIGIN = "http://testserver"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    entries = {}
    for url in ET.fromstring(response.content).findall("s:url", NS):
        alternates = {
            link.get("hreflang"): link.get("href")
            for link in url.findall("x:link", NS)
            if link.get("rel") == "alternate"
        }
        entries[url.findtext("s:loc", namespaces=NS)] = alternates
    return entries


def in_every_language(path_of):
    """Absolute URLs of a page in every language; `path_of()` is called with each active."""
    urls = set()
    for lang in LANGS:
        with translation.override(lang):
            urls.add(ORIGIN + path_of())
    return urls


def public_pages():
    pages = set()
    for name in ("home", "regions:index", "heritage:index", "articles:index", "articles:calendar"):
        pages |= in_every_language(lambda name=name: reverse(name))
    for queryset in (
        Region.objects.published(),
        Place.objects.published().select_related("region"),
        Section.objects.all(),
        Item.objects.published().select_related("section"),
        Article.objects.published(),
        Event.objects.published(),
    ):
        for obj in queryset:
            pages |= in_every_language(obj.get_absolute_url)
    return pages


def head(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return html5lib.parse(response.content, namespaceHTMLElements=False)


def meta(document, attribute, name):
    element = document.find(f".//meta[@{attribute}='{name}']")
    return element.get("content") if element is not None else None


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert f"Sitemap: {ORIGIN}/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines


def test_sitemap_lists_every_public_page_in_three_languages_with_alternates(client, demo):
    ArticleFactory(status="draft", slug="a-draft")
    ArticleFactory(slug="scheduled", published_at=timezone.now() + datetime.timedelta(days=1))
    entries = sitemap(client)
    assert set(entries) == public_pages()
    assert len(entries) > 3 * 100  # the demo content really is there
    assert not [loc for loc in entries if "a-draft" in loc or "scheduled" in loc]
    for loc, alternates in entries.items():
        assert set(alternates) == {*LANGS, "x-default"}, loc
        lang = loc.removeprefix(ORIGIN).split("/")[1]
        assert alternates[lang] == loc
        # x-default: the address without a language, which sends each visitor to theirs.
        assert alternates["x-default"] == loc.replace(f"/{lang}/", "/", 1)
        # The alternates are the same page: only the language prefix differs.
        assert {alternates[code].removeprefix(ORIGIN)[3:] for code in LANGS} == {
            loc.removeprefix(ORIGIN)[3:]
        }


def test_the_x_default_address_sends_visitors_to_their_language(client, demo):
    place = Place.objects.published().select_related("region").order_by("pk").first()
    with translation.override("kk"):
        path = place.get_absolute_url()
    neutral = path.replace("/kk/", "/", 1)
    assert client.get(neutral)["Location"] == path
    russian = client.get(neutral, headers={"Accept-Language": "ru"})
    assert russian.status_code == 302 and russian["Location"] == "/ru/" + path[4:]


@pytest.mark.parametrize("lang", LANGS)
def test_canonical_and_hreflang_of_each_page_in_each_language(client, demo, lang):
    region = Region.objects.published().order_by("pk").first()
    article = Article.objects.published().order_by("pk").first()
    item = Item.objects.published().select_related("section").order_by("pk").first()
    with translation.override(lang):
        paths = [
            reverse("home"),
            reverse("regions:index"),
            region.get_absolute_url(),
            article.get_absolute_url(),
            item.get_absolute_url(),
            reverse("articles:calendar"),
        ]
    for path in paths:
        document = head(client, path)
        canonical = document.findall(".//link[@rel='canonical']")
        assert [link.get("href") for link in canonical] == [ORIGIN + path], path
        alternates = {
            link.get("hreflang"): link.get("href")
            for link in document.findall(".//link[@rel='alternate']")
            if link.get("hreflang")
        }
        assert set(alternates) == {*LANGS, "x-default"}, path
        assert alternates[lang] == ORIGIN + path
        for other in LANGS:
            assert alternates[other] == ORIGIN + f"/{other}/" + path[4:], path
        # the same x-default as the sitemap's: the address without a language prefix
        assert alternates["x-default"] == ORIGIN + "/" + path[4:], path
        assert meta(document, "property", "og:url") == ORIGIN + path


def test_open_graph_and_twitter_tags_with_a_rendition_image(client, demo):
    region = Region.objects.published().exclude(cover=None).order_by("pk").first()
    article = Article.objects.published().exclude(cover=None).order_by("pk").first()
    for obj in (region, article):
        path = obj.get_absolute_url()
        document = head(client, path)
        for prop in ("og:title", "og:description", "og:type", "og:url", "og:site_name"):
            assert meta(document, "property", prop), (path, prop)
        image = meta(document, "property", "og:image")
        assert image.startswith(f"{ORIGIN}/media/renditions/"), (path, image)
        assert image.endswith(".jpg")
        assert meta(document, "name", "twitter:card") == "summary_large_image"
        title = document.findtext(".//title")
        assert meta(document, "property", "og:title") in title
    assert meta(head(client, article.get_absolute_url()), "property", "og:type") == "article"


def jsonld_blocks(html):
    return re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)


def test_every_json_ld_block_of_the_demo_pages_is_valid(client, demo):
    paths = sorted(loc.removeprefix(ORIGIN) for loc in sitemap(client) if "/en/" in loc)
    paths += ["/en/calendar/2026/03/", "/en/search/?q=Abai"]
    seen_types = set()
    problems = []
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        for block in jsonld_blocks(response.content.decode()):
            try:
                data = json.loads(block)
            except ValueError as error:
                problems.append(f"{path}: not JSON: {error}")
                continue
            for node in data if isinstance(data, list) else [data]:
                if not str(node.get("@context", "")).startswith("https://schema.org"):
                    problems.append(f"{path}: no schema.org @context")
                for thing in node.get("@graph", [node]):
                    if not thing.get("@type"):
                        problems.append(f"{path}: no @type in {str(thing)[:80]}")
                    seen_types.add(str(thing.get("@type")))
    assert not problems, "\n".join(problems)
    # The crawl met the kinds of data the site describes.
    assert {"WebSite", "BreadcrumbList"} <= seen_types
    assert len(seen_types) >= 4, seen_types


@pytest.mark.parametrize("lang", LANGS)
def test_website_json_ld_has_a_search_action_to_the_search_page(client, demo, lang):
    html = client.get(f"/{lang}/").content.decode()
    sites = [data for data in map(json.loads, jsonld_blocks(html)) if data["@type"] == "WebSite"]
    assert len(sites) == 1
    site = sites[0]
    assert site["url"] == f"{ORIGIN}/{lang}/"
    action = site["potentialAction"]
    assert action["@type"] == "SearchAction"
    target = action["target"]
    target = target["urlTemplate"] if isinstance(target, dict) else target
    assert target == f"{ORIGIN}/{lang}/search/?q={{query}}"
    assert "name=query" in action["query-input"]
    # The template, filled in, is a working search.
    found = client.get(target.removeprefix(ORIGIN).replace("{query}", "Abai"))
    assert found.status_code == 200
    assert f'<html lang="{lang}">' in found.content.decode()
