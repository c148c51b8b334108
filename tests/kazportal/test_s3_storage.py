"""Every public media file in an S3-compatible bucket when one is configured, tested against a
real S3 server (moto's server mode on loopback, tests/s3.py): photos and their renditions,
the <picture> URLs, archive documents, the demo media; nothing on local disk."""

import io
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.template import Context, Template
from PIL import Image

from kazportal.models import Photo
from kazportal.renditions import picture_urls, storage_key
from kazportal.settings.base import media_csp_sources, object_storages
from kazportal.tasks import make_renditions
from tests.factories import PhotoFactory, image_bytes
from tests.heritage.factories import PDF_BYTES, DocumentFactory
from tests.s3 import s3_fixture, s3_server_fixture  # noqa: F401 (fixtures s3, s3_server)

pytestmark = pytest.mark.django_db

S3 = "storages.backends.s3.S3Storage"


def anonymous_get(url):
    """(status, body) of a GET without credentials, as a visitor's browser makes it."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


# --- the settings ---------------------------------------------------------------------------


def test_no_bucket_keeps_every_file_on_local_disk():
    assert object_storages({}) == {}


def test_buckets_from_the_environment():
    found = object_storages(
        {
            "AWS_STORAGE_BUCKET_NAME": "kazportal-media",
            "DJANGO_PRIVATE_BUCKET": "kazportal-private",
            "AWS_S3_ENDPOINT_URL": "https://s3.example.kz",
            "AWS_S3_CUSTOM_DOMAIN": "media.kazportal.kz",
        }
    )
    public, private = found["default"], found["private"]
    assert public["BACKEND"] == private["BACKEND"] == S3
    assert public["OPTIONS"]["bucket_name"] == "kazportal-media"
    assert public["OPTIONS"]["querystring_auth"] is False  # plain URLs, remembered by pages
    assert public["OPTIONS"]["custom_domain"] == "media.kazportal.kz"
    assert private["OPTIONS"]["bucket_name"] == "kazportal-private"
    assert private["OPTIONS"]["default_acl"] == "private"
    assert private["OPTIONS"]["querystring_auth"] is True
    assert private["OPTIONS"]["querystring_expire"] <= 60
    assert private["OPTIONS"]["custom_domain"] is None  # never the public CDN
    assert private["OPTIONS"]["object_parameters"]["CacheControl"] == "private, no-store"
    for entry in (public, private):
        assert entry["OPTIONS"]["endpoint_url"] == "https://s3.example.kz"
        assert entry["OPTIONS"]["file_overwrite"] is False
        # the access keys are boto3's to find (environment, role), never a setting
        assert "access_key" not in entry["OPTIONS"] and "secret_key" not in entry["OPTIONS"]


def test_private_bucket_alone_and_without_acls():
    found = object_storages({"DJANGO_PRIVATE_BUCKET": "p", "DJANGO_PRIVATE_BUCKET_ACL": ""})
    assert list(found) == ["private"]
    assert found["private"]["OPTIONS"]["default_acl"] is None


def test_the_private_bucket_cannot_be_the_public_one():
    with pytest.raises(ImproperlyConfigured):
        object_storages({"AWS_STORAGE_BUCKET_NAME": "same", "DJANGO_PRIVATE_BUCKET": "same"})


@pytest.mark.parametrize(
    "environ",
    [
        {"AWS_S3_REGION_NAME": "eu-central-1"},
        {},
        {"AWS_S3_CUSTOM_DOMAIN": "media.kazportal.kz"},
        {"AWS_S3_ENDPOINT_URL": "https://s3.example.kz:9000"},
        {"AWS_S3_ENDPOINT_URL": "https://s3.example.kz", "AWS_S3_ADDRESSING_STYLE": "virtual"},
    ],
)
def test_media_csp_sources_cover_the_storage_urls(environ):
    """The origins to allow in the Content-Security-Policy are those of the URLs the storage
    makes (worked out offline: no request)."""
    from storages.backends.s3 import S3Storage

    environ = {"AWS_STORAGE_BUCKET_NAME": "kazportal-media", **environ}
    options = object_storages(environ)["default"]["OPTIONS"]
    url = S3Storage(**options, access_key="k", secret_key="s").url("photos/2026/a.jpg")
    sources = media_csp_sources(environ)
    assert sources and url.startswith(tuple(f"{source}/" for source in sources)), (url, sources)
    assert media_csp_sources({}) == []


# --- photos and renditions ------------------------------------------------------------------


def test_admin_photo_upload_lands_in_the_public_bucket_with_its_renditions(
    s3, admin_client, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("yurt.jpg", image_bytes(900, 600), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):  # the renditions task runs
        response = admin_client.post(
            "/admin/kazportal/photo/add/",
            {"image": upload, "alt_kk": "Киіз үй", "alt_ru": "Юрта", "alt_en": "A yurt"},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    photo = Photo.objects.get()
    # the size was read from the upload, the hash too
    assert (photo.width, photo.height) == (900, 600) and len(photo.sha256) == 64
    keys = s3.keys("public")
    assert photo.image.name in keys and photo.image.name.startswith("photos/")
    renditions = [k for k in keys if k.startswith("renditions/")]
    # 480, 800 and 900 px in WebP and JPEG, made by the task from the bucket's original
    assert len(renditions) == 6
    assert {Path(k).suffix for k in renditions} == {".webp", ".jpg"}
    assert s3.keys("private") == []
    # anyone may read public media at the storage's URL
    status, body = anonymous_get(default_storage.url(renditions[0]))
    assert status == 200 and Image.open(io.BytesIO(body)).width in (480, 800, 900)
    head = s3.client.head_object(Bucket=s3.public, Key=photo.image.name)
    assert head["ContentType"] == "image/jpeg"
    assert head["CacheControl"].startswith("public")

    # the change form: no new file, the stored one left alone; its preview is a bucket URL
    page = admin_client.get(f"/admin/kazportal/photo/{photo.pk}/change/").content.decode()
    preview = BeautifulSoup(page, "html.parser").select_one("[data-focal-image]")
    assert preview["src"].startswith(f"{s3.endpoint}/{s3.public}/renditions/")
    response = admin_client.post(
        f"/admin/kazportal/photo/{photo.pk}/change/",
        {"alt_kk": "Киіз үй", "alt_ru": "Юрта", "alt_en": "Yurt", "focal_x": 0.3, "focal_y": 0.6},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    photo.refresh_from_db()
    assert photo.alt_en == "Yurt" and (photo.width, photo.height) == (900, 600)


def test_the_same_file_again_is_refused_and_leaves_nothing_in_the_bucket(s3, admin_client):
    content = image_bytes(700, 500, (1, 2, 3))
    PhotoFactory(image=SimpleUploadedFile("first.jpg", content))
    before = s3.keys("public")
    admin_client.cookies["django_language"] = "en"
    response = admin_client.post(
        "/admin/kazportal/photo/add/",
        {
            "image": SimpleUploadedFile("again.jpg", content, content_type="image/jpeg"),
            "alt_kk": "а",
            "alt_ru": "б",
            "alt_en": "c",
        },
    )
    assert response.status_code == 200 and "already in the library" in response.content.decode()
    assert s3.keys("public") == before


def test_rendition_task_reads_the_original_from_the_bucket(s3):
    photo = PhotoFactory(image=SimpleUploadedFile("wide.png", image_bytes(1700, 900, fmt="PNG")))
    assert make_renditions.enqueue(photo.pk).return_value == 8  # 480/800/1200/1600 × 2
    renditions = [k for k in s3.keys("public") if k.startswith("renditions/")]
    assert sorted(Path(k).suffix for k in renditions) == [".png"] * 4 + [".webp"] * 4
    body = s3.client.get_object(Bucket=s3.public, Key=renditions[0])["Body"].read()
    assert Image.open(io.BytesIO(body)).width in Photo.WIDTHS


def test_picture_urls_are_the_storage_urls(s3, renditions_on_use):
    photo = PhotoFactory(image=SimpleUploadedFile("dala.jpg", image_bytes(1000, 700)))
    html = Template("{% load kazportal %}{% picture photo %}").render(Context({"photo": photo}))
    soup = BeautifulSoup(html, "html.parser")
    img, source = soup.select_one("img"), soup.select_one("source")
    urls = [img["src"]] + [
        part.split()[0]
        for srcset in (img["srcset"], source["srcset"])
        for part in srcset.split(",")
    ]
    assert len(urls) == 1 + 3 + 3
    for url in urls:
        assert url.startswith(f"{s3.endpoint}/{s3.public}/renditions/")
        assert "Signature" not in url and "X-Amz" not in url  # plain, lasting URLs
    # made on first use, in the bucket, at the URLs the page names
    keys = set(s3.keys("public"))
    for url in urls:
        assert url.split(f"/{s3.public}/", 1)[1] in keys
    assert anonymous_get(img["src"])[0] == 200
    webp, src, jpeg, width = picture_urls(photo)
    assert src == img["src"] == default_storage.url(photo.rendition(width, "JPEG").name)


def test_remembered_urls_follow_the_storage(s3, settings):
    """The URLs remembered per process (kazportal/renditions.py) are keyed by the storage, so
    another storage (a test's settings) never gets the bucket's URLs, nor the reverse."""
    photo = PhotoFactory()
    on_s3 = picture_urls(photo)
    key = storage_key()
    assert s3.public in key and s3.endpoint in key
    assert on_s3[1].startswith(f"{s3.endpoint}/{s3.public}/renditions/")
    storages = dict(settings.STORAGES)
    storages["default"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    settings.STORAGES = storages
    assert storage_key() != key
    assert picture_urls(photo)[1].startswith(settings.MEDIA_URL + "renditions/")
    settings.STORAGES = {**storages, "default": s3_default(s3)}
    assert picture_urls(photo) == on_s3


def s3_default(buckets):
    entry = object_storages(
        {"AWS_STORAGE_BUCKET_NAME": buckets.public, "AWS_S3_ENDPOINT_URL": buckets.endpoint}
    )["default"]
    entry["OPTIONS"].update(access_key="test", secret_key="test", region_name="us-east-1")
    return entry


def test_signed_urls_are_never_remembered(s3, settings):
    entry = s3_default(s3)
    entry["OPTIONS"]["querystring_auth"] = True
    settings.STORAGES = {**settings.STORAGES, "default": entry}
    photo = PhotoFactory()
    assert storage_key() is None
    first = picture_urls(photo)[1]
    assert "Signature" in first or "X-Amz-Signature" in first


# --- archive documents, audio, demo media ---------------------------------------------------


def test_archive_document_is_stored_in_the_bucket_and_downloaded_through_the_site(s3, client):
    document = DocumentFactory()
    assert document.file.name in s3.keys("public")
    assert document.size == len(PDF_BYTES)  # read from the bucket's object
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF_BYTES
    # gone from the bucket: a 404, not an error
    s3.client.delete_object(Bucket=s3.public, Key=document.file.name)
    assert client.get(document.get_absolute_url()).status_code == 404


def test_demo_media_is_copied_into_the_bucket(s3):
    out = io.StringIO()
    call_command("load_initial_data", stdout=out, verbosity=0)
    media = Path(settings.BASE_DIR) / "fixtures" / "media"
    expected = sorted(p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file())
    assert re.search(rf"copied {len(expected)} media file", out.getvalue())
    assert [k for k in s3.keys("public") if not k.startswith("renditions/")] == expected
    # the demo photos' files are there, at their storage URLs
    photo = Photo.objects.exclude(image="").first()
    assert anonymous_get(default_storage.url(photo.image.name))[0] == 200
    # run again: nothing copied twice
    out = io.StringIO()
    call_command("load_initial_data", stdout=out, verbosity=0)
    assert "copied 0 media file" in out.getvalue()
