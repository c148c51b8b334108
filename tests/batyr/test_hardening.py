"""NUL bytes in the form fields (PostgreSQL refuses NUL in text), and robots.txt."""

import re

import pytest
from django.db import connection

from batyr.messages import error_message
from batyr.models import Portrait
from kazportal.i18n import LANGS

pytestmark = pytest.mark.django_db

NUL_LOOKS = ["\x00", "dulyga\x00", "\x00dulyga", "du\x00lyga"]


def contains_nul(params):
    if isinstance(params, dict):
        params = params.values()
    return any(
        "\x00" in value
        if isinstance(value, str)
        else isinstance(value, (list, tuple)) and contains_nul(value)
        for value in params or ()
    )


@pytest.fixture
def postgres_nul_semantics():
    """PostgreSQL refuses NUL in text (psycopg raises ValueError before sending the query);
    SQLite stores it. This wrapper gives the SQLite test database PostgreSQL's behaviour and
    lists the refused queries (a view that let one through answers 500)."""
    refused = []

    def refuse_nul(execute, sql, params, many, context):
        if contains_nul(params if not many else [p for ps in params for p in ps]):
            refused.append(sql)
            raise ValueError("A string literal cannot contain NUL (0x00) characters.")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse_nul):
        yield refused


@pytest.mark.parametrize("look", NUL_LOOKS)
def test_a_nul_in_the_look_on_upload_is_a_400(
    client, upload, private_dir, look, postgres_nul_semantics
):
    response = upload(look=look)
    assert response.status_code == 400
    assert error_message("unknown_look") in response.content.decode()
    assert postgres_nul_semantics == []
    assert not Portrait.objects.exists()
    assert private_dir() == []


@pytest.mark.parametrize("look", NUL_LOOKS)
def test_a_nul_in_the_look_on_try_another_look_is_a_400(
    client, done_portrait, look, postgres_nul_semantics
):
    portrait, token, url = done_portrait
    response = client.post(f"{url}again/", {"look": look})
    assert response.status_code == 400
    assert error_message("unknown_look") in response.content.decode()
    assert postgres_nul_semantics == []
    assert Portrait.objects.count() == 1


def test_a_nul_upload_is_not_counted_against_the_rate_limit(upload, settings):
    settings.BATYR_UPLOADS_PER_HOUR = 1
    assert upload(look="\x00").status_code == 400
    assert upload().status_code == 303


# --- robots.txt --------------------------------------------------------------------------


def robots_rules(text):
    rules = []
    for line in text.splitlines():
        field, _, value = line.partition(":")
        if field.strip().lower() in ("allow", "disallow") and value.strip():
            rules.append((field.strip().lower() == "allow", value.strip()))
    return rules


def allowed(rules, path):
    """RFC 9309: the longest matching rule wins (``*`` any characters, ``$`` the end), an
    allow over a disallow of the same length; no matching rule: allowed."""
    best = None
    for allow, pattern in rules:
        regex = "".join(
            ".*" if ch == "*" else "$" if ch == "$" and i == len(pattern) - 1 else re.escape(ch)
            for i, ch in enumerate(pattern)
        )
        if re.match(regex, path):
            key = (len(pattern), allow)
            if best is None or key > best:
                best = key
    return best is None or best[1]


def test_robots_lets_the_batyr_landing_page_be_found_but_not_the_portraits(client, done_portrait):
    portrait, token, url = done_portrait
    rules = robots_rules(client.get("/robots.txt").content.decode())
    for lang in LANGS:
        assert allowed(rules, f"/{lang}/batyr/")
        assert allowed(rules, f"/{lang}/batyr/?look=borik")
        assert allowed(rules, f"/{lang}/")
        for path in ("", "status/", "photo.jpg", "portrait.jpg", "portrait.webp", "again/"):
            assert not allowed(rules, f"/{lang}/batyr/{token}/{path}"), path
        assert not allowed(rules, f"/{lang}/search/?q=x")
    assert not allowed(rules, "/admin/")
    assert url.startswith("/en/batyr/") and not allowed(rules, url)
