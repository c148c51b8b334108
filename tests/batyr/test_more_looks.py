"""The kalpak and the archer (migration 0004): drawn by the real pipeline, stored with their
names and cultural notes in three languages, offered on the upload page and the home page."""

import dataclasses
import importlib
import io

import numpy as np
import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.contrib.staticfiles import finders
from django.core.management import call_command
from PIL import Image

from batyr import examples, pipeline
from batyr.models import Look
from batyr.pipeline import looks as looks_module
from kazportal.i18n import LANGS

from . import samples

NEW = ("kalpak", "archer")
ALL = ("dulyga", "borik", "uki-helmet", "saukele", "kalpak", "archer")
KAZAKH_LETTERS = set("әғқңөұүһі")

migration = importlib.import_module("batyr.migrations.0004_more_looks")


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def decode(data):
    return Image.open(io.BytesIO(data)).convert("RGB")


def without_head(look):
    """The same look with its head layers (the headgear) left out."""
    bare = type("Bare" + type(look).__name__, (type(look),), {"head": lambda self, face: None})
    return bare(**{f.name: getattr(look, f.name) for f in dataclasses.fields(look)})


# --- the drawings ------------------------------------------------------------------------


@pytest.mark.parametrize("key", NEW)
def test_the_new_looks_are_drawn_batyr_looks(key):
    look = pipeline.LOOKS[key]
    assert look.kind == "batyr"
    assert look.top > 1.0 and 0.2 < look.rim < 0.4


@pytest.mark.parametrize("key", NEW)
def test_the_headgear_is_drawn_above_the_face(key, monkeypatch):
    """Render the sample photo with and without the look's headgear: what the headgear adds
    lies above the eyes (found again in the finished portrait), over the head, not the face."""
    photo = samples.astronaut_jpeg()
    dressed = pipeline.make_portrait(photo, key, "Look")
    (place,) = dressed.placements
    assert place.headgear[3] < place.eye_center[1], "the hat's main piece ends above the eyes"
    monkeypatch.setitem(looks_module.LOOKS, key, without_head(pipeline.LOOKS[key]))
    bare = pipeline.make_portrait(photo, key, "Look")
    assert bare.placements == []  # no headgear drawn: no crown box

    image, bare_image = decode(dressed.jpeg), decode(bare.jpeg)
    assert image.size == bare_image.size
    face = pipeline.find_faces(image).faces[0]
    eye_x, eye_y = face.eye_center
    width = face.width
    diff = np.abs(np.asarray(image, np.float32) - np.asarray(bare_image, np.float32)).max(axis=2)
    changed = diff > 60
    ys, xs = np.nonzero(changed)
    assert len(ys) > width * width * 0.5, "the headgear covers a good part of a face's area"
    above = ys < eye_y - 0.25 * width
    assert above.mean() > 0.8, "nearly all of it is above the forehead"
    assert ys.min() < eye_y - 1.2 * width, "a tall hat, not a band"
    top_half = changed[: int(eye_y - 0.25 * width)]
    cols = np.nonzero(top_half.any(axis=0))[0]
    assert cols.min() < eye_x < cols.max(), "centred on the head"

    # the hat's crown is what the look says: white felt, or green cloth
    x0, x1 = int(eye_x - 0.15 * width), int(eye_x + 0.15 * width)
    y0, y1 = int(eye_y - 1.3 * width), int(eye_y - 0.9 * width)
    crown = np.asarray(image, np.float32)[y0:y1, x0:x1].reshape(-1, 3)
    r, g, b = np.median(crown, axis=0)
    if key == "kalpak":
        assert min(r, g, b) > 170, (r, g, b)
    else:
        assert g > r + 20 and g > b + 10, (r, g, b)


def test_the_archer_carries_a_bow_and_a_quiver_beside_the_head(monkeypatch):
    """The bow and the arrows are drawn behind the person, above the shoulders on both sides."""
    photo = samples.astronaut_jpeg()
    dressed = decode(pipeline.make_portrait(photo, "archer", "Look").jpeg)
    look = pipeline.LOOKS["archer"]
    no_back = type("NoBack", (type(look),), {"back": lambda self, face: None})
    monkeypatch.setitem(
        looks_module.LOOKS,
        "archer",
        no_back(**{f.name: getattr(look, f.name) for f in dataclasses.fields(look)}),
    )
    plain = decode(pipeline.make_portrait(photo, "archer", "Look").jpeg)
    face = pipeline.find_faces(dressed).faces[0]
    eye_x, eye_y = face.eye_center
    diff = np.abs(np.asarray(dressed, np.float32) - np.asarray(plain, np.float32)).max(axis=2)
    band = diff[int(eye_y - 0.5 * face.width) : int(eye_y + 1.0 * face.width)] > 60
    left = band[:, : int(eye_x - 0.7 * face.width)].sum()
    right = band[:, int(eye_x + 0.7 * face.width) :].sum()
    assert left > 200 and right > 200, (left, right)


def test_the_looks_differ_from_each_other():
    heads = {}
    for key in ALL:
        im = decode(pipeline.make_portrait(samples.astronaut_jpeg(), key, "Look").jpeg)
        heads[key] = np.asarray(im.convert("L").resize((64, 80)), np.float32)
    for key in NEW:
        for other in ALL:
            if other != key:
                assert np.abs(heads[key] - heads[other]).mean() > 8, (key, other)


@pytest.mark.parametrize("key", NEW)
def test_the_previews_are_in_the_static_files(key):
    for ext in ("webp", "jpg"):
        path = finders.find(f"batyr/looks/{key}.{ext}")
        assert path, f"run python -m batyr.examples --look {key}"
        with Image.open(path) as im:
            assert im.size == examples.PREVIEW_SIZE


def test_examples_can_write_only_some_looks(tmp_path):
    examples.main(["--out", str(tmp_path), "--look", "archer"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archer.jpg", "archer.webp"]
    with Image.open(tmp_path / "archer.jpg") as im:
        assert im.size == examples.PREVIEW_SIZE


# --- the migration -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_migrations_give_six_looks_in_three_languages():
    looks = list(Look.objects.all())
    assert [look.slug for look in looks] == list(ALL)
    assert [look.order for look in looks] == list(range(6))
    for look in looks:
        assert look.key in pipeline.LOOKS and look.is_active
        assert look.preview == f"batyr/looks/{look.key}"
        assert look.preview_urls, look.key
        for lang in LANGS:
            assert getattr(look, f"name_{lang}").strip(), (look.key, lang)
            description = getattr(look, f"description_{lang}")
            assert description.count(".") >= 2, (look.key, lang)
        assert KAZAKH_LETTERS & set(look.name_kk + look.description_kk)
        assert look.description_kk != look.description_ru != look.description_en
    new = {look.key: look for look in looks if look.key in NEW}
    assert new["kalpak"].kind == new["archer"].kind == Look.Kind.BATYR
    assert "қалпақ" in new["kalpak"].description_kk.lower()
    assert "калпак" in new["kalpak"].description_ru.lower()
    assert "садақ" in new["archer"].description_kk.lower()
    assert {look.heritage_section for look in looks} <= {"history", "customs"}


@pytest.mark.django_db
def test_the_migration_reverses_and_reapplies():
    migration.remove_looks(apps, None)
    assert list(Look.objects.values_list("slug", flat=True)) == list(ALL[:4])
    migration.create_looks(apps, None)
    migration.create_looks(apps, None)  # twice: updates, does not duplicate
    assert list(Look.objects.values_list("slug", flat=True)) == list(ALL)


@pytest.mark.django_db
def test_the_look_keys_in_the_migrations_match_the_drawings():
    field = Look._meta.get_field("key")
    assert [key for key, _label in field.choices] == list(pipeline.LOOKS)
    call_command("makemigrations", "batyr", "--check", "--dry-run", verbosity=0)


# --- the pages ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_the_upload_page_offers_six_looks_with_previews(client, lang):
    page = soup(client.get(f"/{lang}/batyr/"))
    choices = page.select("li.look-choice")
    assert [c.select_one('input[name="look"]')["value"] for c in choices] == list(ALL)
    for choice in choices:
        slug = choice.select_one('input[name="look"]')["value"]
        assert choice.select_one("source")["srcset"] == f"/static/batyr/looks/{slug}.webp"
        assert choice.select_one("img")["src"] == f"/static/batyr/looks/{slug}.jpg"
        assert choice.select_one(".look-name").get_text(strip=True)
        assert choice.select_one(".look-note").get_text(strip=True)
    for slug in NEW:
        look = Look.objects.get(slug=slug)
        assert getattr(look, f"name_{lang}") in page.select_one(f'label[for="look-{slug}"]').text


@pytest.mark.django_db
def test_a_new_look_can_be_preselected(client):
    page = soup(client.get("/en/batyr/?look=archer"))
    assert page.select_one('input[name="look"][checked]')["value"] == "archer"


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_the_home_page_shows_six_batyr_cards(client, lang):
    section = soup(client.get(f"/{lang}/")).select_one("section.batyr-home")
    cards = section.select("li.card")
    assert len(cards) == 6
    links = [card.select_one("h3 a")["href"] for card in cards]
    assert links == [f"/{lang}/batyr/?look={slug}" for slug in ALL]
    for card in cards:
        assert "/static/batyr/looks/" in card.select_one("img")["src"]


@pytest.mark.django_db
def test_a_portrait_in_a_new_look_is_painted(upload):
    response = upload(look="kalpak")
    assert response.status_code == 303
    from batyr.models import Portrait

    portrait = Portrait.objects.get()
    assert portrait.look.slug == "kalpak" and portrait.status == Portrait.Status.DONE
