"""A real Chromium uploads the portrait, watches the progress and sees the result."""

import base64
import re
from pathlib import Path

import pytest

from batyr.models import Look, Portrait
from batyr.tasks import paint_portrait

from . import samples

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_upload_a_photo_and_see_the_portrait(live_server, page, tmp_path):
    photo = tmp_path / "me.jpg"
    photo.write_bytes(samples.astronaut_jpeg())
    page.goto(f"{live_server.url}/en/batyr/")
    page.locator('label[for="look-borik"]').click()
    page.set_input_files("#photo", str(photo))
    # the client-side preview shows the chosen photo before anything is sent
    preview = page.locator("[data-preview] img")
    preview.wait_for(state="visible")
    assert preview.get_attribute("src").startswith("blob:")
    assert "me.jpg" in page.locator("[data-preview-name]").inner_text()
    page.locator('label[for="consent"]').click()
    page.get_by_role("button", name="Paint my portrait").click()

    page.wait_for_url(re.compile(r".*/en/batyr/[A-Za-z0-9_-]{43}/$"), timeout=60_000)
    page.locator("h1", has_text="Your portrait").wait_for(timeout=60_000)
    result = page.locator(".after img")
    result.wait_for(state="visible")
    page.wait_for_function(
        "img => img.complete && img.naturalHeight > 0", arg=result.element_handle(), timeout=30_000
    )
    assert result.evaluate("img => img.naturalHeight") == 1024
    assert "Borik and chapan" in page.locator(".after figcaption").inner_text()
    before = page.locator(".before img")
    assert before.evaluate("img => img.complete && img.naturalWidth") == 512
    # the download link answers with the JPEG as an attachment
    with page.expect_download() as download:
        page.get_by_role("link", name="Download (JPEG)").click()
    assert download.value.suggested_filename == "kazportal-borik.jpg"
    assert page.js_errors == []


def test_progress_steps_update_until_the_portrait_is_shown(live_server, page):
    look = Look.objects.get(slug="saukele")
    portrait, token = Portrait.create(
        look=look, language="kk", upload_bytes=samples.astronaut_jpeg()
    )
    page.goto(f"{live_server.url}/kk/batyr/{token}/")
    assert page.locator("h1").inner_text() == "Портретіңіз салынып жатыр"
    assert page.locator('li[aria-current="step"]').inner_text() == "Кезекте"
    # the worker picks the job up: the page polls its status and follows the steps
    Portrait.objects.filter(pk=portrait.pk).update(status="processing", stage="dress")
    page.locator('li[data-step="dress"][aria-current="step"]').wait_for(timeout=15_000)
    Portrait.objects.filter(pk=portrait.pk).update(status="queued", stage="")
    paint_portrait.call(portrait.pk)
    page.locator("h1", has_text="Сіздің портретіңіз").wait_for(timeout=15_000)
    assert page.locator(".after img").evaluate("img => img.naturalHeight") == 1024
    assert page.js_errors == []


def test_drop_a_photo_on_the_drop_zone(live_server, page):
    page.goto(f"{live_server.url}/ru/batyr/")
    encoded = base64.b64encode(samples.astronaut_jpeg()).decode()
    page.evaluate(
        """data => {
            const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
            const file = new File([bytes], "dropped.jpg", { type: "image/jpeg" });
            const transfer = new DataTransfer();
            transfer.items.add(file);
            const zone = document.querySelector("[data-dropzone]");
            const drop = new DragEvent("drop", { dataTransfer: transfer, bubbles: true });
            zone.dispatchEvent(drop);
        }""",
        encoded,
    )
    assert page.locator("#photo").evaluate("input => input.files[0].name") == "dropped.jpg"
    page.locator("[data-preview] img").wait_for(state="visible")
    assert page.js_errors == []


AXE = Path(__file__).resolve().parent.parent / "browser" / "vendor" / "axe.min.js"


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_portrait_pages_pass_axe_wcag_aa(live_server, browser, lang):
    """The pages behind a token (not in the site-wide accessibility test): result, progress."""
    look = Look.objects.get(slug="dulyga")
    done, done_token = Portrait.create(
        look=look, language=lang, upload_bytes=samples.astronaut_jpeg()
    )
    paint_portrait.call(done.pk)
    waiting, waiting_token = Portrait.create(look=look, language=lang, upload_bytes=b"x")
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = []
    for token in (done_token, waiting_token):
        path = f"/{lang}/batyr/{token}/"
        assert page.goto(live_server.url + path).status == 200
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"
        )
        assert result["passes"]
        problems += [f"{path}: {v['id']} {v['nodes'][0]['target']}" for v in result["violations"]]
    context.close()
    assert not problems, "\n".join(problems)
