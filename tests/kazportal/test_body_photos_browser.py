"""A photo from the library in a place's body, in Chromium: an Editors-group user with the admin
in Kazakh inserts it with the editor's "Photo from the library" button in each language's tab,
saves, and the public place page shows it as a responsive picture in kk, ru and en."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from regions.models import Place
from tests.factories import PhotoFactory, PlaceFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "a-long-pass-phrase"


@pytest.fixture
def kk_editor(browser, live_server, make_editor):
    """A signed-in Editors-group user's tab, the admin in Kazakh."""
    make_editor("aigerim", password=PASSWORD)
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="kk")
    context.add_cookies([{"name": "django_language", "value": "kk", "url": live_server.url}])
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "aigerim")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    yield page
    context.close()


def insert_photo(page, lang, term, photo):
    """In the `lang` tab: put the cursor at the end of the body and insert `photo` through the
    toolbar button's dialog, found by searching for `term`."""
    page.click(f"a[href='#tab_id_body_{lang}']")
    editor = page.locator(f".prose-editor:has(#id_body_{lang})")
    editor.locator(".ProseMirror[contenteditable=true]").click()
    page.keyboard.press("Control+End")
    editor.locator(".prose-menubar button[data-name=libraryPhoto]").click()
    dialog = page.locator("dialog.library-photo-dialog[open]")
    dialog.locator("input[type=search]").fill(term)
    dialog.locator(f".library-photo-result[data-photo-id='{photo.pk}']").click()
    # The dialog's "close" event (which removes it) is queued: wait for it, not a fixed sleep.
    expect(page.locator("dialog.library-photo-dialog")).to_have_count(0)
    # The editor shows the photo (its description), the textarea holds the reference.
    figure = editor.locator(f"figure.library-photo[data-photo='{photo.pk}']")
    figure.wait_for()
    assert photo.alt_kk in figure.inner_text()  # the admin is in Kazakh
    assert f'<figure data-photo="{photo.pk}"></figure>' in page.input_value(f"#id_body_{lang}")


def test_a_library_photo_inserted_in_a_place_body_shows_on_the_site_in_every_language(
    live_server, kk_editor
):
    PhotoFactory(alt_kk="Басқа сурет", alt_ru="Другое фото", alt_en="Another photo")
    photo = PhotoFactory(
        alt_kk="Шарын шатқалы күн батқанда",
        alt_ru="Чарынский каньон на закате",
        alt_en="Charyn Canyon at sunset",
        caption_kk="Шарын шатқалы",
        caption_ru="Чарынский каньон",
        caption_en="Charyn Canyon",
    )
    place = PlaceFactory(
        body_kk="<p>Шатқал туралы.</p>", body_ru="<p>О каньоне.</p>", body_en="<p>About it.</p>"
    )
    page = kk_editor
    page.goto(f"{live_server.url}{reverse('admin:regions_place_change', args=[place.pk])}")
    button = page.locator(".prose-editor:has(#id_body_kk) button[data-name=libraryPhoto]")
    assert button.get_attribute("title")  # a translated label, read out as its name
    insert_photo(page, "kk", "Шарын", photo)
    insert_photo(page, "ru", "Чарын", photo)
    insert_photo(page, "en", "canyon", photo)
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    assert page.js_errors == []

    place = Place.objects.get(pk=place.pk)
    assert place.body_kk == f'<p>Шатқал туралы.</p><figure data-photo="{photo.pk}"></figure>'
    for lang in ("ru", "en"):
        assert f'<figure data-photo="{photo.pk}"></figure>' in getattr(place, f"body_{lang}")

    for lang in ("kk", "ru", "en"):
        page.goto(f"{live_server.url}{place.get_absolute_url().replace('/kk/', f'/{lang}/')}")
        figure = page.locator(".place-body figure.body-photo")
        assert figure.count() == 1
        img = figure.locator("picture img")
        assert ".jpg 480w" in img.get_attribute("srcset")
        assert ".webp 480w" in figure.locator("picture source").get_attribute("srcset")
        assert img.get_attribute("alt") == getattr(photo, f"alt_{lang}")
        assert img.get_attribute("loading") == "lazy"
        assert (img.get_attribute("width"), img.get_attribute("height")) == ("800", "560")
        assert figure.locator("figcaption").inner_text() == getattr(photo, f"caption_{lang}")
    assert page.js_errors == []
