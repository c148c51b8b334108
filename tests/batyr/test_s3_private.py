"""Visitors' photos and portraits in the PRIVATE bucket when one is configured, against a real
S3 server (moto's server mode on loopback, tests/s3.py): stored, painted, served only through
the token views, never publicly readable, deleted on request; nothing on local disk."""

import io
import urllib.error
import urllib.request

import pytest
from PIL import Image

from batyr import tasks
from batyr.models import Portrait, private_storage
from tests.s3 import s3_fixture, s3_server_fixture  # noqa: F401 (fixtures s3, s3_server)

pytestmark = pytest.mark.django_db


def anonymous_status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_portrait_lives_in_the_private_bucket_and_only_the_token_views_serve_it(s3, client, upload):
    response = upload()
    assert response.status_code == 303, response.content.decode()[:500]
    url = response["Location"]
    token = url.rstrip("/").rsplit("/", 1)[1]
    portrait = Portrait.objects.by_token(token).get()
    # painted at once (immediate task backend in tests), from the bucket's working copy
    assert portrait.status == Portrait.Status.DONE, portrait.error_code
    names = {portrait.upload_name, portrait.jpeg_name, portrait.webp_name}
    assert set(s3.keys("private")) == names
    assert all(name.startswith("batyr/") for name in names)
    assert s3.keys("public") == []  # nothing of the visitor's in public media

    for name, content_type, fmt in (
        ("portrait.jpg", "image/jpeg", "JPEG"),
        ("portrait.webp", "image/webp", "WEBP"),
        ("photo.jpg", "image/jpeg", "JPEG"),
    ):
        response = client.get(f"{url}{name}")
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert "noindex" in response["X-Robots-Tag"]
        body = b"".join(response.streaming_content)
        assert response["Content-Length"] == str(len(body))
        assert Image.open(io.BytesIO(body)).format == fmt
    download = client.get(f"{url}portrait.jpg?download=1")
    assert download["Content-Disposition"].startswith("attachment")
    b"".join(download.streaming_content)
    # a wrong token is a 404, whatever is in the bucket
    assert client.get(f"/en/batyr/{'x' * 43}/portrait.jpg").status_code == 404

    # the bucket's objects are not public: refused to a visitor without credentials, written
    # with a private ACL (no grant to everyone), and marked not to be cached
    for name in names:
        assert anonymous_status(s3.url("private", name)) == 403
        grants = s3.client.get_object_acl(Bucket=s3.private, Key=name)["Grants"]
        assert not [g for g in grants if "AllUsers" in g["Grantee"].get("URI", "")]
        head = s3.client.head_object(Bucket=s3.private, Key=name)
        assert head["CacheControl"] == "private, no-store"
    # a URL the storage would make is signed and short-lived (the site never hands one out)
    signed = private_storage().url(portrait.jpeg_name)
    assert "Signature" in signed and ("Expires=" in signed or "X-Amz-Expires=60" in signed)

    # "delete my photo now": every object gone from the bucket
    response = client.post(f"{url}delete/")
    assert response.status_code == 303
    assert s3.keys("private") == []
    assert client.get(f"{url}portrait.jpg").status_code == 410


def test_a_photo_missing_from_the_bucket_fails_the_job_and_is_a_404(s3, client, upload):
    response = upload()
    url = response["Location"]
    portrait = Portrait.objects.by_token(url.rstrip("/").rsplit("/", 1)[1]).get()
    assert portrait.photo_exists()
    s3.client.delete_object(Bucket=s3.private, Key=portrait.jpeg_name)
    assert client.get(f"{url}portrait.jpg").status_code == 404
    # a queued job whose working copy vanished from the bucket is failed by the clean-up
    s3.client.delete_object(Bucket=s3.private, Key=portrait.upload_name)
    assert not portrait.photo_exists()
    Portrait.objects.filter(pk=portrait.pk).update(status=Portrait.Status.QUEUED)
    assert tasks.fail_orphans() == 1
    portrait.refresh_from_db()
    assert portrait.status == Portrait.Status.FAILED and portrait.error_code == "deleted"
