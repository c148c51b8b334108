"""The admin in Kazakh and Russian (issue 13): no English left on the pages an editor reaches, the
top-level catalogues complete, Russian messages correct for every noun, and the admin's own
language switcher."""

import json
import re
from pathlib import Path

import django
import polib
import pytest
from bs4 import BeautifulSoup, NavigableString
from django.conf import settings
from django.contrib import admin
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from articles.models import Article, Tag

LOCALE = Path(settings.BASE_DIR) / "locale"
DJANGO = Path(django.__file__).parent
PROSE_EDITOR_STRINGS = [
    # django-prose-editor's window.gettext() calls (its static editor.js)
    "Update",
    "Cancel",
    "Insert Figure",
    "Edit Link",
    "Open in new window",
    "Toggle fullscreen",
    "Insert Table",
    "Include header row",
    "List properties",
    "Uppercase Roman numerals",
]

# Django's and its packages' English an editor must not meet in the kk or ru admin, in the
# visible text only (not in attributes, scripts or form values). A single word counts when it is
# a whole text (a link, a button, a heading: "All", "Go", "Delete"); a phrase anywhere.
WORDS = {
    "Action", "Action:", "Add", "All", "By", "Cancel", "Change", "Change:", "Clear", "Close",
    "Currently", "Currently:", "Date:", "Delete", "Delete?", "Filter", "Go", "History", "Home",
    "No", "Now", "Objects", "Remove", "Save", "Search", "Select", "Summary", "Time:", "Today",
    "Trash", "Unknown", "View", "Yes",
}  # fmt: skip
PHRASES = [
    "View site", "Welcome,", "Change password", "Log out", "Recent actions", "My actions",
    "None available", "Toggle theme", "Skip to main content", "Model name", "Add link",
    "Change or view list link", "Please correct", "was added successfully",
    "was changed successfully", "was deleted successfully", "Successfully deleted",
    "Save and add another", "Save and continue editing", "Save and view", "Save as new",
    "Add another", "No results found", "Searching…", "Show counts", "Hide counts",
    "Clear all filters", "Any date", "Past 7 days", "This month", "This year", "No date",
    "Has date", "Are you sure", "Yes, I’m sure", "No, take me back", "Run the selected action",
    "Select all", "selected", "result", "results", "total", "Choose a time", "Midnight", "Noon",
    "Hold down", "to change", "to view", "Recover deleted", "Change history", "Old password",
    "New password", "Your password", "Delete selected", "Date/time", "doesn’t exist",
]  # fmt: skip
PHRASES_RE = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, PHRASES)) + r")(?![\w-])")


def catalogues():
    return sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))


def visible_texts(html):
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "template", "textarea", "svg", "head"]):
        hidden.decompose()
    texts = (t for t in soup.find_all(string=True) if type(t) is NavigableString)  # no comments
    return [" ".join(text.split()) for text in texts if text.strip()]


def english_in(html):
    found = set()
    for text in visible_texts(html):
        if text in WORDS:
            found.add(text)
        found.update(PHRASES_RE.findall(text))
    return sorted(found)


def shown_messages(response):
    """The messages of the page a redirect led to, as text (Django links the record's name)."""
    return [re.sub(r"<[^>]+>", "", str(m)) for m in get_messages(response.wsgi_request)]


def js_catalog(client, lang):
    client.cookies["django_language"] = lang
    body = client.get("/admin/jsi18n/").content.decode()
    return json.loads(re.search(r"const newcatalog = (\{.*?\});\n", body, re.S).group(1))


# --- without the demo content ---------------------------------------------------------------

# pytest-django runs tests without the database after those with it: these two are marked so
# that they stay before the demo tests.


@pytest.mark.django_db
def test_top_level_catalogues_are_complete_and_compiled():
    names = {str(p.relative_to(LOCALE)) for p in catalogues()}
    assert {
        "kk/LC_MESSAGES/django.po",
        "kk/LC_MESSAGES/djangojs.po",
        "ru/LC_MESSAGES/django.po",
        "ru/LC_MESSAGES/djangojs.po",
    } <= names
    placeholder = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
    for path in catalogues():
        po = polib.pofile(str(path))
        assert po.untranslated_entries() == [], path
        assert po.fuzzy_entries() == [], path
        for entry in po:
            strings = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
            assert all(s.strip() for s in strings), (path, entry.msgid)
            allowed = set(placeholder.findall(entry.msgid + entry.msgid_plural))
            for s in strings:
                assert set(placeholder.findall(s)) <= allowed, (path, entry.msgid, s)
        mo = path.with_suffix(".mo")
        assert mo.exists() and mo.stat().st_mtime >= path.stat().st_mtime, f"compile {path}"


@pytest.mark.django_db
def test_every_admin_string_of_django_is_kazakh():
    """Every msgid of Django's admin catalogue (the django domain) has Kazakh, Cyrillic text."""
    po = polib.pofile(str(DJANGO / "contrib/admin/locale/en/LC_MESSAGES/django.po"))
    same = {"%(class_name)s %(instance)s"}
    missing = []
    with translation.override("kk"):
        for entry in po:
            if entry.msgid in same:
                continue
            if entry.msgid_plural:
                text = translation.ngettext(entry.msgid, entry.msgid_plural, 5)
            elif entry.msgctxt:
                text = translation.pgettext(entry.msgctxt, entry.msgid)
            else:
                text = gettext(entry.msgid)
            if text == entry.msgid or not re.search("[а-яәғқңөұүһі]", text, re.I):
                missing.append(entry.msgid)
    assert missing == []
    with translation.override("kk"):
        # Django's own catalogue has typos and a past tense where an action is named.
        assert gettext("Change") == "Өзгерту"
        assert "үщін" not in gettext("Select %s to change")
        assert gettext("Change history: %s") == "Өзгерістер тарихы: %s"
        assert "өшірілді" not in gettext("Delete selected %(verbose_name_plural)s")


@pytest.mark.django_db
def test_javascript_catalogue_in_kazakh_and_russian(client, make_editor):
    """The admin's jsi18n (calendar, clock, selectors) and the rich-text editor's texts."""
    client.force_login(make_editor())
    kk = js_catalog(client, "kk")
    djangojs = polib.pofile(str(DJANGO / "contrib/admin/locale/en/LC_MESSAGES/djangojs.po"))
    for entry in djangojs:
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        value = kk.get(key)
        values = value if isinstance(value, list) else [value]
        assert all(v and re.search("[а-яәғқңөұүһі]", v, re.I) for v in values), entry.msgid
    assert kk["Now"] == "Қазір" and kk["Midnight"] == "Түн ортасы" and kk["6 p.m."] == "Кешкі 6"
    assert kk["January"] == "Қаңтар"
    for msgid in PROSE_EDITOR_STRINGS:
        assert re.search("[а-яәғқңөұүһі]", kk[msgid], re.I), msgid
    ru = js_catalog(client, "ru")
    assert ru["Insert Table"] == "Вставить таблицу" and ru["Now"] == "Сейчас"
    for msgid in PROSE_EDITOR_STRINGS:
        # Russian must not fall back to the Kazakh entries (the default language).
        assert ru[msgid] != kk[msgid] or msgid in {"URL"}, msgid
        assert not re.search("[әғқңөұүһі]", ru[msgid], re.I), msgid


@pytest.mark.django_db
def test_the_switcher_sets_the_admin_language(client, make_editor):
    client.force_login(make_editor())
    client.cookies["django_language"] = "kk"
    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.html["lang"] == "kk"
    form = soup.select_one("#user-tools form#admin-language")
    assert form["action"] == "/i18n/setlang/" and form["method"] == "post"
    assert form.select_one("input[name=csrfmiddlewaretoken]")
    assert form.select_one("input[name=next]")["value"] == "/admin/"
    group = soup.select_one("#user-tools .language-switcher[role=group]")
    assert group["aria-label"] == "Басқару тақтасының тілі"
    buttons = {b["value"]: b for b in group.select("button[type=submit][name=language]")}
    assert all(b["form"] == "admin-language" for b in buttons.values())
    assert {code: b.get_text(strip=True) for code, b in buttons.items()} == {
        "kk": "Қазақша",
        "ru": "Русский",
        "en": "English",
    }
    assert [code for code, b in buttons.items() if b.get("aria-current")] == ["kk"]
    assert buttons["kk"].strong and not buttons["ru"].strong
    assert all(buttons[code]["lang"] == code for code in buttons)
    # Django's branding stays as it was.
    assert soup.select_one("#site-name a").get_text(strip=True) == "Kazportal басқаруы"

    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert response.cookies["django_language"].value == "ru"
    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.html["lang"] == "ru" and "Добро пожаловать" in html
    current = soup.select(".language-switcher button[aria-current]")
    assert [b["value"] for b in current] == ["ru"]


@pytest.mark.django_db
def test_the_switcher_needs_the_csrf_token(make_editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_editor())
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/admin/"})
    assert response.status_code == 403
    assert "django_language" not in response.cookies


@pytest.mark.django_db
def test_select2_gets_kazakh_texts_with_the_csp_nonce(client, make_editor):
    client.force_login(make_editor())
    client.cookies["django_language"] = "kk"
    response = client.get("/admin/articles/article/add/")
    html = response.content.decode()
    assert "admin/js/vendor/select2/select2.full" in html  # the autocompletes are on the page
    # The rich-text editor reads window.gettext when it loads: the catalogue comes first.
    assert 0 < html.index('src="/admin/jsi18n/"') < html.index("django_prose_editor/")
    soup = BeautifulSoup(html, "html.parser")
    (script,) = [s for s in soup("script") if "select2.defaults" in s.get_text()]
    nonce = script["nonce"]
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    text = script.get_text()
    assert "Ештеңе табылмады" in text and "Іздеу…" in text
    assert "No results found" not in text
    # Every inline script runs by nonce; no handler attributes.
    for tag in soup("script"):
        assert tag.get("src") or tag.get("nonce") or tag.get("type") == "application/json", tag
    assert not soup.select("[onclick], [onload], [onsubmit], [onchange]")
    # Russian has Django's own select2 file; no Kazakh script there.
    client.cookies["django_language"] = "ru"
    html = client.get("/admin/articles/article/add/").content.decode()
    assert "select2/i18n/ru.js" in html and "Ештеңе табылмады" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "added", "changed", "deleted", "bulk"),
    [
        (
            "ru",
            "Добавлено: {name} «{obj}».",
            "Изменено: {name} «{obj}». Ниже можно продолжить редактирование.",
            "Удалено: {name} «{obj}».",
            "Удалено записей: 1 ({name}).",
        ),
        (
            "kk",
            "Қосылды: {name} «{obj}».",
            "Өзгертілді: {name} «{obj}». Төменде оны қайта өңдеуге болады.",
            "Өшірілді: {name} «{obj}».",
            "Өшірілген жазбалар саны: 1 ({name}).",
        ),
    ],
    ids=["ru", "kk"],
)
def test_messages_fit_every_noun(client, make_editor, lang, added, changed, deleted, bulk):
    """Django's ru says "{name} «{obj}» был успешно добавлен" whatever the noun's gender (here
    the neuter «ключевое слово»); these forms need no agreement."""
    client.force_login(make_editor())
    client.cookies["django_language"] = lang
    with translation.override(lang):
        name = str(Tag._meta.verbose_name)
    form = {"name_kk": "Домбыра", "name_ru": "Домбра", "name_en": "Dombyra", "slug": "dombyra"}

    page = client.get("/admin/articles/tag/add/").content.decode()
    title = BeautifulSoup(page, "html.parser").h1.get_text(strip=True)
    assert title == {"ru": f"Добавление: {name}", "kk": f"Жаңа жазба: {name}"}[lang]

    invalid = client.post("/admin/articles/tag/add/", {**form, "name_kk": "", "name_ru": ""})
    assert invalid.status_code == 200 and english_in(invalid.content.decode()) == []

    response = client.post("/admin/articles/tag/add/", {**form, "_save": "1"}, follow=True)
    tag = Tag.objects.get(slug="dombyra")
    obj = str(tag)
    assert shown_messages(response) == [added.format(name=name, obj=obj)]
    assert 'class="success"' in response.content.decode()

    response = client.post(
        f"/admin/articles/tag/{tag.pk}/change/", {**form, "_continue": "1"}, follow=True
    )
    assert shown_messages(response) == [changed.format(name=name, obj=obj)]

    page = client.get(f"/admin/articles/tag/{tag.pk}/delete/").content.decode()
    assert english_in(page) == []
    response = client.post(f"/admin/articles/tag/{tag.pk}/delete/", {"post": "yes"}, follow=True)
    assert shown_messages(response) == [deleted.format(name=name, obj=obj)]

    other = Tag.objects.create(slug="kobyz", name_kk="Қобыз", name_ru="Кобыз", name_en="Kobyz")
    action = {"action": "delete_selected", "_selected_action": [other.pk]}
    confirm = client.post("/admin/articles/tag/", action).content.decode()
    assert english_in(confirm) == []
    response = client.post("/admin/articles/tag/", {**action, "post": "yes"}, follow=True)
    assert shown_messages(response) == [bulk.format(name=name)]


# --- with the demo content (these come last: see tests/conftest.py) ------------------------


FILTERED = "/admin/articles/article/?status__exact=published&published_at__gte=2000-01-01"
# What a page must say, besides having no English (one history page, the trash, a filtered list).
SAYS = {
    "history": {"kk": "Өзгерістер тарихы:", "ru": "История изменений:"},
    "recover": {"kk": "Қоқыс жәшігі", "ru": "Корзина"},
    "filtered": {"kk": "бойынша", "ru": "По полю «"},
    "delete": {"kk": "өшіруге сенімдісіз бе?", "ru": "Вы уверены, что хотите удалить запись «"},
    "protected": {"kk": "Өшіру мүмкін емес: фотосурет", "ru": "Удаление невозможно: фотография"},
}


def editor_pages(user):
    """Every admin page the Editors group reaches: the index, the password form, each
    changelist and add form, one change form per model; one history page, one delete
    confirmation, one trash and one filtered list. {url: what it must say, or None}."""
    request = type("Request", (), {"user": user, "GET": {}, "method": "GET"})()
    pages = {"/admin/": None, "/admin/password_change/": None}
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if not model_admin.has_view_or_change_permission(request):
            continue
        base = f"/admin/{opts.app_label}/{opts.model_name}/"
        pages[base] = None
        if model_admin.has_add_permission(request):
            pages[f"{base}add/"] = None
        obj = model_admin.get_queryset(request).first()
        if obj is not None:
            pages[f"{base}{obj.pk}/change/"] = None
    article = Article.objects.exclude(cover=None).first()
    base = "/admin/articles/article/"
    pages[f"{base}{article.pk}/history/"] = SAYS["history"]
    pages[f"{base}{article.pk}/delete/"] = SAYS["delete"]
    pages[f"{base}recover/"] = SAYS["recover"]
    # a photo in use: the confirmation lists the protected records instead
    pages[f"/admin/kazportal/photo/{article.cover_id}/delete/"] = SAYS["protected"]
    pages[FILTERED] = SAYS["filtered"]
    return pages


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_no_english_on_any_admin_page(client, make_editor, demo, lang):
    user = make_editor()
    client.force_login(user)
    client.cookies["django_language"] = lang
    pages = editor_pages(user)
    assert len(pages) > 30
    found = {}
    for url, says in pages.items():
        response = client.get(url, follow=True)  # the home page's list is its change form
        assert response.status_code == 200 and len(response.redirect_chain) <= 1, url
        html = response.content.decode()
        assert f'<html lang="{lang}"' in html, url
        if says:
            assert says[lang] in " ".join(visible_texts(html)), url
        if words := english_in(html):
            found[url] = words
    assert found == {}
