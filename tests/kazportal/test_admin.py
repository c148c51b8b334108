from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error

from kazportal import cache as page_cache
from kazportal.admin import TranslationStatusFilter, missing_in
from kazportal.cache import bump_generation
from kazportal.models import Photo
from regions.models import Region
from tests.factories import PhotoFactory, image_bytes


@pytest.mark.django_db
def test_editors_group_edits_content_but_not_users(client, django_user_model):
    editors = Group.objects.get(name="Editors")
    codenames = set(editors.permissions.values_list("codename", flat=True))
    assert {"add_photo", "change_region", "delete_place"} <= codenames
    assert not {"add_user", "change_user", "change_group"} & codenames
    editor = django_user_model.objects.create_user("ed", password="pw-123456", is_staff=True)
    editor.groups.add(editors)
    client.force_login(editor)
    assert client.get("/admin/regions/region/add/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403


@pytest.mark.django_db
def test_translation_status_column_and_filter(admin_client):
    full = Region.objects.create(slug="full", name_kk="А", name_ru="Б", name_en="C")
    no_en = Region.objects.create(slug="no-en", name_kk="А", name_ru="Б", name_en="")
    assert missing_in(full, "en") == [] and missing_in(no_en, "en") == ["name"]
    html = admin_client.get("/admin/regions/region/").content.decode()
    assert 'class="missing">en –' in html and 'class="complete">kk ✓' in html
    filtered = admin_client.get(
        "/admin/regions/region/", {TranslationStatusFilter.parameter_name: "en"}
    )
    assert list(filtered.context["cl"].queryset) == [no_en]


@pytest.mark.django_db
def test_admin_photo_upload_makes_renditions(admin_client, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("yurt.jpg", image_bytes(900, 600), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(
            "/admin/kazportal/photo/add/",
            {"image": upload, "alt_kk": "Киіз үй", "alt_ru": "Юрта", "alt_en": "A yurt"},
        )
    assert response.status_code == 302
    # The renditions task waits for the commit (so does the page cache's invalidation).
    page_cache_callbacks = (bump_generation, page_cache.stamp, page_cache.purge)
    assert len([c for c in callbacks if getattr(c, "func", c) not in page_cache_callbacks]) == 1
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (900, 600)
    # The worker (immediate backend in tests) made 480, 800 and 900 px in WebP and JPEG.
    assert len(list(Path(settings.MEDIA_ROOT, "renditions").rglob("*.*"))) == 6


@pytest.mark.django_db
def test_admin_uses_the_tabbed_translation_admin_with_self_hosted_assets(admin_client):
    PhotoFactory()
    html = admin_client.get("/admin/kazportal/photo/add/").content.decode()
    assert "/static/vendor/jquery-ui/jquery-ui.min.js" in html
    assert "/static/js/admin-translation-tabs.js" in html
    assert "googleapis" not in html and "code.jquery.com" not in html
    assert 'name="alt_kk"' in html and 'name="alt_ru"' in html and 'name="alt_en"' in html


@pytest.mark.parametrize(
    ("lang", "text"), [("kk", "Бірдеңе дұрыс болмады"), ("ru", "Что-то пошло не так")]
)
def test_500_page_is_translated(lang, text):
    request = RequestFactory().get(f"/{lang}/")
    with translation.override(lang):
        response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert text in html and f'<html lang="{lang}">' in html
