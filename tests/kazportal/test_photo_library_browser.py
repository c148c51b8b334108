"""The photo library in Chromium, by an Editors-group user with the admin in Kazakh: the focal
point chosen by clicking the picture moves the crop on the public page, a gallery row dragged
by its handle changes the gallery's order, and the pickers show thumbnails."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from kazportal.models import Photo
from regions.models import PlacePhoto
from tests.articles.factories import ArticleFactory
from tests.factories import PhotoFactory, PlaceFactory, image_bytes
from tests.regions.factories import PlacePhotoFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RED, GREEN, BLUE = (220, 30, 30), (30, 200, 30), (30, 30, 220)


@pytest.fixture
def editor_page(browser, live_server, make_editor, renditions_on_use):
    """A logged-in Editors-group user's tab, the admin in Kazakh; renditions are made when a
    page names them, so that the live server serves them."""
    make_editor("aigerim", password="a-long-pass-phrase")
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="kk")
    context.add_cookies([{"name": "django_language", "value": "kk", "url": live_server.url}])
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    # Content-Security-Policy violations, with the script that caused them.
    page.add_init_script(
        "window.cspViolations = [];"
        "document.addEventListener('securitypolicyviolation', e =>"
        " window.cspViolations.push(e.sourceFile + ' ' + e.violatedDirective));"
    )
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "aigerim")
    page.fill("#id_password", "a-long-pass-phrase")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    yield page
    context.close()


def our_csp_violations(page):
    """CSP violations caused by the photo library's scripts (Select2 and jQuery UI, Django's
    and modeltranslation's, cause their own, unrelated to this work)."""
    return [v for v in page.evaluate("window.cspViolations") if "admin-photo" in v]


def banded_png(size=1200):
    """A square picture in three horizontal bands: red on top, green, blue at the bottom."""
    image = Image.new("RGB", (size, size), GREEN)
    image.paste(RED, (0, 0, size, size // 3))
    image.paste(BLUE, (0, 2 * size // 3, size, size))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def nearest(color):
    return min(
        (RED, GREEN, BLUE), key=lambda c: sum((a - b) ** 2 for a, b in zip(c, color, strict=True))
    )


def middle_colour(page, selector):
    """The colour in the middle of an element as the visitor sees it (a screenshot)."""
    shot = Image.open(io.BytesIO(page.locator(selector).screenshot())).convert("RGB")
    return nearest(shot.getpixel((shot.width // 2, shot.height // 2)))


def click_focal_point(page, fx, fy):
    picture = page.locator("img[data-focal-image]")
    picture.wait_for()
    page.wait_for_function(
        "() => { const i = document.querySelector('img[data-focal-image]');"
        " return i.complete && i.naturalWidth > 0; }"
    )
    box = picture.bounding_box()
    picture.click(position={"x": box["width"] * fx, "y": box["height"] * fy})


def test_the_focal_point_clicked_in_the_photo_form_moves_the_crop_on_the_site(
    live_server, editor_page
):
    page = editor_page
    photo = PhotoFactory(image=ContentFile(banded_png(), name="bands.png"))
    article = ArticleFactory(cover=photo)
    with translation.override("kk"):
        article_url = f"{live_server.url}{article.get_absolute_url()}"
    photo_url = f"{live_server.url}{reverse('admin:kazportal_photo_change', args=[photo.pk])}"

    # In the middle, a 21:9 crop of the square shows the green band.
    page.goto(article_url)
    assert middle_colour(page, ".article-cover img") == GREEN

    # Up: the crop follows the top of the picture.
    page.goto(photo_url)
    click_focal_point(page, 0.5, 0.05)
    assert abs(float(page.input_value("#id_focal_y")) - 0.05) < 0.01
    assert abs(float(page.input_value("#id_focal_x")) - 0.5) < 0.01
    marker_top = page.eval_on_selector(".admin-photo-focal-marker", "m => m.style.top")
    assert marker_top.startswith("5")  # the marker shows it: "5%"
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    photo.refresh_from_db()
    assert abs(photo.focal_y - 0.05) < 0.01
    page.goto(article_url)
    assert "focal-y-5" in page.get_attribute(".article-cover img", "class")
    assert middle_colour(page, ".article-cover img") == RED

    # Down: now the bottom band.
    page.goto(photo_url)
    click_focal_point(page, 0.3, 0.95)
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    page.goto(article_url)
    assert middle_colour(page, ".article-cover img") == BLUE

    # The inputs stay editable: typing moves the marker too.
    page.goto(photo_url)
    page.fill("#id_focal_y", "0.5")
    assert page.eval_on_selector(".admin-photo-focal-marker", "m => m.style.top") == "50%"
    assert page.js_errors == [] and our_csp_violations(page) == []


def test_a_gallery_row_dragged_by_its_handle_changes_the_order(live_server, editor_page):
    page = editor_page
    place = PlaceFactory()
    colours = [(200, 40, 40), (40, 200, 40), (40, 40, 200)]
    rows = [
        PlacePhotoFactory(
            place=place,
            order=n + 1,
            photo=PhotoFactory(image=ContentFile(image_bytes(400, 300, c), name=f"p{n}.jpg")),
        )
        for n, c in enumerate(colours)
    ]
    page.goto(f"{live_server.url}{reverse('admin:regions_place_change', args=[place.pk])}")
    handles = page.locator("#place_photos-group tr.has_original .admin-photo-sort-handle")
    assert handles.count() == 3

    # The thumbnails: on the chosen photo, and in the search results.
    chosen = page.locator("#select2-id_place_photos-0-photo-container img.admin-photo-option-thumb")
    assert chosen.get_attribute("src") == rows[0].photo.rendition(480, "WEBP").url

    # Drag the third row above the first.
    page.locator("#place_photos-group").scroll_into_view_if_needed()
    source = handles.nth(2).bounding_box()
    target = page.locator("#place_photos-0").bounding_box()
    page.mouse.move(source["x"] + source["width"] / 2, source["y"] + source["height"] / 2)
    page.mouse.down()
    page.mouse.move(target["x"] + 40, target["y"] + 4, steps=12)
    page.mouse.up()
    ids = page.eval_on_selector_all(
        "#place_photos-group tr.form-row.has_original", "rows => rows.map(r => r.id)"
    )
    assert ids == ["place_photos-2", "place_photos-0", "place_photos-1"]
    orders = [page.input_value(f"#id_place_photos-{i}-order") for i in (0, 1, 2)]
    assert orders == ["2", "3", "1"]

    # The keyboard does the same: the first row (now the old third) moves down one.
    page.locator("#place_photos-2 .admin-photo-sort-handle").focus()
    page.keyboard.press("ArrowDown")
    orders = [page.input_value(f"#id_place_photos-{i}-order") for i in (0, 1, 2)]
    assert orders == ["1", "3", "2"]
    page.keyboard.press("ArrowUp")

    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    saved = list(PlacePhoto.objects.filter(place=place).values_list("pk", flat=True))
    assert saved == [rows[2].pk, rows[0].pk, rows[1].pk]
    assert page.js_errors == [] and our_csp_violations(page) == []


def test_the_photo_picker_shows_thumbnails_in_its_results(live_server, editor_page):
    page = editor_page
    photo = PhotoFactory(alt_kk="Шарын шатқалы")
    place = PlaceFactory()
    page.goto(f"{live_server.url}{reverse('admin:regions_place_change', args=[place.pk])}")
    page.click("#id_cover + .select2 .select2-selection")
    option = page.locator(".select2-results__option img.admin-photo-option-thumb").first
    option.wait_for()
    assert option.get_attribute("src") == photo.rendition(480, "WEBP").url
    page.locator(".select2-results__option", has_text="Шарын шатқалы").click()
    chosen = page.locator("#select2-id_cover-container img.admin-photo-option-thumb")
    assert chosen.get_attribute("src") == photo.rendition(480, "WEBP").url
    assert Photo.objects.count() == 1
    assert page.js_errors == [] and our_csp_violations(page) == []
