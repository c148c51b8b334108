"""A look's preview picture: checked when an editor saves it, and never a 500 on the pages
that show looks when the file is missing anyway (a value written to the database directly)."""

import json

import pytest
from bs4 import BeautifulSoup
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import ValidationError

from batyr.models import Look
from kazportal.i18n import LANGS

pytestmark = pytest.mark.django_db

BROKEN = "batyr/looks/no-such-drawing"


@pytest.fixture
def manifest_static(settings, tmp_path):
    """Production's static storage: hashed names from a manifest, which raises for a file that
    is not in it (the test settings' plain storage would only give a broken picture)."""
    root = tmp_path / "static"
    root.mkdir()
    paths = {}
    for finder in finders.get_finders():
        for path, _storage in finder.list([]):
            paths[path.replace("\\", "/")] = path.replace("\\", "/")
    (root / "staticfiles.json").write_text(json.dumps({"version": "1.1", "paths": paths}))
    storages = dict(settings.STORAGES)
    storages["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage",
        "OPTIONS": {"location": root},
    }
    settings.STORAGES = storages
    settings.STATIC_ROOT = root
    assert staticfiles_storage.manifest_strict
    return root


def form_fields(response):
    """The change form's fields as the browser would send them."""
    form = BeautifulSoup(response.content.decode(), "html.parser").select_one("form#look_form")
    data = {}
    for field in form.select("input[name], textarea[name], select[name]"):
        name = field["name"]
        if field.name == "textarea":
            data[name] = field.text.lstrip("\n")
        elif field.name == "select":
            chosen = field.select_one("option[selected]") or field.select_one("option")
            data[name] = chosen["value"] if chosen else ""
        elif field.get("type") == "checkbox":
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        elif field.get("type") not in ("submit", "button", "file"):
            data[name] = field.get("value", "")
    return data


@pytest.mark.parametrize("lang", LANGS)
def test_the_admin_refuses_a_preview_that_is_not_in_the_static_files(admin_client, look, lang):
    url = f"/admin/batyr/look/{look.pk}/change/"
    data = form_fields(admin_client.get(url))
    assert data["preview"] == "batyr/looks/dulyga"
    data["preview"] = BROKEN
    response = admin_client.post(url, data, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    errors = BeautifulSoup(response.content.decode(), "html.parser").select(".errorlist")
    text = " ".join(e.get_text() for e in errors)
    assert f"{BROKEN}.webp" in text and f"{BROKEN}.jpg" in text
    look.refresh_from_db()
    assert look.preview == "batyr/looks/dulyga"


def test_a_preview_path_outside_the_static_files_is_refused(look):
    for value in ("../../kazportal/settings/base", "/etc/passwd", "batyr/looks/dulyga.webp"):
        look.preview = value
        with pytest.raises(ValidationError) as refused:
            look.full_clean()
        assert list(refused.value.message_dict) == ["preview"]


def test_the_admin_saves_a_preview_that_exists(admin_client, look):
    url = f"/admin/batyr/look/{look.pk}/change/"
    data = form_fields(admin_client.get(url))
    data["preview"] = "batyr/looks/borik"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    look.refresh_from_db()
    assert look.preview == "batyr/looks/borik"


@pytest.mark.parametrize("lang", LANGS)
def test_pages_showing_looks_survive_a_missing_preview(
    client, upload, manifest_static, lang, settings
):
    settings.BATYR_UPLOADS_PER_HOUR = 0
    # the good looks are shown with their hashed picture by the production storage
    assert client.get(f"/{lang}/batyr/").status_code == 200
    Look.objects.filter(slug="borik").update(preview=BROKEN)  # not through the admin
    done = upload(lang=lang)["Location"]  # the result page lists the other looks

    with pytest.raises(ValueError, match="manifest"):  # what {% static %} would have raised
        staticfiles_storage.url(f"{BROKEN}.webp")

    # home and upload page: every look; the result page: the five not painted
    for url, pictures in ((f"/{lang}/", 5), (f"/{lang}/batyr/", 5), (done, 4)):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert BROKEN not in html
        page = BeautifulSoup(html, "html.parser")
        # the other looks keep their pictures; the broken one is shown without one
        assert len(page.select('img[src*="/static/batyr/looks/"]')) == pictures, url
        assert len(page.select('source[srcset*="/static/batyr/looks/"]')) == pictures, url
        assert 'value="borik"' in html or url == f"/{lang}/"  # still offered, without a picture
