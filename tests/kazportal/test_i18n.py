import datetime
import re
from pathlib import Path

import polib
import pytest
from django import forms
from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.timesince import timesince

from kazportal.i18n import LANGS

ROOT = Path(settings.BASE_DIR)


@pytest.mark.parametrize(
    ("accept", "target"),
    [("ru-RU,ru;q=0.9", "/ru/"), ("en-GB,en;q=0.8", "/en/"), ("kk", "/kk/"), ("de", "/kk/")],
)
def test_root_redirects_by_accept_language(client, accept, target):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    assert response["Location"] == target


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_pages_carry_lang_hreflang_and_canonical(client, lang):
    response = client.get(f"/{lang}/search/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in html
    for code in LANGS:
        assert f'hreflang="{code}" href="http://testserver/{code}/search/"' in html
    assert 'hreflang="x-default" href="http://testserver/search/"' in html
    assert f'<link rel="canonical" href="http://testserver/{lang}/search/">' in html
    assert 'property="og:title"' in html and 'property="og:image"' in html


@pytest.mark.django_db
def test_language_switcher_keeps_the_page_and_query(client):
    html = client.get("/kk/search/?q=Abai").content.decode()
    switcher = re.search(r'<ul class="lang-switch".*?</ul>', html, re.S).group(0)
    assert 'href="/ru/search/?q=Abai"' in switcher
    assert 'href="/en/search/?q=Abai"' in switcher
    assert 'aria-current="true" lang="kk"' in switcher


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("kk", "Қазақстанға қош келдіңіз"),
        ("ru", "Добро пожаловать в Казахстан"),
        ("en", "Welcome to Kazakhstan"),
    ],
)
def test_home_is_translated(client, lang, text):
    assert text in client.get(f"/{lang}/").content.decode()


def project_catalogues():
    found = [p for p in ROOT.glob("*/locale/*/LC_MESSAGES/django.po") if ".venv" not in p.parts]
    found += list(ROOT.glob("locale/*/LC_MESSAGES/django.po"))
    return found


def test_every_ui_string_is_translated_in_kazakh_and_russian():
    catalogues = [p for p in project_catalogues() if p.parts[-3] in ("kk", "ru")]
    assert len(catalogues) >= 3
    problems = []
    for path in catalogues:
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags:
                problems.append(f"{path.relative_to(ROOT)}: fuzzy {entry.msgid!r}")
            if entry.msgid_plural:
                if not entry.msgstr_plural or not all(entry.msgstr_plural.values()):
                    problems.append(f"{path.relative_to(ROOT)}: empty plural {entry.msgid!r}")
            elif not entry.msgstr:
                problems.append(f"{path.relative_to(ROOT)}: empty {entry.msgid!r}")
    assert not problems, "\n".join(problems)


def test_plural_entries_have_every_form_of_their_language():
    # Russian has four plural forms in Django's catalogue (1, 2-4, 5-20, fractions): a msgstr
    # with fewer would fall back to another language's text for "5 results".
    problems = []
    for path in project_catalogues():
        po = polib.pofile(str(path))
        nplurals = int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"]).group(1))
        for entry in po:
            if entry.msgid_plural and not entry.obsolete and len(entry.msgstr_plural) != nplurals:
                problems.append(f"{path.relative_to(ROOT)}: {entry.msgid!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_russian_plurals_in_search(client):
    for n in (5, 11):
        with translation.override("ru"):
            text = translation.ngettext(
                "%(counter)s result for “%(query)s”.", "%(counter)s results for “%(query)s”.", n
            ) % {"counter": n, "query": "x"}
        assert text == f"{n} результатов по запросу «x».", text


def test_every_app_has_kk_ru_en_catalogues():
    for app in ("kazportal", "regions", "heritage", "articles", "batyr"):
        for lang in LANGS:
            assert (ROOT / app / "locale" / lang / "LC_MESSAGES" / "django.po").exists()


def test_kazakh_date_and_number_formats():
    day = datetime.date(2026, 3, 15)
    with translation.override("kk"):
        assert formats.date_format(day) == "2026 жылғы 15 наурыз"
        assert formats.date_format(day, "YEAR_MONTH_FORMAT") == "2026 жылғы наурыз"
        assert (
            formats.number_format(1234567.5, decimal_pos=1, force_grouping=True)
            == "1\xa0234\xa0567,5"
        )
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1
    with translation.override("ru"):
        assert formats.date_format(day) == "15 марта 2026 г."
    with translation.override("en"):
        assert formats.date_format(day) == "15 March 2026"


def test_kazakh_fills_the_strings_django_leaves_empty():
    class Form(forms.Form):
        email = forms.EmailField()
        count = forms.IntegerField()

    with translation.override("kk"):
        errors = Form({"email": "not-an-email", "count": "x"}).errors
        assert errors["email"] == ["Дұрыс электрондық пошта мекенжайын енгізіңіз."]
        assert errors["count"] == ["Толық санды енгізіңіз."]  # Django's own kk string
        now = timezone.now()
        assert timesince(now - datetime.timedelta(days=3, hours=2), now) == "3\xa0күн, 2\xa0сағат"
        assert timesince(now, now) == "0\xa0минут"
