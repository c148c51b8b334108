"""The photo library for editors (issue 13, part 5): thumbnails in every photo picker, ordered
galleries, a focal point that every crop follows, "used in" on the photo's form, duplicates
and oversized uploads refused without leaving a file behind."""

import hashlib
import importlib
import io
import random
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from PIL import Image, ImageFile

from kazportal.models import HomePage, Photo
from tests.articles.factories import ArticleFactory, EventFactory
from tests.factories import PhotoFactory, PlaceFactory, image_bytes
from tests.heritage.factories import ItemFactory, ItemPhotoFactory
from tests.regions.factories import PlacePhotoFactory

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/kazportal/photo/add/"


@pytest.fixture
def editor(client, make_editor):
    """An Editors-group user's client, the admin in English."""
    client.force_login(make_editor())
    client.cookies["django_language"] = "en"
    return client


def upload(name="yurt.jpg", content=None, **fields):
    content = content if content is not None else image_bytes(900, 600, (10, 120, 200))
    return {
        "image": SimpleUploadedFile(name, content, content_type="image/jpeg"),
        "alt_kk": "Киіз үй",
        "alt_ru": "Юрта",
        "alt_en": "A yurt",
        **fields,
    }


def media_files():
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def errors_of(response, field="image"):
    """The form's errors, read in English (the messages are lazy: they take the language
    active when they are read, and the test's is Kazakh)."""
    with translation.override("en"):
        return [str(e) for e in response.context["adminform"].form.errors.get(field, [])]


def noisy_png(width, height):
    """A PNG that does not compress: its file is about 3 bytes a pixel."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", (width, height), _noise(width, height)).save(buffer, "PNG")
    return buffer.getvalue()


def _noise(width, height):
    rng = random.Random(13)
    return bytes(rng.getrandbits(8) for _ in range(width * height * 3))


# --- 1. thumbnails in the pickers -------------------------------------------------------------


def test_the_photo_autocomplete_json_carries_each_results_480px_webp_thumbnail(editor):
    photo = PhotoFactory(alt_en="Charyn canyon", alt_kk="Шарын шатқалы")
    response = editor.get(
        reverse("admin:kazportal_photo_autocomplete"),
        {"app_label": "regions", "model_name": "placephoto", "field_name": "photo", "term": ""},
    )
    assert response.status_code == 200
    [result] = response.json()["results"]
    assert result["id"] == str(photo.pk)
    assert result["thumbnail"] == photo.rendition(480, "WEBP").url
    assert result["thumbnail"].endswith(".webp")


def test_the_photo_autocomplete_keeps_djangos_permission_checks(client, django_user_model):
    PhotoFactory()
    client.force_login(django_user_model.objects.create_user("nobody", is_staff=True))
    response = client.get(
        reverse("admin:kazportal_photo_autocomplete"),
        {"app_label": "regions", "model_name": "placephoto", "field_name": "photo", "term": ""},
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "url_of, field",
    [
        (
            lambda photo: reverse(
                "admin:regions_place_change", args=[PlaceFactory(cover=photo).pk]
            ),
            "cover",
        ),
        (
            lambda photo: reverse(
                "admin:articles_article_change", args=[ArticleFactory(cover=photo).pk]
            ),
            "cover",
        ),
        (
            lambda photo: reverse(
                "admin:regions_place_change", args=[PlacePhotoFactory(photo=photo).place.pk]
            ),
            "place_photos-0-photo",
        ),
        (
            lambda photo: reverse(
                "admin:heritage_historyitem_change", args=[ItemPhotoFactory(photo=photo).item.pk]
            ),
            "item_photos-0-photo",
        ),
        (
            lambda photo: reverse(
                "admin:kazportal_homepage_change",
                args=[HomePage.objects.create(hero_photo=photo, track_cover=photo).pk],
            ),
            "hero_photo",
        ),
    ],
    ids=["place cover", "article cover", "place gallery row", "item gallery row", "home page hero"],
)
def test_every_photo_picker_shows_the_chosen_photos_thumbnail(editor, url_of, field):
    photo = PhotoFactory()
    html = editor.get(url_of(photo)).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    select = soup.find("select", attrs={"name": field})
    assert select["data-ajax--url"] == reverse("admin:kazportal_photo_autocomplete")
    chosen = select.find("option", selected=True)
    assert chosen["value"] == str(photo.pk)
    assert chosen["data-thumbnail"] == photo.rendition(480, "WEBP").url
    scripts = [s["src"] for s in soup.find_all("script", src=True)]
    picker = scripts.index("/static/js/admin-photo-picker.js")
    # After Select2 and Django's autocomplete.js, which starts the widgets on DOM ready.
    assert picker > max(i for i, s in enumerate(scripts) if "autocomplete" in s and i != picker)


def test_the_photo_list_shows_thumbnails(editor):
    photo = PhotoFactory()
    html = editor.get(reverse("admin:kazportal_photo_changelist")).content.decode()
    assert f'src="{photo.rendition(480, "WEBP").url}"' in html


def test_other_pickers_keep_djangos_autocomplete(editor):
    place = PlaceFactory()
    html = editor.get(reverse("admin:regions_place_change", args=[place.pk])).content.decode()
    select = BeautifulSoup(html, "html.parser").find("select", attrs={"name": "region"})
    assert select["data-ajax--url"] == reverse("admin:autocomplete")


# --- 2. drag-to-order galleries ----------------------------------------------------------------


@pytest.mark.parametrize(
    "url_of, prefix",
    [
        (lambda: reverse("admin:regions_place_change", args=[PlaceFactory().pk]), "place_photos"),
        (
            lambda: reverse("admin:heritage_historyitem_change", args=[ItemFactory().pk]),
            "item_photos",
        ),
        (
            lambda: reverse("admin:kazportal_homepage_change", args=[HomePage.load().pk]),
            "region_features",
        ),
    ],
    ids=["place gallery", "item gallery", "home regions"],
)
def test_ordered_inlines_mark_their_order_inputs_for_dragging(editor, url_of, prefix):
    html = editor.get(url_of()).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    orders = soup.select(f"input[name^={prefix}-][name$=-order]")
    assert orders and all(o.has_attr("data-sortable-order") for o in orders)
    assert all(o.get("type") == "number" for o in orders)  # still typed in: the fallback
    assert "/static/js/admin-photo-gallery.js" in html


def test_a_gallerys_new_order_is_saved_from_the_order_inputs(editor):
    place = PlaceFactory()
    rows = [PlacePhotoFactory(place=place, order=n) for n in (1, 2, 3)]
    url = reverse("admin:regions_place_change", args=[place.pk])
    soup = BeautifulSoup(editor.get(url).content.decode(), "html.parser")
    data = {}
    for field in soup.select("#place_form input, #place_form select, #place_form textarea"):
        name = field.get("name")
        if not name or field.get("type") in ("submit", "checkbox", "file"):
            continue
        if field.name == "select":
            chosen = field.find("option", selected=True)
            data[name] = chosen["value"] if chosen else ""
        elif field.name == "textarea":
            data[name] = field.text
        else:
            data[name] = field.get("value", "")
    for index, row in enumerate(rows):  # what the script writes after a drag: 3, 1, 2
        assert data[f"place_photos-{index}-id"] == str(row.pk)
        data[f"place_photos-{index}-order"] = str([3, 1, 2][index])
    response = editor.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    saved = list(place.place_photos.values_list("pk", flat=True))
    assert saved == [rows[1].pk, rows[2].pk, rows[0].pk]


# --- 3. the focal point -----------------------------------------------------------------------


def test_a_new_photo_is_focused_on_its_middle():
    assert (PhotoFactory().focal_x, PhotoFactory().focal_y) == (0.5, 0.5)


@pytest.mark.parametrize("x, y", [(-0.01, 0.5), (0.5, 1.2), (2, 0)])
def test_a_focal_point_outside_the_picture_is_refused(x, y):
    photo = PhotoFactory.build(focal_x=x, focal_y=y)
    with pytest.raises(ValidationError) as refused:
        photo.full_clean(exclude=["image"])
    message = "The focal point is a fraction from 0 (left or top) to 1 (right or bottom)."
    with translation.override("en"):
        assert message in str(refused.value)


def test_the_focal_point_error_is_a_translated_form_error(editor):
    photo = PhotoFactory()
    url = reverse("admin:kazportal_photo_change", args=[photo.pk])
    data = {"alt_kk": "Дала", "alt_ru": "Степь", "alt_en": "Steppe", "focal_x": "1.5"}
    with translation.override("en"):
        response = editor.post(url, {**data, "focal_y": "0.2"})
    assert response.status_code == 200
    assert errors_of(response, "focal_x") == [
        "The focal point is a fraction from 0 (left or top) to 1 (right or bottom)."
    ]
    # Marked for translation: the Photo field's validator message is a lazy gettext string.
    validator = Photo._meta.get_field("focal_x").validators[-1]
    assert type(validator.message).__name__ == "__proxy__"
    photo.refresh_from_db()
    assert photo.focal_x == 0.5


def test_the_focal_point_is_saved_from_the_photo_form_and_empty_means_the_middle(editor):
    photo = PhotoFactory(focal_x=0.1, focal_y=0.1)
    url = reverse("admin:kazportal_photo_change", args=[photo.pk])
    data = {"alt_kk": "Дала", "alt_ru": "Степь", "alt_en": "Steppe"}
    assert editor.post(url, {**data, "focal_x": "0.25", "focal_y": "0.8"}).status_code == 302
    photo.refresh_from_db()
    assert (photo.focal_x, photo.focal_y) == (0.25, 0.8)
    assert editor.post(url, {**data, "focal_x": "", "focal_y": ""}).status_code == 302
    photo.refresh_from_db()
    assert (photo.focal_x, photo.focal_y) == (0.5, 0.5)


def test_the_photo_form_has_the_clickable_picture_and_the_inputs(editor):
    photo = PhotoFactory()
    html = editor.get(reverse("admin:kazportal_photo_change", args=[photo.pk])).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    box = soup.select_one(".admin-photo-focal")
    assert box.select_one("img[data-focal-image]")["src"] == photo.rendition(800, "WEBP").url
    assert box.select_one(".admin-photo-focal-marker")
    assert soup.select_one("input[name=focal_x][data-focal-x]")["type"] == "number"
    assert soup.select_one("input[name=focal_y][data-focal-y]")["type"] == "number"
    assert "/static/js/admin-photo-focal.js" in html
    assert box.select("[style]") == [] and not box.has_attr("style")  # the CSP: no inline styles


@pytest.mark.parametrize(
    "x, y, classes",
    [
        (0.5, 0.5, "focal-x-50 focal-y-50"),
        (0.0, 1.0, "focal-x-0 focal-y-100"),
        (0.33, 0.78, "focal-x-35 focal-y-80"),
        (0.12, 0.02, "focal-x-10 focal-y-0"),
    ],
)
def test_the_picture_tag_puts_the_focal_point_on_the_img(x, y, classes):
    photo = PhotoFactory(focal_x=x, focal_y=y)
    html = Template("{% load kazportal %}{% picture photo css_class='hero-img' %}").render(
        Context({"photo": photo})
    )
    img = BeautifulSoup(html, "html.parser").find("img")
    assert img["class"] == ["hero-img", *classes.split()]
    assert "style" not in img.attrs  # the CSP forbids inline styles


def test_every_focal_class_has_its_object_position_and_no_crop_fixes_its_own():
    css = {
        name: (Path(settings.BASE_DIR) / "static" / "css" / name).read_text()
        for name in ("site.css", "articles.css", "home.css", "heritage.css", "regions.css")
    }
    assert re.search(
        r'img\[class\*="focal-x-"\]\s*\{\s*object-position:\s*var\(--focal-x, 50%\) '
        r"var\(--focal-y, 50%\);",
        css["site.css"],
    )
    for axis in "xy":
        for value in range(0, 101, 5):
            assert f".focal-{axis}-{value} {{ --focal-{axis}: {value}%; }}" in css["site.css"]
    # The crops by object-fit: cover leave the position to the photo (the article cover used
    # to show its bottom quarter, whatever the picture).
    for name, text in css.items():
        for rule in re.findall(r"[^{}]*\{[^}]*object-fit:\s*cover[^}]*\}", text):
            assert "object-position" not in rule, (name, rule)


def test_the_article_page_crops_its_cover_around_the_focal_point(client):
    photo = PhotoFactory(focal_x=0.2, focal_y=0.9)
    article = ArticleFactory(cover=photo)
    with translation.override("en"):
        html = client.get(article.get_absolute_url()).content.decode()
    img = BeautifulSoup(html, "html.parser").select_one(".article-cover img")
    assert {"focal-x-20", "focal-y-90"} <= set(img["class"])


# --- 4. "used in" -------------------------------------------------------------------------


def use_everywhere(photo, n, home_field="hero_photo"):
    """n places with it as cover and n gallery rows, n articles, n items (cover and gallery),
    n events, and the home page (as its hero or its album art)."""
    for _ in range(n):
        PlaceFactory(cover=photo)
        PlacePhotoFactory(photo=photo)
        ArticleFactory(cover=photo)
        ItemFactory(cover=photo)
        ItemPhotoFactory(photo=photo)
        EventFactory(image=photo)
    HomePage.objects.update_or_create(pk=1, defaults={home_field: photo})


def test_the_photo_form_lists_every_use_as_a_link(editor):
    photo = PhotoFactory()
    use_everywhere(photo, 1)
    url = reverse("admin:kazportal_photo_change", args=[photo.pk])
    soup = BeautifulSoup(editor.get(url).content.decode(), "html.parser")
    links = {a["href"] for a in soup.select(".admin-photo-uses a")}
    from articles.models import Article, Event
    from heritage.models import Item
    from regions.models import Place, PlacePhoto

    expected = {
        *(
            p.get_admin_url()
            if hasattr(p, "get_admin_url")
            else reverse("admin:regions_place_change", args=[p.pk])
            for p in Place.objects.all()
        ),
        *(reverse("admin:articles_article_change", args=[a.pk]) for a in Article.objects.all()),
        *(reverse("admin:articles_event_change", args=[e.pk]) for e in Event.objects.all()),
        *(i.get_admin_url() for i in Item.objects.all()),
        reverse("admin:kazportal_homepage_change", args=[1]),
    }
    assert links == expected
    assert len(soup.select(".admin-photo-uses li")) == 7
    assert PlacePhoto.objects.filter(photo=photo).count() == 1


def test_a_photo_used_nowhere_says_so(editor):
    photo = PhotoFactory()
    with translation.override("en"):
        html = editor.get(reverse("admin:kazportal_photo_change", args=[photo.pk])).content
    assert "Not used anywhere yet" in html.decode()


def test_used_in_takes_as_many_queries_for_one_use_as_for_many(
    editor, django_assert_max_num_queries
):
    few, many = PhotoFactory(), PhotoFactory()
    use_everywhere(few, 1)
    use_everywhere(many, 6, home_field="track_cover")
    with CaptureQueriesContext(connection) as one_each:
        response = editor.get(reverse("admin:kazportal_photo_change", args=[few.pk]))
    assert len(BeautifulSoup(response.content, "html.parser").select(".admin-photo-uses li")) == 7
    with django_assert_max_num_queries(len(one_each)):
        response = editor.get(reverse("admin:kazportal_photo_change", args=[many.pk]))
    assert len(BeautifulSoup(response.content, "html.parser").select(".admin-photo-uses li")) == 37


# --- 5. duplicates ------------------------------------------------------------------------


def test_an_upload_stores_its_content_hash(editor):
    content = image_bytes(700, 500, (1, 2, 3))
    assert editor.post(ADD_URL, upload(content=content)).status_code == 302
    assert Photo.objects.get().sha256 == hashlib.sha256(content).hexdigest()


def test_a_file_already_in_the_library_is_refused_with_a_link_to_it(editor):
    content = image_bytes(700, 500, (40, 80, 160))
    assert editor.post(ADD_URL, upload("first.jpg", content)).status_code == 302
    first = Photo.objects.get()
    stored = media_files()
    with translation.override("en"):
        response = editor.post(ADD_URL, upload("again-other-name.jpg", content))
    assert response.status_code == 200
    [error] = errors_of(response)
    assert "already in the library" in error
    link = BeautifulSoup(error, "html.parser").find("a")
    assert link["href"] == first.get_admin_url() and link.text == str(first)
    assert Photo.objects.count() == 1
    assert media_files() == stored  # nothing new in the storage


def test_replacing_a_photos_file_with_anothers_is_refused_but_its_own_is_fine(editor):
    a = PhotoFactory(image=ContentFile(image_bytes(300, 200, (200, 0, 0)), name="a.jpg"))
    b = PhotoFactory(image=ContentFile(image_bytes(300, 200, (0, 200, 0)), name="b.jpg"))
    data = {"alt_kk": "Дала", "alt_ru": "Степь", "alt_en": "Steppe"}
    url = reverse("admin:kazportal_photo_change", args=[b.pk])
    same_as_a = upload(content=image_bytes(300, 200, (200, 0, 0)), **data)
    response = editor.post(url, same_as_a)
    assert response.status_code == 200 and a.get_admin_url() in errors_of(response)[0]
    own = upload(content=image_bytes(300, 200, (0, 200, 0)), **data)
    assert editor.post(url, own).status_code == 302


def test_the_migration_fills_the_hash_of_photos_already_stored():
    photo = PhotoFactory()
    expected = photo.sha256
    Photo.objects.update(sha256="")
    missing = PhotoFactory()
    Photo.objects.filter(pk=missing.pk).update(sha256="", image="photos/2020/gone.jpg")
    migration = importlib.import_module("kazportal.migrations.0005_photo_library")
    migration.fill_sha256(apps, None)
    assert Photo.objects.get(pk=photo.pk).sha256 == expected
    assert Photo.objects.get(pk=missing.pk).sha256 == ""


# --- 6. upload limits ---------------------------------------------------------------------


def test_the_limits_default_to_15_mb_and_40_megapixels():
    from kazportal.models import photo_limits

    assert photo_limits() == (15 * 1024 * 1024, 40_000_000)


def test_a_file_over_the_size_limit_is_refused_and_leaves_no_file(editor, settings):
    settings.PHOTO_MAX_UPLOAD_MB = 0.5
    content = noisy_png(600, 400)  # about 0.7 MB
    assert len(content) > 0.5 * 1024 * 1024
    with translation.override("en"):
        response = editor.post(ADD_URL, upload("big.png", content))
    assert response.status_code == 200
    [error] = errors_of(response)
    assert error.startswith("The file is too large (0.7 MB): at most")
    assert not Photo.objects.exists() and media_files() == []


def test_a_picture_over_the_megapixel_limit_is_refused_from_its_header(
    editor, settings, monkeypatch
):
    settings.PHOTO_MAX_MEGAPIXELS = 1
    decoded = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(self))
    monkeypatch.setattr(ImageFile.ImageFile, "load_prepare", lambda self: decoded.append(self))
    with translation.override("en"):
        response = editor.post(ADD_URL, upload("wide.jpg", image_bytes(1500, 1000)))
    assert response.status_code == 200
    assert errors_of(response) == [
        "The picture is too large (1.5 megapixels): at most 1 megapixels. "
        "Make it smaller before uploading it."
    ]
    assert decoded == []  # Pillow read the header only
    assert not Photo.objects.exists() and media_files() == []


def test_the_model_refuses_oversized_new_files_but_not_stored_ones(settings):
    photo = PhotoFactory(image=ContentFile(image_bytes(1500, 1000), name="wide.jpg"))
    settings.PHOTO_MAX_MEGAPIXELS = 1
    photo.full_clean()  # already in the library: left alone
    photo.image = SimpleUploadedFile("again.jpg", image_bytes(1500, 1001), "image/jpeg")
    with pytest.raises(ValidationError) as refused:
        photo.full_clean()
    assert refused.value.error_dict["image"][0].code == "photo_megapixels"


def test_a_picture_within_the_limits_is_accepted(editor, settings):
    settings.PHOTO_MAX_MEGAPIXELS = 1
    assert editor.post(ADD_URL, upload(content=image_bytes(1000, 1000))).status_code == 302
    assert Photo.objects.get().width == 1000
