"""Page weight and image hygiene in a real browser, on the demo content: what a first visit
downloads (under 500 KB for the home page), only from this site, images with width/height,
and images below the fold loaded lazily (the first, above the fold, not)."""

import mimetypes
from pathlib import Path

import pytest
from django.conf import settings

from articles.models import Article
from heritage.models import Item
from regions.models import Place

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

VIEWPORT = {"width": 1280, "height": 900}
HOME_BUDGET = 500 * 1024

IMAGES = """() => [...document.images].map(img => ({
    html: img.outerHTML.slice(0, 160),
    width: img.getAttribute('width'),
    height: img.getAttribute('height'),
    loading: img.getAttribute('loading'),
    top: img.getBoundingClientRect().top + window.scrollY,
}))"""


@pytest.fixture
def renditions_on_request(demo):
    """Every rendition the pages can name, by file name: `serve_media` makes the one the browser
    asks for, as the worker would have (the files and so the weights are the real ones; the
    renditions no browser fetches are not made)."""
    from kazportal.models import Photo

    return {
        rendition.name: rendition
        for photo in Photo.objects.all()
        for width in photo.widths()
        for fmt in ("WEBP", photo.fallback_format)
        for rendition in [photo.rendition(width, fmt)]
    }


def media_server(renditions):
    def serve_media(route):
        """The test server does not serve media (debug is off): the browser gets the files from
        MEDIA_ROOT, as a web server in front of the site would send them."""
        path = route.request.url.split("/media/", 1)[1].split("?")[0]
        file = Path(settings.MEDIA_ROOT) / path
        if not file.is_file() and path in renditions:
            renditions[path].generate()
        if not file.is_file():
            route.fulfill(status=404)
            return
        content_type = mimetypes.guess_type(file.name)[0] or ""
        route.fulfill(status=200, path=str(file), content_type=content_type)

    return serve_media


def first_load(browser, url, renditions):
    """Visit `url` in a fresh browser (empty cache); the bytes of every response, the
    requests' URLs and the page's images."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.route("**/media/**", media_server(renditions))
    responses = []
    page.on("response", lambda response: responses.append(response))
    assert page.goto(url, wait_until="load").status == 200, url
    page.wait_for_load_state("networkidle")
    sizes = {}
    for response in responses:
        try:
            sizes[response.url] = len(response.body())
        except Exception:  # redirects have no body
            sizes[response.url] = 0
    images = page.evaluate(IMAGES)
    failed = [r.url for r in responses if r.status >= 400]
    context.close()
    return sizes, images, failed


def demo_paths():
    place = Place.objects.published().select_related("region").order_by("pk").first()
    return [
        "/kk/",
        place.region.get_absolute_url(),
        place.get_absolute_url(),
        Item.objects.published().order_by("pk").first().get_absolute_url(),
        Article.objects.published().exclude(cover=None).order_by("pk").first().get_absolute_url(),
        "/kk/articles/",
    ]


def test_pages_are_light_self_hosted_and_their_images_sized_and_lazy(
    live_server, browser, renditions_on_request
):
    problems = []
    for path in demo_paths():
        sizes, images, failed = first_load(browser, live_server.url + path, renditions_on_request)
        total = sum(sizes.values())
        print(f"{path}: {len(sizes)} requests, {total / 1024:.0f} KB")
        if path == "/kk/" and total >= HOME_BUDGET:
            biggest = sorted(sizes.items(), key=lambda item: -item[1])[:5]
            problems.append(f"{path}: {total // 1024} KB on first load; biggest: {biggest}")
        foreign = [url for url in sizes if not url.startswith((live_server.url, "data:"))]
        if foreign:
            problems.append(f"{path}: requests to other hosts: {foreign}")
        if failed:
            problems.append(f"{path}: failed requests: {failed}")
        for image in images:
            if not (image["width"] and image["height"]):
                problems.append(f"{path}: <img> without width/height: {image['html']}")
            if image["top"] > VIEWPORT["height"] and image["loading"] != "lazy":
                problems.append(f"{path}: below the fold but not lazy: {image['html']}")
        above = [image for image in images if image["top"] < VIEWPORT["height"] * 0.75]
        if above and above[0]["loading"] == "lazy":
            problems.append(f"{path}: the first image, above the fold, is lazy: {above[0]['html']}")
    assert not problems, "\n".join(problems)


def test_the_home_page_weight_is_measured_for_real(live_server, browser, renditions_on_request):
    # Renditions are made when the browser asks for them: their real sizes count.
    # The budget test above would pass on a page whose images never loaded: check that the
    # first view's pictures and the stylesheet really were downloaded and counted.
    sizes, images, failed = first_load(browser, live_server.url + "/kk/", renditions_on_request)
    assert not failed
    assert any("/media/renditions/" in url and size > 1000 for url, size in sizes.items())
    assert any(url.endswith(".css") and size > 1000 for url, size in sizes.items())
    assert len(images) >= 4
