"""The 404 page never links to the address it was asked for: a path starting with `//` is
protocol-relative, another host (kazportal/views.py `page_not_found`,
kazportal/context_processors.py `page_links`)."""

import re

import pytest
from django.utils import translation

from kazportal.context_processors import safe_path

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_reset():
    """Requests activate their page's language in this thread: leave none behind for the
    tests that follow."""
    yield
    translation.deactivate()


ATTRIBUTE = re.compile(r'\b(?:href|src|content|action)="([^"]*)"')

# (PATH_INFO as the server hands it, the language of the page)
HOSTILE = [
    ("//evil.com/", "kk"),
    ("/kk//evil.com/", "kk"),
    ("///evil.com/", "kk"),  # what the server makes of /%2F%2Fevil.com/
    ("/ru//evil.com/", "ru"),
    ("/en/\\evil.com/", "en"),
    ("/en//http://evil.com/", "en"),
]


@pytest.mark.parametrize("path, lang", HOSTILE)
def test_the_404_page_links_only_to_this_site(client, path, lang):
    # PATH_INFO set directly: the test client would read "//evil.com/" as a host and a path.
    response = client.get("/", PATH_INFO=path)
    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    values = ATTRIBUTE.findall(html)
    assert values
    assert not [v for v in values if "evil.com" in v]
    for value in values:
        assert not value.startswith(("//", "/\\")), value
        assert not value.startswith("http") or value.startswith("http://testserver/"), value
    # The language switcher leads to each language's home page; no canonical nor hreflang.
    switch = dict(re.findall(r'<a href="([^"]*)" hreflang="(\w+)"', html))
    assert set(switch) == {"/kk/", "/ru/", "/en/"} - {f"/{lang}/"}
    assert 'rel="canonical"' not in html and 'rel="alternate" hreflang' not in html


def test_the_encoded_form_is_a_404_too(client):
    response = client.get("/%2F%2Fevil.com/")
    assert response.status_code == 404
    assert "evil.com" not in " ".join(ATTRIBUTE.findall(response.content.decode()))


def test_a_missing_page_of_a_real_section_is_a_404_with_home_links(client):
    response = client.get("/ru/articles/no-such-article/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<a href="/kk/" hreflang="kk"' in html and '<a href="/en/" hreflang="en"' in html


def test_pages_keep_their_canonical_and_alternates(client):
    html = client.get("/ru/articles/").content.decode()
    assert '<link rel="canonical" href="http://testserver/ru/articles/">' in html
    assert 'hreflang="kk" href="http://testserver/kk/articles/"' in html
    assert 'hreflang="x-default" href="http://testserver/articles/"' in html
    assert '<meta property="og:url" content="http://testserver/ru/articles/">' in html


@pytest.mark.parametrize(
    "path, safe",
    [
        ("/kk/", "/kk/"),
        ("//evil.com/", "/evil.com/"),
        ("///evil.com/x", "/evil.com/x"),
        ("/\\evil.com", "/evil.com"),
        ("\\\\evil.com", "/evil.com"),
        ("http://evil.com/", "/http://evil.com/"),
    ],
)
def test_safe_path_keeps_one_leading_slash(path, safe):
    assert safe_path(path) == safe
