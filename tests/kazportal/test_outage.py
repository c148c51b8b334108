"""Degrade, don't fail (kazportal/resilient_cache.py, kazportal/outage.py): pages render with
Redis down, /healthz names what is down, a database that never answers gives the 503 page
within its connect timeout. Real sockets throughout: a closed port, and a TCP server that
accepts connections and never says a word."""

import logging
import shutil
import signal
import socket
import subprocess
import threading
import time
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connections
from django.db.backends.postgresql.base import DatabaseWrapper as PostgresWrapper
from django.test import RequestFactory, override_settings
from django.utils import translation

from batyr.views import over_rate_limit
from kazportal import cache as page_cache
from kazportal import resilient_cache
from tests.articles.factories import ArticleFactory
from tests.kazportal.test_settings import run

pytestmark = pytest.mark.django_db

LOGGER = "kazportal.resilient_cache"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SilentServer:
    """Accepts TCP connections on 127.0.0.1 and never answers (a hung Redis or PostgreSQL)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.stopping.is_set():
            try:
                conn, _address = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted.append(conn)  # kept open, never read, never written

    def stop(self):
        self.stopping.set()
        self.thread.join(2)
        for conn in self.accepted:
            conn.close()
        self.sock.close()


@pytest.fixture
def silent_server():
    server = SilentServer()
    yield server
    server.stop()


def redis_caches(location, **options):
    return {
        "default": {
            "BACKEND": "kazportal.resilient_cache.ResilientRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "kazportal-test-outage",
            "OPTIONS": {
                "socket_connect_timeout": 0.25,
                "socket_timeout": 0.25,
                "breaker_seconds": 30,
                "on_recovery": "kazportal.cache.bump_generation",
                **options,
            },
        },
        "renditions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }


@pytest.fixture(autouse=True)
def fresh_breakers(settings):
    settings.PAGE_CACHE_SECONDS = 600  # the page cache on: it is the cache's main user
    resilient_cache.reset_breakers()
    yield
    resilient_cache.reset_breakers()
    translation.activate(settings.LANGUAGE_CODE)  # the last request's language stays active


@pytest.fixture
def dead_redis():
    """Nothing listens on the port: connection refused."""
    with override_settings(CACHES=redis_caches(f"redis://:s3cret@127.0.0.1:{free_port()}/0")):
        yield


# --- Redis unreachable ----------------------------------------------------------------------
def test_pages_render_and_healthz_names_the_cache_when_redis_is_down(client, dead_redis, caplog):
    article = ArticleFactory()
    caplog.set_level(logging.INFO, logger=LOGGER)
    home = client.get("/en/")
    assert home.status_code == 200
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert article.title_en in client.get("/en/articles/").content.decode()
    assert client.get(article.get_absolute_url())["X-Cache"] == "miss"  # nothing was kept

    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json() == {"status": "unavailable", "database": True, "cache": False}
    warnings = [r for r in caplog.records if r.name == LOGGER and r.levelno == logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "unreachable" in warnings[0].getMessage()
    assert "s3cret" not in warnings[0].getMessage()  # no password in the log


def test_a_hung_redis_costs_one_timeout_not_one_per_request(client, silent_server, caplog):
    ArticleFactory()
    client.get("/en/articles/")  # warm up (templates, URL resolver) with the local cache

    def twenty_requests():
        started = time.monotonic()
        for _ in range(20):
            assert client.get("/en/articles/").status_code == 200
        return time.monotonic() - started

    with override_settings(PAGE_CACHE_SECONDS=0):  # rendered each time, as with a dead cache
        baseline = twenty_requests()
    caplog.set_level(logging.WARNING, logger=LOGGER)
    with override_settings(CACHES=redis_caches(f"redis://127.0.0.1:{silent_server.port}/0")):
        hung = twenty_requests()
    # Without the breaker each request would wait 0.25 s at least twice (5 s and more).
    assert hung - baseline < 1.0, (hung, baseline)
    assert silent_server.accepted, "Redis was never tried"
    assert len([r for r in caplog.records if r.name == LOGGER]) == 1


def test_the_cache_api_degrades_to_misses_and_no_ops(dead_redis):
    from django.core.cache import cache

    assert cache.get("k", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("k", 1) is False
    assert cache.set("k", 1) is None
    assert cache.set_many({"a": 1}) == ["a"]
    assert cache.has_key("k") is False
    assert cache.delete("k") is False
    with pytest.raises(ValueError):
        cache.incr("k")
    assert cache.get_or_set("k", 5) == 5
    page_cache.bump_generation()  # the page cache's own calls do not fail either
    assert page_cache.current_generation() is None


def test_the_batyr_rate_limit_fails_open_when_redis_is_down(dead_redis, settings):
    # The upload limit's counter lives in the cache only: without it every client may upload
    # (the queue limit, BATYR_MAX_QUEUE, is kept in the database and still holds).
    settings.BATYR_UPLOADS_PER_HOUR = 2
    request = RequestFactory().post("/en/batyr/", REMOTE_ADDR="203.0.113.9")
    assert not any(over_rate_limit(request) for _ in range(5))


REDIS_SERVER = shutil.which("redis-server")


@pytest.mark.skipif(REDIS_SERVER is None, reason="needs the redis-server program")
def test_redis_coming_back_is_used_again_and_empties_the_page_cache(client, tmp_path):
    """A Redis of our own on a free port: down, then started; the breaker closes after its
    seconds and the pages cached before the outage are not served after it (writes made
    meanwhile, such as an editor's publication, were lost)."""
    port = free_port()
    caches = redis_caches(f"redis://127.0.0.1:{port}/0", breaker_seconds=0.3)
    server = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    try:
        with override_settings(CACHES=caches):
            from django.core.cache import cache

            for _ in range(50):
                if cache.ping():
                    break
                time.sleep(0.05)
            ArticleFactory()
            assert client.get("/en/articles/")["X-Cache"] == "miss"
            assert client.get("/en/articles/")["X-Cache"] == "hit"
            before = cache.get(page_cache.GENERATION_KEY)

            # Redis stops answering (SIGSTOP: connections stay open, no reply: a hang).
            server.send_signal(signal.SIGSTOP)
            response = client.get("/en/articles/")
            assert response.status_code == 200 and response["X-Cache"] == "miss"
            assert client.get("/healthz").json()["cache"] is False

            server.send_signal(signal.SIGCONT)  # SIGCONT: it answers again
            time.sleep(0.35)
            assert client.get("/healthz").status_code == 200
            assert cache.get(page_cache.GENERATION_KEY) > before  # on_recovery bumped it
            assert client.get("/en/articles/")["X-Cache"] == "miss"
    finally:
        server.kill()
        server.wait(5)


# --- a database that never answers ----------------------------------------------------------
@contextmanager
def hung_database_at(port):
    """The default connection, meanwhile, to a "PostgreSQL" on `port` that accepts connections
    and never answers, with a 2 s connect timeout (psycopg's minimum)."""
    original = connections["default"]
    settings_dict = {
        **original.settings_dict,
        "ENGINE": "django.db.backends.postgresql",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "NAME": "kazportal",
        "USER": "kazportal",
        "PASSWORD": "",
        "OPTIONS": {"connect_timeout": 2},
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
    }
    hung = PostgresWrapper(settings_dict, "default")
    connections["default"] = hung
    try:
        yield
    finally:
        connections["default"] = original
        hung.close()


@pytest.fixture
def hung_database(silent_server):
    with hung_database_at(silent_server.port):
        yield silent_server


def test_healthz_answers_503_within_the_connect_timeout(client, hung_database):
    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": False}
    assert elapsed < 4, elapsed
    assert hung_database.accepted


def test_a_page_answers_the_translated_503_page_within_the_connect_timeout(client, hung_database):
    started = time.monotonic()
    response = client.get("/ru/articles/")
    assert time.monotonic() - started < 4
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert '<html lang="ru">' in html and "503" in html
    assert 'href="/ru/articles/"' in html  # "Try again"


def test_static_files_never_wait_for_the_database(client, hung_database):
    started = time.monotonic()
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert time.monotonic() - started < 0.5
    assert not hung_database.accepted  # not even a connection attempt


def test_pages_in_the_page_cache_are_still_served_with_the_database_hung(client, silent_server):
    ArticleFactory()
    assert client.get("/en/articles/")["X-Cache"] == "miss"
    with hung_database_at(silent_server.port):
        started = time.monotonic()
        response = client.get("/en/articles/")
        assert time.monotonic() - started < 0.5
    assert response.status_code == 200 and response["X-Cache"] == "hit"
    assert not silent_server.accepted


class FailingMiddleware:
    """A middleware whose database call fails (e.g. a session saved on the way out)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise OperationalError("server closed the connection unexpectedly")


def test_a_database_outage_outside_the_view_is_a_503_too(client, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.FailingMiddleware"]
    client.raise_request_exception = False
    response = client.get("/en/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


def test_other_database_errors_stay_500s(client, monkeypatch):
    from django.db import IntegrityError

    from kazportal import views

    def broken(*args, **kwargs):
        raise IntegrityError("a bug, not an outage")

    monkeypatch.setattr(views, "home_content", broken)
    client.raise_request_exception = False
    assert client.get("/en/").status_code == 500


# --- the settings ---------------------------------------------------------------------------
def test_postgres_gets_a_connect_and_a_statement_timeout():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "o = settings.DATABASES['default']['OPTIONS']; print(o['connect_timeout']); "
        "print(o['options']); c = settings.CACHES['default']; print(c['BACKEND']); "
        "print(c['OPTIONS']['socket_connect_timeout'], c['OPTIONS']['socket_timeout'])"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "kazportal.settings.dev",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/kazportal",
        "REDIS_URL": "redis://127.0.0.1:6379/3",
    }
    result = run(["-c", code], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "3",
        "-c max_parallel_workers_per_gather=0 -c statement_timeout=5000",
        "kazportal.resilient_cache.ResilientRedisCache",
        "0.25 0.25",
    ]
    result = run(
        ["-c", code],
        {
            **env,
            "DATABASE_CONNECT_TIMEOUT": "7",
            "DATABASE_STATEMENT_TIMEOUT_MS": "900",
            "DJANGO_PG_OPTIONS": "-c work_mem=8MB",
        },
    )
    assert result.stdout.splitlines()[:2] == ["7", "-c work_mem=8MB -c statement_timeout=900"]
