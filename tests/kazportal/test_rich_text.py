"""One rich-text editor for every body (kazportal/sanitize.py), photos from the library in a body
(kazportal/bodies.py, static/js/prose-photo.js) and links that would run code refused."""

import re

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from articles.models import Article
from heritage.models import Item
from kazportal.bodies import body_fields, photo_uses_in_bodies, referenced_photo_ids
from kazportal.i18n import LANGS
from kazportal.models import HomePage, Photo
from kazportal.sanitize import (
    BodyField,
    as_html,
    clean_html,
    editor_extensions,
    tags,
    unsafe_schemes,
    validate_body_links,
)
from regions.models import Place, Region
from tests.adminforms import errors, form_data
from tests.articles.factories import ArticleFactory
from tests.factories import PhotoFactory, PlaceFactory, RegionFactory
from tests.heritage.factories import ItemFactory

# Every test is a database test, so that pytest-django keeps them in this order (the demo tests
# last, see tests/conftest.py).
pytestmark = pytest.mark.django_db

# --- one field, one configuration, one sanitizer ---------------------------------------------

BODIES = {
    (Region, "body"),
    (Place, "body"),
    (Item, "body"),
    (Article, "body"),
    (HomePage, "intro_text"),
}


def test_every_body_is_the_one_editor_field_in_every_language():
    assert set(body_fields()) == BODIES
    for model, name in BODIES:
        for column in (name, *(f"{name}_{code}" for code in LANGS)):
            field = model._meta.get_field(column)
            assert isinstance(field, BodyField), (model, column)
            assert field.config == {"extensions": editor_extensions()}
            assert field.sanitize is clean_html
            assert validate_body_links in field.validators
            assert not field.help_text  # the old lists of tags are gone
            # still a text column for migrations
            assert field.deconstruct()[1] == "django.db.models.TextField"


def test_the_sanitizer_keeps_what_the_toolbar_makes_and_nothing_else():
    assert tags() == {
        *("p", "br", "strong", "em", "s", "u", "sub", "sup", "h2", "h3", "h4"),
        *("ul", "ol", "li", "blockquote", "hr", "a"),
        *("table", "thead", "tbody", "tr", "th", "td"),
        "figure",
    }


# What the editor's getHTML() gives for each toolbar button: kept as it is.
EDITOR_HTML = [
    "<h2>Heading</h2><h3>Sub</h3><h4>Small</h4>",
    "<p><strong>b</strong> <em>i</em> <u>u</u> <s>s</s> H<sub>2</sub>O x<sup>2</sup><br>next</p>",
    "<ul><li><p>one</p></li><li><p>two</p></li></ul>",
    '<ol start="3"><li><p>three</p></li></ol>',
    "<blockquote><p>quote</p></blockquote><hr>",
    '<table><tbody><tr><th colspan="2" rowspan="1"><p>head</p></th></tr>'
    '<tr><td colspan="1" rowspan="1"><p>1</p></td><td><p>2</p></td></tr></tbody></table>',
    '<figure data-photo="12"></figure>',
    '<p>before</p><figure data-photo="7"></figure><p>after</p>',
]


@pytest.mark.parametrize("html", EDITOR_HTML)
def test_the_sanitizer_keeps_editor_markup_unchanged(html):
    assert clean_html(html) == html


def test_links_keep_their_address_and_title_and_get_rel():
    html = (
        '<p><a href="https://example.org/a?b=1" title="t">web</a> '
        '<a href="mailto:info@example.org">mail</a> <a href="/kk/regions/">here</a></p>'
    )
    assert clean_html(html) == (
        '<p><a href="https://example.org/a?b=1" title="t" rel="noopener noreferrer">web</a> '
        '<a href="mailto:info@example.org" rel="noopener noreferrer">mail</a> '
        '<a href="/kk/regions/" rel="noopener noreferrer">here</a></p>'
    )


DROPPED = [
    ('<p>a<img src="https://evil.example/x.png" alt="x">b</p>', "<p>ab</p>"),
    ('<img src="/media/photos/a.jpg">', ""),
    ('<figure data-photo="5"><img src="https://evil.example/x.png"><figcaption>c</figcaption>'
     "</figure>", '<figure data-photo="5"></figure>'),
    ('<figure data-photo="5" class="x" style="color:red" onclick="x()"></figure>',
     '<figure data-photo="5"></figure>'),
    ('<figure data-photo="5 or 1=1"><p>t</p></figure>', "<p>t</p>"),
    ('<figure data-photo="-3"></figure>', ""),
    ('<figure data-photo="٣"></figure><figure data-photo="0"></figure>', ""),
    ("<figure><p>kept text</p><figcaption>cap</figcaption></figure>", "<p>kept text</p>cap"),
    ('<figure data-photo="1"><figure data-photo="2"></figure></figure>',
     '<figure data-photo="1"></figure>'),
    ("<p>x<script>alert(1)</script></p>", "<p>x</p>"),
    ("<style>p{color:red}</style><p style=\"color:red\">x</p>", "<p>x</p>"),
    ('<p lang="ru" title="t" class="c" id="i">x</p>', "<p>x</p>"),
    ("<p><b>b</b> <i>i</i> <abbr>a</abbr> <code>c</code> <span>s</span></p>", "<p>b i a c s</p>"),
    ('<p><a href="https://example.org" target="_blank" rel="opener">x</a></p>',
     '<p><a href="https://example.org" rel="noopener noreferrer">x</a></p>'),
    ('<iframe src="https://evil.example"></iframe><object data="x"></object>', ""),
]  # fmt: skip


@pytest.mark.parametrize("dirty,clean", DROPPED)
def test_the_sanitizer_drops_what_the_editor_cannot_make(dirty, clean):
    assert clean_html(dirty) == clean


def test_the_home_page_introduction_is_cleaned_on_every_save():
    home = HomePage.load()
    home.intro_text_ru = '<p onclick="x()">Привет<script>1</script><img src="/x.png"></p>'
    home.intro_text_en = ""
    home.save()
    home.refresh_from_db()
    assert home.intro_text_ru == "<p>Привет</p>"
    assert home.intro_text_en == ""  # an empty language stays empty (no fallback copied in)


def test_plain_text_of_before_the_editor_keeps_its_paragraphs():
    text = "First & one.\n\nSecond <3 line\nwith a break."
    assert as_html(text) == "<p>First & one.</p>\n\n<p>Second &lt;3 line<br>with a break.</p>"
    assert as_html(clean_html(text)) == (
        "<p>First &amp; one.</p>\n\n<p>Second &lt;3 line<br>with a break.</p>"
    )
    assert as_html("<p>Already HTML</p>") == "<p>Already HTML</p>"


# --- links that run code -----------------------------------------------------------------

UNSAFE = [
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" java\tscript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<img src="data:image/png;base64,AAAA">',
]


@pytest.mark.parametrize("html", UNSAFE)
def test_a_link_that_runs_code_is_refused(html):
    with pytest.raises(ValidationError) as refused:
        validate_body_links(html)
    assert refused.value.code == "unsafe_link"


def test_safe_links_and_words_are_accepted():
    html = (
        '<p>Type javascript: in the console. <a href="https://javascript.info/">JS</a> '
        '<a href="/kk/data:x">a page</a> <a href="mailto:a@b.kz">mail</a></p>'
    )
    validate_body_links(html)
    assert unsafe_schemes(html) == []
    assert unsafe_schemes('<a href="data:x">1</a><a href="vbscript:y">2</a>') == [
        "data",
        "vbscript",
    ]


def test_a_javascript_link_is_a_form_error_that_keeps_the_typing(admin_client):
    place = PlaceFactory(body_ru="<p>О месте.</p>")
    url = reverse("admin:regions_place_change", args=[place.pk])
    admin_client.cookies["django_language"] = "en"
    data = form_data(admin_client, url)
    typed = '<p>Новый текст <a href="javascript:alert(document.cookie)">ссылка</a></p>'
    data["body_ru"] = typed
    response = admin_client.post(url, data)
    assert response.status_code == 200  # the form again, not a redirect
    form = response.context["adminform"].form
    assert [e.code for e in form.errors.as_data()["body_ru"]] == ["unsafe_link"]
    assert any("“javascript:”" in e and "not allowed" in e for e in errors(response))
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("textarea[name=body_ru]").text.strip() == typed
    place.refresh_from_db()
    assert place.body_ru == "<p>О месте.</p>"


def test_the_home_page_introduction_refuses_it_too(admin_client):
    url = reverse("admin:kazportal_homepage_change", args=[HomePage.load().pk])
    data = form_data(admin_client, url)
    data["intro_text_kk"] = '<p><a href="vbscript:msgbox(1)">сілтеме</a></p>'
    response = admin_client.post(url, data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert [e.code for e in form.errors.as_data()["intro_text_kk"]] == ["unsafe_link"]


def test_plain_text_opens_in_the_editor_as_paragraphs(admin_client):
    home = HomePage.load()
    HomePage.objects.filter(pk=home.pk).update(intro_text_kk="Бірінші.\n\nЕкінші.")
    url = reverse("admin:kazportal_homepage_change", args=[home.pk])
    page = BeautifulSoup(admin_client.get(url).content, "html.parser")
    textarea = page.select_one("textarea[name=intro_text_kk]")
    assert textarea.text.strip() == "<p>Бірінші.</p>\n\n<p>Екінші.</p>"
    assert "data-django-prose-editor-configurable" in textarea.attrs


# --- the editor's button and its photo search ----------------------------------------------


def editor_config(html, name):
    import json

    textarea = BeautifulSoup(html, "html.parser").select_one(f"textarea[name={name}]")
    return json.loads(textarea["data-django-prose-editor-configurable"])


@pytest.mark.parametrize(
    "admin_url,field",
    [
        ("admin:regions_region_add", "body_kk"),
        ("admin:regions_place_add", "body_ru"),
        ("admin:heritage_historyitem_add", "body_en"),
        ("admin:articles_article_add", "body_kk"),
    ],
)
def test_every_body_editor_has_the_photo_button_under_csp(admin_client, admin_url, field):
    response = admin_client.get(reverse(admin_url))
    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'<script type="importmap" nonce="{nonce}">' in html
    config = editor_config(html, field)
    assert config["js_modules"] == ["/static/js/prose-photo.js"]
    photo = config["extensions"]["LibraryPhoto"]
    assert photo["searchUrl"] == reverse(admin_url.replace("_add", "_library_photos"))
    assert photo["labels"]["button"]
    assert "css/prose-photo.css" in html


def test_the_home_page_editor_has_it_too(admin_client):
    home = HomePage.load()
    response = admin_client.get(reverse("admin:kazportal_homepage_change", args=[home.pk]))
    config = editor_config(response.content.decode(), "intro_text_ru")
    assert config["extensions"]["LibraryPhoto"]["searchUrl"] == reverse(
        "admin:kazportal_homepage_library_photos"
    )


def test_the_photo_search_is_for_editors_only(client, django_user_model, make_editor):
    url = reverse("admin:regions_place_library_photos")
    PhotoFactory()
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(django_user_model.objects.create_user("staff", is_staff=True))
    assert client.get(url).status_code == 403  # staff, but may not edit places
    client.force_login(make_editor("ed"))
    assert client.get(url).status_code == 200


def test_the_photo_search_finds_by_description_and_caption_in_any_language(admin_client):
    yurt = PhotoFactory(alt_en="A yurt at dawn", caption_ru="Юрта на рассвете")
    lake = PhotoFactory(alt_en="Lake Kaindy", caption_kk="Қайыңды көлі")
    url = reverse("admin:regions_place_library_photos")
    found = admin_client.get(url, {"q": "yurt"}).json()["results"]
    assert [p["id"] for p in found] == [yurt.pk]
    assert found[0]["thumbnail"].endswith(".webp")
    assert (found[0]["width"], found[0]["height"]) == (1000, 700)
    assert [p["id"] for p in admin_client.get(url, {"q": "рассвете"}).json()["results"]] == [
        yurt.pk
    ]
    newest_first = [p["id"] for p in admin_client.get(url).json()["results"]]
    assert newest_first == [lake.pk, yurt.pk]
    by_ids = admin_client.get(url, {"ids": f"{lake.pk},999999,x,{'9' * 40}"}).json()
    assert [p["id"] for p in by_ids["results"]] == [lake.pk]


# --- photos in bodies on the site ---------------------------------------------------------


def render(template, **context):
    return Template("{% load kazportal %}" + template).render(Context(context))


@pytest.fixture
def photos():
    with_caption = PhotoFactory(
        alt_kk="Шарын шатқалы",
        alt_ru="Чарынский каньон",
        alt_en="Charyn Canyon",
        caption_kk="Шарын күзде",
        caption_ru="Чарын осенью",
        caption_en="",  # falls back, marked with its language
        credit_kk="Фото: Ә. Нұрлан",
        credit_ru="Фото: А. Нурлан",
        credit_en="Photo: A. Nurlan",
    )
    plain = PhotoFactory()
    return with_caption, plain


@pytest.mark.parametrize("lang", LANGS)
def test_a_photo_reference_becomes_the_photos_figure_in_the_pages_language(
    photos, lang, django_assert_num_queries
):
    with_caption, plain = photos
    gone = PhotoFactory()
    gone_pk = gone.pk
    gone.delete()
    body = (
        f'<p>Before.</p><figure data-photo="{with_caption.pk}"></figure>'
        f'<figure data-photo="{gone_pk}"></figure><figure data-photo="{plain.pk}"></figure>'
        "<p>After.</p>"
    )
    place = PlaceFactory(body_kk=body, body_ru=body, body_en=body)
    with translation.override(lang), django_assert_num_queries(1):  # all photos at once
        html = render('{% translated p "body" tag="div" html=True notice=True %}', p=place)
    page = BeautifulSoup(html, "html.parser")
    figures = page.select("figure")
    assert len(figures) == 2  # the deleted photo is left out
    assert "data-photo" not in html
    first = figures[0]
    source = first.select_one("picture source[type='image/webp']")
    assert ".webp 480w" in source["srcset"] and ".webp 1000w" in source["srcset"]
    assert source["sizes"]
    img = first.select_one("picture img")
    assert ".jpg 800w" in img["srcset"] and img["sizes"] == source["sizes"]
    assert (img["width"], img["height"]) == ("800", "560")
    assert img["loading"] == "lazy" and img["decoding"] == "async"
    assert img["alt"] == getattr(with_caption, f"alt_{lang}")
    caption = first.select_one("figcaption")
    credit = caption.select_one(".credit")
    assert credit.get_text() == getattr(with_caption, f"credit_{lang}")
    if lang == "en":  # no English caption: the fallback language's, marked with its lang
        fallback = caption.select_one("[lang]")
        assert (fallback["lang"], fallback.get_text()) == ("ru", "Чарын осенью")
    else:
        assert caption.get_text().startswith(getattr(with_caption, f"caption_{lang}"))
    assert figures[1].select_one("img")["alt"] == getattr(plain, f"alt_{lang}")
    assert figures[1].select_one("figcaption") is None  # no caption, no credit
    assert [p.get_text() for p in page.select("div > p")] == ["Before.", "After."]


def test_a_body_without_photos_costs_no_query(django_assert_num_queries):
    place = PlaceFactory(body_en="<p>No photos here.</p>")
    with translation.override("en"), django_assert_num_queries(0):
        html = render('{% translated p "body" tag="div" html=True %}', p=place)
    assert html == "<div><p>No photos here.</p></div>"


def test_the_place_page_shows_body_photos_for_one_more_query_however_many(client):
    region = RegionFactory(slug="almaty-region")
    bare = PlaceFactory(region=region, slug="bare")
    many = [PhotoFactory() for _ in range(4)]
    body = "".join(f'<figure data-photo="{p.pk}"></figure>' for p in many)
    rich = PlaceFactory(region=region, slug="rich", body_kk=body, body_ru=body, body_en=body)

    def count(place, lang):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(place.get_absolute_url().replace("/kk/", f"/{lang}/"))
        assert response.status_code == 200
        return len(queries), response.content.decode()

    for lang in LANGS:
        without, _html = count(bare, lang)
        with_photos, html = count(rich, lang)
        assert with_photos == without + 1
        body_html = BeautifulSoup(html, "html.parser").select_one(".place-body")
        assert len(body_html.select("figure.body-photo picture img[srcset]")) == 4


def test_stored_img_tags_never_reach_the_page(client):
    place = PlaceFactory(body_en='<p>x</p><img src="https://evil.example/t.png">')
    html = client.get(place.get_absolute_url().replace("/kk/", "/en/")).content.decode()
    assert "evil.example" not in html


# --- where a photo is used ---------------------------------------------------------------


def test_photo_uses_in_bodies_finds_every_record_in_any_language():
    one, two, three, twelve, unused = (PhotoFactory() for _ in range(5))
    assert twelve.pk != one.pk
    place = PlaceFactory(body_ru=f'<figure data-photo="{one.pk}"></figure>')
    item = ItemFactory(
        body_en=f'<p>x</p><figure data-photo="{two.pk}"></figure>'
        f'<figure data-photo="{one.pk}"></figure>'
    )
    ArticleFactory(body_kk=f'<figure data-photo="{twelve.pk}"></figure>')
    draft = RegionFactory(status="draft", body_en=f'<figure data-photo="{three.pk}"></figure>')
    home = HomePage.load()
    home.intro_text_kk = f'<p>Intro</p><figure data-photo="{two.pk}"></figure>'
    home.save()
    # "data-photo" in the text itself is not a use
    PlaceFactory(body_en=f"<p>data-photo=&quot;{one.pk}&quot;</p>")

    def uses(*photos):
        return {(type(record), record.pk, name) for record, name in photo_uses_in_bodies(photos)}

    assert uses(one) == {(Place, place.pk, "body"), (Item, item.pk, "body")}
    assert uses(two.pk) == {(Item, item.pk, "body"), (HomePage, home.pk, "intro_text")}
    assert uses(three) == {(Region, draft.pk, "body")}
    assert uses(unused) == set()
    assert uses() == set()
    # many photos at once: the same answers
    many = [one, two, three, unused, *(PhotoFactory() for _ in range(12))]
    assert uses(*many) == uses(one) | uses(two) | uses(three)
    records = [record for record, _name in photo_uses_in_bodies(Photo.objects.filter(pk=one.pk))]
    assert place in records and item in records


def test_referenced_photo_ids_in_order_once_each():
    html = '<figure data-photo="3"></figure><p>x</p><figure data-photo="1"></figure>' * 2
    assert referenced_photo_ids(html) == [3, 1]
    assert referenced_photo_ids("<p>No photos</p>") == []


# --- the demo content (last in this module: tests/conftest.py) ------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_demo_home_introduction_still_shows_its_paragraphs(client, demo, lang):
    page = BeautifulSoup(client.get(f"/{lang}/").content, "html.parser")
    paragraphs = [p.get_text(strip=True) for p in page.select(".intro .prose p")]
    assert len(paragraphs) >= 2 and all(paragraphs)
    assert "\n\n" not in page.select_one(".intro .prose").get_text().strip()
