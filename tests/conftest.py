import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run in
# an async context unless told it is safe (the test thread never awaits).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """pytest-django's test database, whose migrated content (the batyr looks, the heritage
    sections, the Editors group) it keeps as a snapshot for `serialized_rollback` tests.

    Django's `connections` are context-local, and Playwright's sync API runs the tests after it
    starts in another context, whose new connection lacks the snapshot: the browser tests then
    found empty tables after an earlier transactional test had flushed them. Keeping the
    snapshot on the connection class lets every connection to the test database restore it.

    Every transactional test must be `serialized_rollback=True`: the flush after a plain one
    runs post_migrate again (the Editors group), and the next restore would collide with it."""
    from django.db import connections

    wrapper = type(connections["default"])
    contents = getattr(connections["default"], "_test_serialized_contents", None)
    if contents is not None:
        wrapper._test_serialized_contents = contents
    yield
    if contents is not None:
        del wrapper._test_serialized_contents


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded, rendered and private files go to a per-test temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    storages = dict(settings.STORAGES)
    storages["private"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": settings.PRIVATE_MEDIA_ROOT, "base_url": None},
    }
    settings.STORAGES = storages
    yield
    shutil.rmtree(tmp_path, ignore_errors=True)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language (a request or override elsewhere may
    leave another one active in this thread)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    from kazportal.cache import forget_blocks

    cache.clear()
    forget_blocks()
    yield
    cache.clear()
    forget_blocks()


@pytest.fixture
def from_the_database(settings):
    """No kept blocks: the query counts of a page lock its render from the database (with kept
    blocks a first render also reads the next publication time, once per generation, and the
    later ones skip the blocks' queries: tests/kazportal/test_kept_blocks.py)."""
    settings.BLOCK_CACHE_SECONDS = 0


@pytest.fixture
def make_editor(django_user_model):
    """make_editor("name"): a staff user in the Editors group (kazportal/permissions.py), who
    may change every kind of content and so preview drafts on the site."""
    from django.contrib.auth.models import Group

    from kazportal.permissions import EDITORS

    def make(username="editor", password="x"):
        user = django_user_model.objects.create_user(username, password=password, is_staff=True)
        user.groups.add(Group.objects.get(name=EDITORS))
        return user

    return make


@pytest.fixture(scope="session")
def demo_media_root(tmp_path_factory):
    """The demo content's media files, copied once per session. The demo tests share the folder:
    they only read it (renditions made there are the same files for every test)."""
    from django.conf import settings

    root = tmp_path_factory.mktemp("demo-media")
    shutil.copytree(Path(settings.BASE_DIR) / "fixtures" / "media", root, dirs_exist_ok=True)
    return root


def _transactional(node):
    marker = node.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction"))


_demo_modules = set()  # modules whose tests run inside the shared demo transaction


@pytest.fixture(scope="module")
def demo_data(request, django_db_setup, django_db_blocker, demo_media_root):
    """The demo content loaded once per test module, inside a transaction that stays open for
    the module's tests (each of them runs in a savepoint of it, as usual) and is rolled back
    after the last: loading it takes about 2 s on PostgreSQL. Transactional tests (the browser
    ones, whose live server reads through another connection) load it themselves (`demo`)."""
    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings

    if _transactional(request.node):
        yield False
        return
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(MEDIA_ROOT=demo_media_root):
                call_command("load_initial_data", verbosity=0)
            _demo_modules.add(request.node.nodeid)
            yield True
        finally:
            _demo_modules.discard(request.node.nodeid)
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _demo_stays_with_demo_tests(request):
    """A test that does not ask for `demo` must not run while its module's demo transaction is
    open (it would see the demo content): put the demo tests last in their module."""
    if request.node.module and request.node.parent.nodeid in _demo_modules:
        if "demo" not in request.fixturenames:
            pytest.fail("This test runs after a `demo` test of its module: move it above them.")


@pytest.fixture
def demo(request, settings, demo_data, demo_media_root):
    """The demo content (`manage.py load_initial_data`) for the test; it needs the django_db
    mark (transactional or not). Shared by the module's tests unless they are transactional."""
    from django.core.management import call_command

    settings.MEDIA_ROOT = demo_media_root
    if not demo_data:
        call_command("load_initial_data", verbosity=0)


@pytest.fixture
def renditions_on_use(monkeypatch):
    """Renditions made the moment a page names them, as in production (the test settings only
    name them): for tests that count rendition files or weigh pages."""
    from kazportal import renditions
    from kazportal.models import Rendition

    monkeypatch.setattr(
        Rendition, "cachefile_strategy", "imagekit.cachefiles.strategies.JustInTime"
    )
    # URLs remembered by an earlier test were worked out without making the files.
    renditions.forget()
    yield
    renditions.forget()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (Debian's chromium package).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page
    context.close()


@pytest.fixture
def editor_page(browser, live_server, make_editor):
    """editor_page("name"): a signed-in Editors-group user's browser tab (its own context),
    the admin in Kazakh. For browser tests (live_server)."""
    contexts = []

    def open_as(username):
        make_editor(username, password="a-long-pass-phrase")
        context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="kk")
        context.add_cookies([{"name": "django_language", "value": "kk", "url": live_server.url}])
        contexts.append(context)
        page = context.new_page()
        page.js_errors = []
        page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "a-long-pass-phrase")
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")
        return page

    yield open_as
    for context in contexts:
        context.close()
