"""Every add and change form of the content apps' admin, and every list's search and filters,
fed hostile and duplicate values: the answer is a form error, a 400 or a save, never a 5xx;
and an untouched save of every change form stores a revision (kazportal/revisions.py)."""

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from reversion.models import Version

from kazportal.permissions import CONTENT_APPS
from tests.adminforms import errors, form_fields

HOSTILE = {
    "nul": "Абай\x00күні",
    "long": "Ұ" * 20_000,
    "markup": '<script>alert("x")</script><img src=x onerror=alert(1)> \' OR 1=1 --',
    "controls": "\u202e\ufeff\u0000\u0007𝕂азақ🏇",
    "numbers": "99999999999999999999999",
}


@pytest.mark.parametrize(
    "path",
    [
        "/kk/calendar/?region=%00",
        "/ru/search/?q=abai%00",
        "/en/heritage/history/?era=%00",
        "/admin/articles/article/?q=%00",
        "/admin/?x%00=1",
    ],
)
def test_a_nul_byte_in_the_address_is_a_translated_400(client, path):
    """One rule for every page (kazportal/middleware.py): PostgreSQL cannot take NUL bytes."""
    response = client.get(path)
    assert response.status_code == 400
    assert "\x00" not in response.content.decode()
    if path.startswith("/ru/"):
        assert "NUL" in response.content.decode() and "недопустимый" in response.content.decode()


def test_a_nul_byte_in_a_cookie_is_a_400_not_a_database_error(client):
    response = client.get("/kk/", HTTP_COOKIE='sessionid="abc\\000def"')
    assert response.status_code == 400


def admins():
    return sorted(
        (ma for model, ma in admin.site._registry.items() if model._meta.app_label in CONTENT_APPS),
        key=lambda ma: ma.model._meta.label,
    )


def admin_id(ma):
    return ma.model._meta.label_lower


def first_row(model_admin, user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return model_admin.get_queryset(request).order_by("pk").first()


def form_urls(model_admin, user):
    opts = model_admin.model._meta
    request = RequestFactory().get("/admin/")
    request.user = user
    urls = []
    if model_admin.has_add_permission(request):
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    row = first_row(model_admin, user)
    if row is not None and model_admin.has_change_permission(request, row):
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk]))
    return urls


def hostile(data, value, html):
    """`data` with every field a person types into (text, numbers, dates, choices) set to
    `value`, and every file input given a file that is not what it claims to be."""
    spoiled = {}
    for name, current in data.items():
        if name.startswith(("csrfmiddlewaretoken", "_")) or "-TOTAL_FORMS" in name:
            spoiled[name] = current
        elif "-INITIAL_FORMS" in name or "-MIN_NUM" in name or "-MAX_NUM" in name:
            spoiled[name] = current
        elif name.endswith("-id") or name.endswith("-DELETE"):
            spoiled[name] = current
        else:
            spoiled[name] = value
    for name in file_inputs(html):
        spoiled[name] = SimpleUploadedFile(f"{value[:40]}.jpg", value.encode("utf-8", "replace"))
    return spoiled


def file_inputs(html):
    from bs4 import BeautifulSoup

    page = BeautifulSoup(html, "html.parser")
    return [
        field["name"]
        for field in page.select('form[id$="_form"] input[type=file]')
        if "__prefix__" not in field["name"]
    ]


@pytest.mark.parametrize("model_admin", admins(), ids=admin_id)
def test_no_admin_form_answers_hostile_input_with_a_server_error(
    admin_client, admin_user, demo, model_admin
):
    urls = form_urls(model_admin, admin_user)
    if not urls:
        # Only the visitors' portrait jobs are read-only; everything else has a form.
        assert model_admin.model._meta.label == "batyr.Portrait"
        return
    for url in urls:
        page = admin_client.get(url)
        assert page.status_code == 200
        data = form_fields(page.content)
        for name, value in HOSTILE.items():
            before = model_admin.model._default_manager.count()
            response = admin_client.post(url, hostile(data, value, page.content))
            assert response.status_code < 500, (url, name)
            if response.status_code == 200:  # refused: nothing of it was saved
                assert model_admin.model._default_manager.count() == before
        # Duplicates: the values of another row of the same model, its slug included.
        response = admin_client.post(url, data)
        assert response.status_code < 500, (url, "duplicate", errors(response))


@pytest.mark.parametrize("model_admin", admins(), ids=admin_id)
def test_no_admin_list_answers_hostile_searches_and_filters_with_a_server_error(
    admin_client, demo, model_admin
):
    opts = model_admin.model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    searches = [{"q": value} for value in HOSTILE.values()]
    filters = [
        {param: value}
        for param in ("o", "p", "status__exact", "region__id__exact", "missing", "x\x00")
        for value in (HOSTILE["nul"], HOSTILE["numbers"])
    ]
    for params in searches + filters:
        response = admin_client.get(url, params)
        assert response.status_code < 500, (url, params)
    autocomplete = reverse("admin:autocomplete")
    for value in HOSTILE.values():
        response = admin_client.get(
            autocomplete,
            {
                "term": value,
                "app_label": "articles",
                "model_name": "article",
                "field_name": "related",
            },
        )
        assert response.status_code < 500


@pytest.mark.parametrize("model_admin", admins(), ids=admin_id)
def test_every_change_form_save_stores_a_revision(admin_client, admin_user, demo, model_admin):
    row = first_row(model_admin, admin_user)
    opts = model_admin.model._meta
    if row is None or model_admin.model._meta.label == "batyr.Portrait":
        assert opts.label == "batyr.Portrait"
        return
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
    response = admin_client.post(url, form_fields(admin_client.get(url).content))
    assert response.status_code == 302, errors(response)
    version = Version.objects.get_for_object(row).first()
    assert version.revision.user == admin_user
