"""A real Chromium loads the demo home page: it stays light, and the music waits for a click."""

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)])
def test_home_first_load_is_under_500_kb_and_the_track_plays(live_server, browser, demo, viewport):
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    sizes = {}
    page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body())))
    page.goto(f"{live_server.url}/en/", wait_until="networkidle")
    assert sum(sizes.values()) < 500 * 1024, sizes
    assert not [url for url in sizes if url.endswith(".mp3")]  # preload="none"
    # keyboard: Tab reaches the native player
    page.locator("section.music").scroll_into_view_if_needed()
    page.focus("audio")
    assert page.evaluate("document.activeElement.tagName") == "AUDIO"
    played = page.evaluate(
        """async () => {
            const audio = document.querySelector('audio');
            audio.muted = true;
            await audio.play();
            await new Promise((done) => setTimeout(done, 800));
            return [audio.duration, audio.currentTime];
        }"""
    )
    assert 20 < played[0] < 40 and played[1] > 0
    context.close()
