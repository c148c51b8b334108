"""The visitor's choice of face: painted like the costume, or as in the photo (the upload form,
the job, "try the other face" on the result page, and bad values)."""

import pytest
from bs4 import BeautifulSoup
from django.utils import translation

from batyr.messages import error_message
from batyr.models import Portrait

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def token_of(response):
    return response["Location"].rstrip("/").rsplit("/", 1)[1]


def test_the_form_offers_both_faces_painted_first(client):
    page = soup(client.get("/en/batyr/"))
    radios = page.select('input[type="radio"][name="finish"]')
    assert [r["value"] for r in radios] == ["painted", "photo"]
    assert page.select_one('input[name="finish"][checked]')["value"] == "painted"
    for radio in radios:  # each has a visible label
        assert page.select_one(f'label[for="{radio["id"]}"]').get_text(strip=True)


def test_each_choice_reaches_the_painter(upload, private_dir):
    """The same photo painted both ways: the job keeps the choice and the pictures differ."""
    for finish in ("painted", "photo"):
        response = upload(finish=finish)
        assert response.status_code == 303
        portrait = Portrait.objects.by_token(token_of(response)).get()
        assert portrait.finish == finish
        assert portrait.status == Portrait.Status.DONE
    painted, photo = (Portrait.objects.get(finish=f) for f in ("painted", "photo"))
    from batyr.models import private_storage

    def read(p):
        with private_storage().open(p.jpeg_name, "rb") as handle:
            return handle.read()

    assert read(painted) != read(photo)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_an_unknown_face_is_refused_and_the_form_kept(upload, private_dir, lang):
    response = upload(finish="cartoon", look="borik", lang=lang)
    assert response.status_code == 400
    with translation.override(lang):
        message = error_message("unknown_finish")
    assert message in response.content.decode()
    page = soup(response)
    assert page.select_one('input[name="look"][checked]')["value"] == "borik"
    assert page.select_one('input[name="consent"]').has_attr("checked")
    assert not Portrait.objects.exists()
    assert private_dir() == []


def test_the_result_offers_the_other_face_and_keeps_it_for_other_looks(client, upload):
    response = upload(finish="photo", look="dulyga")
    url = response["Location"]
    page = soup(client.get(url))
    other = page.select_one("form.again-finish")
    assert other.select_one('input[name="finish"]')["value"] == "painted"
    assert other.select_one('button[name="look"]')["value"] == "dulyga"
    assert page.select_one('form.again input[name="finish"]')["value"] == "photo"

    again = client.post(f"{url}again/", {"look": "dulyga", "finish": "painted"})
    assert again.status_code == 303
    new = Portrait.objects.by_token(token_of(again)).get()
    assert (new.look.slug, new.finish) == ("dulyga", "painted")
    # another look without a finish keeps the portrait's own
    again = client.post(f"{url}again/", {"look": "saukele"})
    assert Portrait.objects.by_token(token_of(again)).get().finish == "photo"


def test_again_refuses_an_unknown_face(client, upload):
    url = upload()["Location"]
    count = Portrait.objects.count()
    response = client.post(f"{url}again/", {"look": "borik", "finish": "x" * 500})
    assert response.status_code == 400
    assert error_message("unknown_finish") in response.content.decode()
    assert Portrait.objects.count() == count
