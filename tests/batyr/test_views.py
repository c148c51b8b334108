"""The feature on the site: upload, progress, result, privacy, bad input (immediate tasks)."""

import io
import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.utils import timezone, translation
from PIL import Image

from batyr.messages import error_message
from batyr.models import Look, Portrait, hash_token
from kazportal.i18n import LANGS

from . import samples

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def assert_private(response):
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control
    assert "noindex" in response["X-Robots-Tag"]


# --- the upload page ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_upload_page(client, lang, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get(f"/{lang}/batyr/")
    assert response.status_code == 200
    page = soup(response)
    assert page.html["lang"] == lang
    assert len(page.find_all("h1")) == 1
    # every look, with its drawn preview (alt text) and its cultural note
    radios = page.select('input[type="radio"][name="look"]')
    assert [r["value"] for r in radios] == [
        "dulyga",
        "borik",
        "uki-helmet",
        "saukele",
        "kalpak",
        "archer",
    ]
    for img in page.select(".look-choice img"):
        assert img["alt"] and "/static/batyr/looks/" in img["src"]
    with translation.override(lang):
        for look in Look.objects.all():
            assert look.description in response.content.decode()
    # a camera input and a plain one; consent; a form that posts files
    camera = page.select_one('input[type="file"][capture="user"]')
    assert camera["accept"] == "image/*"
    assert page.select_one('input[type="file"]#photo')["accept"] == "image/*"
    assert page.select_one('input[type="checkbox"][name="consent"]')
    assert page.select_one("form.batyr-form")["enctype"] == "multipart/form-data"
    assert "camera=(self)" in response["Permissions-Policy"]
    assert 'href="/static/batyr/batyr.css"' in response.content.decode()
    assert page.select_one('script[src="/static/batyr/batyr.js"]')
    assert not page.select("[style]"), "no inline styles (CSP style-src 'self')"


def test_upload_page_links_to_heritage_sections_that_exist(client):
    from heritage.models import Section

    for kind, slug in (("history", "history"), ("customs", "customs")):
        Section.objects.get_or_create(
            slug=slug, defaults={"kind": kind, "title": slug.title(), "card_text": slug}
        )
    page = soup(client.get("/en/batyr/"))
    links = [a["href"] for a in page.select(".look-note a")]
    assert links and all(href.startswith("/en/heritage/") for href in links)
    Section.objects.filter(slug="history").delete()
    page = soup(client.get("/en/batyr/"))
    assert not page.select('.look-note a[href="/en/heritage/history/"]')


def test_look_can_be_preselected(client):
    page = soup(client.get("/en/batyr/?look=saukele"))
    assert page.select_one('input[name="look"][checked]')["value"] == "saukele"


def test_home_shows_the_batyr_teaser(client):
    response = client.get("/en/")
    page = soup(response)
    section = page.select_one("section.batyr-home")
    assert section is not None
    assert len(section.select("li.card")) == 6
    for img in section.select("img"):
        assert img["alt"].startswith("A drawn figure")


# --- a good upload, end to end -----------------------------------------------------------


def test_upload_redirects_303_to_the_token_page_and_paints(done_portrait, client, private_dir):
    portrait, token, url = done_portrait
    assert re.fullmatch(r"/en/batyr/[A-Za-z0-9_-]{43}/", url)
    assert portrait.status == Portrait.Status.DONE
    assert portrait.token_hash == hash_token(token) and token not in portrait.token_hash
    assert portrait.faces_dressed == 1
    # private files: the metadata-free photo and the two portraits
    names = sorted(p.suffix for p in private_dir())
    assert names == [".jpg", ".jpg", ".webp"]
    assert portrait.expires_at - portrait.created_at == timedelta(hours=24)


def test_result_page(done_portrait, client, django_assert_max_num_queries):
    portrait, token, url = done_portrait
    with django_assert_max_num_queries(3):
        response = client.get(url)
    assert response.status_code == 200
    assert_private(response)
    page = soup(response)
    assert len(page.find_all("h1")) == 1
    assert page.select_one('meta[name="robots"]')["content"].startswith("noindex")
    before = page.select_one(".before img")["src"]
    after = page.select_one(".after img")["src"]
    assert before == f"/en/batyr/{token}/photo.jpg"
    assert after == f"/en/batyr/{token}/portrait.jpg"
    # the stored photo's real size, so the page does not jump while it loads
    photo = Image.open(io.BytesIO(client.get(before).getvalue()))
    before_img = page.select_one(".before img")
    assert (int(before_img["width"]), int(before_img["height"])) == photo.size
    downloads = [a["href"] for a in page.select(".actions a[download]")]
    assert f"/en/batyr/{token}/portrait.jpg?download=1" in downloads
    # another look, the delete button and the deletion time
    assert [b["value"] for b in page.select(".again-look")] == [
        "borik",
        "uki-helmet",
        "saukele",
        "kalpak",
        "archer",
    ]
    assert page.select_one(f'form[action="/en/batyr/{token}/delete/"] button')
    assert "will be deleted automatically" in page.select_one(".privacy").get_text()


@pytest.mark.parametrize(
    ("name", "fmt", "content_type"),
    [
        ("photo.jpg", "JPEG", "image/jpeg"),
        ("portrait.jpg", "JPEG", "image/jpeg"),
        ("portrait.webp", "WEBP", "image/webp"),
    ],
)
def test_private_images_are_served_through_the_token_only(
    done_portrait, client, name, fmt, content_type
):
    portrait, token, url = done_portrait
    response = client.get(f"{url}{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert_private(response)
    im = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert im.format == fmt
    assert len(im.getexif()) == 0
    if name.startswith("portrait"):
        assert im.height == 1024
    download = client.get(f"{url}{name}?download=1")
    assert download["Content-Disposition"].startswith("attachment;")
    assert "kazportal-dulyga" in download["Content-Disposition"]


def test_private_files_are_not_under_the_media_url(done_portrait, settings):
    from pathlib import Path

    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
    assert not str(settings.PRIVATE_MEDIA_ROOT).startswith(str(settings.MEDIA_ROOT))


def test_status_json(done_portrait, client, django_assert_max_num_queries):
    portrait, token, url = done_portrait
    with django_assert_max_num_queries(2):
        response = client.get(f"{url}status/")
    assert_private(response)
    data = response.json()
    assert data["status"] == "done" and data["done"] and data["step"] == 4
    assert [s["key"] for s in data["steps"]] == ["queued", "face", "dress", "paint", "done"]


def test_progress_page_has_steps_and_a_refresh_fallback(
    client, look, django_assert_max_num_queries
):
    portrait, token = Portrait.create(
        look=look, language="ru", upload_bytes=samples.astronaut_jpeg()
    )
    with django_assert_max_num_queries(2):
        response = client.get(f"/ru/batyr/{token}/")
    assert response.status_code == 200
    assert_private(response)
    html = response.content.decode()
    page = soup(response)
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html
    steps = [li.get_text(strip=True) for li in page.select("ol.steps li")]
    assert steps == ["В очереди", "Ищем ваше лицо", "Одеваем", "Рисуем степь", "Готово"]
    assert page.select_one('li[aria-current="step"]').get_text(strip=True) == "В очереди"
    assert page.select_one("[data-status-url]")["data-status-url"] == f"/ru/batyr/{token}/status/"
    # while processing, the step follows the pipeline's stage
    Portrait.objects.filter(pk=portrait.pk).update(
        status="processing", stage="dress", started_at=timezone.now()
    )
    data = client.get(f"/ru/batyr/{token}/status/").json()
    assert data["step"] == 2
    assert [s["state"] for s in data["steps"]] == ["done", "done", "current", "todo", "todo"]


def test_the_steps_between_queued_and_done_are_the_pipelines_stages():
    from batyr import pipeline
    from batyr.models import Step

    stages = []
    pipeline.make_portrait(samples.astronaut_jpeg(), "dulyga", "Look", progress=stages.append)
    assert [step.key for step in Step][1:-1] == stages
    assert [stage.value for stage in Portrait.Stage][1:] == stages


def test_try_another_look_reuses_the_stored_photo(done_portrait, client, private_dir):
    portrait, token, url = done_portrait
    uploads_before = len(private_dir())
    response = client.post(f"{url}again/", {"look": "saukele"})
    assert response.status_code == 303
    new_token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    assert new_token != token
    new = Portrait.objects.by_token(new_token).get()
    assert new.look.slug == "saukele" and new.status == "done"
    assert new.upload_name == portrait.upload_name
    assert new.expires_at == portrait.expires_at
    assert len(private_dir()) == uploads_before + 2  # two more portraits, not another photo
    assert client.get(url).status_code == 200


def test_delete_now_deletes_everything(done_portrait, client, private_dir):
    portrait, token, url = done_portrait
    client.post(f"{url}again/", {"look": "borik"})
    response = client.post(f"{url}delete/")
    assert response.status_code == 303
    assert response["Location"] == "/en/batyr/?deleted=1"
    assert private_dir() == []
    assert client.get(url).status_code == 410
    assert client.get(f"{url}portrait.jpg").status_code == 410
    assert client.get(f"{url}status/").status_code == 410
    assert "have been deleted" in client.get(response["Location"]).content.decode()


def test_photos_past_retention_are_deleted_by_the_cleanup_command(
    done_portrait, client, private_dir
):
    portrait, token, url = done_portrait
    Portrait.objects.filter(pk=portrait.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    out = io.StringIO()
    call_command("batyr_cleanup", stdout=out)
    assert "deleted the photos of 1 upload" in out.getvalue()
    assert private_dir() == []
    assert Portrait.objects.get(pk=portrait.pk).deleted_at is not None
    assert client.get(url).status_code == 410


def test_an_expired_portrait_is_gone_even_before_the_cleanup(done_portrait, client, private_dir):
    portrait, token, url = done_portrait
    Portrait.objects.filter(pk=portrait.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(f"{url}portrait.jpg").status_code == 410
    assert private_dir() == []


def test_a_stuck_job_is_retried_once_then_failed(client, look):
    portrait, token = Portrait.create(
        look=look, language="en", upload_bytes=samples.astronaut_jpeg()
    )
    long_ago = timezone.now() - timedelta(hours=1)
    Portrait.objects.filter(pk=portrait.pk).update(
        status="processing", started_at=long_ago, attempts=1
    )
    # the first look at a stuck job queues it again (and the immediate backend paints it)
    assert client.get(f"/en/batyr/{token}/status/").json()["status"] == "done"

    portrait2, token2 = Portrait.create(
        look=look, language="en", upload_bytes=samples.astronaut_jpeg()
    )
    Portrait.objects.filter(pk=portrait2.pk).update(
        status="processing", started_at=long_ago, attempts=2
    )
    assert client.get(f"/en/batyr/{token2}/status/").json()["status"] == "failed"
    portrait2.refresh_from_db()
    assert portrait2.error_code == "worker_lost"
    page = client.get(f"/en/batyr/{token2}/")
    assert error_message("worker_lost") in page.content.decode()


def test_the_cleanup_command_also_recovers_stuck_jobs(look):
    portrait, _token = Portrait.create(
        look=look, language="en", upload_bytes=samples.astronaut_jpeg()
    )
    Portrait.objects.filter(pk=portrait.pk).update(
        status="processing", started_at=timezone.now() - timedelta(hours=1), attempts=2
    )
    call_command("batyr_cleanup", quiet=True)
    assert Portrait.objects.get(pk=portrait.pk).status == "failed"


@pytest.mark.parametrize("path", ["", "status/", "photo.jpg", "portrait.webp"])
def test_forged_tokens_are_404(client, done_portrait, path):
    forged = "A" * 43
    response = client.get(f"/en/batyr/{forged}/{path}")
    assert response.status_code == 404


def test_unknown_image_names_are_404(client, done_portrait):
    _portrait, token, url = done_portrait
    assert client.get(f"{url}../../etc/passwd").status_code == 404
    assert client.get(f"{url}upload.png").status_code == 404


def test_delete_and_again_need_post(client, done_portrait):
    _portrait, token, url = done_portrait
    assert client.get(f"{url}delete/").status_code == 405
    assert client.get(f"{url}again/").status_code == 405


def test_again_refuses_an_unknown_look(client, done_portrait):
    _portrait, token, url = done_portrait
    response = client.post(f"{url}again/", {"look": "spacesuit"})
    assert response.status_code == 400
    assert error_message("unknown_look") in response.content.decode()


# --- bad input: a translated message, a 4xx, nothing stored -------------------------------

BAD_INPUTS = [
    ("empty", lambda: b"", "empty", 400),
    ("text named .jpg", lambda: samples.TEXT_AS_JPG, "not_an_image", 400),
    ("truncated JPEG", samples.truncated_jpeg, "damaged", 400),
    ("PNG bomb", samples.png_bomb, "too_many_pixels", 400),
    ("30-megapixel colour PNG", lambda: samples.png_bomb(6000, 5000), "too_heavy", 400),
    ("SVG with a script", lambda: samples.SVG_WITH_SCRIPT, "not_an_image", 400),
    ("1x1", samples.one_by_one_png, "too_small", 400),
    ("0x0", lambda: samples.png_bomb(0, 0), "damaged", 400),
    ("landscape, no face", samples.landscape_png, "no_face", 400),
    ("face too small", samples.tiny_face_jpeg, "face_too_small", 400),
    ("face cut off", samples.cut_off_face_jpeg, "face_cut_off", 400),
    ("25 MB", samples.huge_file, "too_large", 413),
]


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize(
    ("label", "make", "code", "status"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS]
)
def test_bad_files_are_refused(upload, private_dir, lang, label, make, code, status):
    response = upload(make(), lang=lang)
    assert response.status_code == status
    with translation.override(lang):
        message = error_message(code)
    with translation.override("en"):
        assert message != error_message(code), "the message is translated"
    page = soup(response)
    assert page.select_one('[role="alert"]').get_text(strip=True) == message
    assert private_dir() == []
    assert Portrait.objects.count() == 0


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_no_consent_is_refused(upload, private_dir, lang):
    response = upload(consent=False, lang=lang)
    assert response.status_code == 400
    with translation.override(lang):
        assert error_message("consent") in response.content.decode()
    assert private_dir() == []
    # the chosen look is kept for the second try
    assert soup(response).select_one('input[name="look"][checked]')["value"] == "dulyga"


def test_unknown_look_is_refused(upload, private_dir):
    response = upload(look="spacesuit")
    assert response.status_code == 400
    assert error_message("unknown_look") in response.content.decode()
    assert private_dir() == []


def test_no_file_is_refused(client, private_dir):
    response = client.post("/en/batyr/", {"look": "dulyga", "consent": "yes"})
    assert response.status_code == 400
    assert error_message("no_file") in response.content.decode()


@pytest.mark.parametrize(
    "make",
    [
        samples.cmyk_jpeg,
        samples.png16,
        samples.grey_jpeg,
        samples.animated_gif,
        samples.heic,
        samples.webp,
        samples.rotated_jpeg,
        samples.rgba_png,
    ],
    ids=lambda f: f.__name__,
)
def test_awkward_but_good_photos_are_accepted(upload, make, private_dir):
    response = upload(make(), name="photo.jpg")
    assert response.status_code == 303
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    portrait = Portrait.objects.by_token(token).get()
    assert portrait.status == "done"


def test_the_stored_photo_has_no_metadata(upload, client):
    response = upload(samples.rotated_jpeg())
    photo = client.get(response["Location"] + "photo.jpg")
    data = b"".join(photo.streaming_content)
    assert b"Phone maker" not in data
    im = Image.open(io.BytesIO(data))
    assert len(im.getexif()) == 0
    assert im.size == (512, 512)  # upright: the EXIF orientation was applied


def test_rate_limit_answers_429(upload, settings, private_dir):
    settings.BATYR_UPLOADS_PER_HOUR = 2
    assert upload().status_code == 303
    assert upload().status_code == 303
    stored = len(private_dir())
    response = upload(lang="kk")
    assert response.status_code == 429
    with translation.override("kk"):
        assert error_message("rate_limited") in response.content.decode()
    assert len(private_dir()) == stored


def test_full_queue_answers_503(upload, settings, look, private_dir):
    settings.BATYR_MAX_QUEUE = 1
    Portrait.create(look=look, language="en", upload_bytes=b"x")
    stored = len(private_dir())
    response = upload(lang="ru")
    assert response.status_code == 503
    assert response["Retry-After"]
    with translation.override("ru"):
        assert error_message("busy") in response.content.decode()
    assert len(private_dir()) == stored


def test_a_group_photo_says_when_faces_were_left_out(upload, client):
    response = upload(samples.group_jpeg(6))
    assert response.status_code == 303
    page = client.get(response["Location"]).content.decode()
    assert "We found 6 faces in the photo and dressed the 4 largest." in page


# --- admin -------------------------------------------------------------------------------


def test_admin_lists_jobs_without_photos(admin_client, done_portrait):
    portrait, token, url = done_portrait
    response = admin_client.get("/admin/batyr/portrait/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Batyr in a dulyga" in html or "Дулығалы батыр" in html
    assert token not in html and "photo.jpg" not in html
    assert all("/static/admin/" in img for img in re.findall(r"<img[^>]*>", html))
    detail = admin_client.get(f"/admin/batyr/portrait/{portrait.pk}/change/")
    assert detail.status_code == 200
    body = detail.content.decode()
    assert all("/static/admin/" in img for img in re.findall(r"<img[^>]*>", body))
    assert portrait.upload_name not in body and portrait.jpeg_name not in body


def test_admin_deleting_a_job_deletes_its_files(admin_client, done_portrait, private_dir):
    portrait, token, url = done_portrait
    response = admin_client.post(f"/admin/batyr/portrait/{portrait.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert private_dir() == []


def test_admin_edits_looks_in_three_languages(admin_client, look):
    response = admin_client.get(f"/admin/batyr/look/{look.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    for lang in LANGS:
        assert f'name="name_{lang}"' in html and f'name="description_{lang}"' in html


# --- every page of the feature is valid HTML ---------------------------------------------


def assert_valid_html(response):
    import html5lib

    html = response.content.decode()
    html5lib.HTMLParser(strict=True).parse(html)
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    for img in re.findall(r"<img\b[^>]*>", html):
        assert " alt=" in img, img
        assert " src=" in img, img


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_of_the_feature_is_valid_html(client, upload, look, lang):
    assert_valid_html(client.get(f"/{lang}/batyr/"))
    refused = upload(samples.landscape_png(), lang=lang)
    assert_valid_html(refused)
    done = upload(lang=lang)["Location"]
    assert_valid_html(client.get(done))
    _pending, token = Portrait.create(look=look, language=lang, upload_bytes=b"x")
    assert_valid_html(client.get(f"/{lang}/batyr/{token}/"))
    failed, failed_token = Portrait.create(look=look, language=lang, upload_bytes=b"x")
    Portrait.objects.filter(pk=failed.pk).update(status="failed", error_code="no_face")
    assert_valid_html(client.get(f"/{lang}/batyr/{failed_token}/"))
    assert_valid_html(client.post(f"{done}again/", {"look": "nope"}))
    client.post(f"{done}delete/")
    gone = client.get(done)
    assert gone.status_code == 410
    assert_valid_html(gone)


def test_a_long_wait_is_explained(client, look):
    portrait, token = Portrait.create(look=look, language="en", upload_bytes=b"x")
    page = soup(client.get(f"/en/batyr/{token}/"))
    assert page.select_one("[data-slow]").has_attr("hidden")
    assert client.get(f"/en/batyr/{token}/status/").json()["slow"] is False
    Portrait.objects.filter(pk=portrait.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    page = soup(client.get(f"/en/batyr/{token}/"))
    assert not page.select_one("[data-slow]").has_attr("hidden")
    assert client.get(f"/en/batyr/{token}/status/").json()["slow"] is True
