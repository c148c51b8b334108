from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from batyr.models import Look, Portrait

from . import samples


def private_files(settings):
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def private_dir(settings):
    """A callable listing every file in the private storage (empty list: nothing stored)."""
    return lambda: private_files(settings)


def photo_file(data=None, name="portrait.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(
        name, samples.astronaut_jpeg() if data is None else data, content_type
    )


@pytest.fixture
def upload(client):
    """POST the upload form; returns the response."""

    def post(data=None, look="dulyga", consent=True, lang="en", name="portrait.jpg", **extra):
        fields = {"look": look, "photo": photo_file(data, name)}
        if consent:
            fields["consent"] = "yes"
        fields.update(extra)
        return client.post(f"/{lang}/batyr/", fields)

    return post


@pytest.fixture
def done_portrait(upload):
    """An uploaded and painted portrait (immediate task backend): (portrait, token, url)."""
    response = upload()
    assert response.status_code == 303, response.content.decode()[:500]
    url = response["Location"]
    token = url.rstrip("/").rsplit("/", 1)[1]
    return Portrait.objects.by_token(token).get(), token, url


@pytest.fixture
def look():
    return Look.objects.get(slug="dulyga")
