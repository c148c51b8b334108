"""gunicorn's access log and Django's logs without batyr portrait tokens or client addresses
(kazportal/access_log.py, kazportal/gunicorn.conf.py; batyr/README.md, Privacy)."""

import contextlib
import http.client
import io
import logging
import os
import runpy
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from kazportal.access_log import AccessLogger, MaskTokensFilter, mask_tokens

BASE_DIR = Path(__file__).resolve().parent.parent.parent
CONF = BASE_DIR / "kazportal" / "gunicorn.conf.py"
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
TOKEN_A = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd"
TOKEN_B = "zyxwvutsrqponmlkjihgfedcba9876543210-_ZYXW"
MASK = "…"
TOKEN_C = "Tok3nNumberThreeForTheNotFoundPage_0123456"


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        (f"/kk/batyr/{TOKEN_A}/", "/kk/batyr/…/"),
        (f"/ru/batyr/{TOKEN_A}/status/", "/ru/batyr/…/status/"),
        (f"/en/batyr/{TOKEN_A}/again/", "/en/batyr/…/again/"),
        (f"/kk/batyr/{TOKEN_A}/delete/", "/kk/batyr/…/delete/"),
        (f"/ru/batyr/{TOKEN_A}/portrait.webp?download=1", "/ru/batyr/…/portrait.webp?download=1"),
        (f"/en/batyr/{TOKEN_A}?x=1", "/en/batyr/…?x=1"),
        (f"/batyr/{TOKEN_A}/", "/batyr/…/"),  # before the language redirect
        (f"GET /kk/batyr/{TOKEN_A}/status/?t=1 HTTP/1.1", "GET /kk/batyr/…/status/?t=1 HTTP/1.1"),
        (f"https://kazportal.kz/ru/batyr/{TOKEN_B}/", "https://kazportal.kz/ru/batyr/…/"),
        (f"/kk/?next=/kk/batyr/{TOKEN_A}/", "/kk/?next=/kk/batyr/…/"),
        (f"/kk/batyr%2F{TOKEN_A}/", "/kk/batyr/…/"),  # percent-encoded: masked decoded
        (f"/kk/?next=%2Fen%2Fbatyr%2F{TOKEN_A}%2F", "/kk/?next=/en/batyr/…/"),
        (f"/KK/BATYR/{TOKEN_A}/", "/KK/BATYR/…/"),
        # Not a token: left as they are.
        ("/kk/batyr/", "/kk/batyr/"),
        ("/ru/batyr/?deleted=1", "/ru/batyr/?deleted=1"),
        ("/en/heritage/batyrs/abai/", "/en/heritage/batyrs/abai/"),
        ("/static/batyr/portrait.js", "/static/batyr/portrait.js"),
        ("-", "-"),
    ],
)
def test_mask_tokens(url, masked):
    assert mask_tokens(url) == masked


def test_mask_tokens_leaves_other_values_alone():
    assert mask_tokens(None) is None
    assert mask_tokens(1234) == 1234


def test_the_logging_filter_masks_message_arguments_and_tracebacks():
    try:
        raise ValueError(f"no portrait at /kk/batyr/{TOKEN_A}/")
    except ValueError:
        record = logging.LogRecord(
            "django.request",
            logging.WARNING,
            __file__,
            1,
            "Not Found: %s",
            (f"/kk/batyr/{TOKEN_B}/status/",),
            sys.exc_info(),
        )
    assert MaskTokensFilter().filter(record) is True
    text = logging.Formatter("%(message)s").format(record)
    assert TOKEN_A not in text and TOKEN_B not in text
    assert "Not Found: /kk/batyr/…/status/" in text and "no portrait at /kk/batyr/…/" in text


def stream_handler(logger):
    """The settings' handler of `logger` (pytest adds its own capturing handlers)."""
    return next(h for h in logger.handlers if type(h) is logging.StreamHandler)


def test_django_logging_masks_tokens():
    """LOGGING in kazportal/settings/base.py: runserver's request lines (`django.server`) and
    request errors (`django.request`, through the root handler)."""
    server, root = (
        stream_handler(logging.getLogger("django.server")),
        stream_handler(logging.getLogger()),
    )
    streams = io.StringIO(), io.StringIO()
    old = server.setStream(streams[0]), root.setStream(streams[1])
    try:
        logging.getLogger("django.server").info(
            '"%s" %s %s', f"GET /kk/batyr/{TOKEN_A}/status/ HTTP/1.1", 404, 20
        )
        logging.getLogger("django.request").warning("Not Found: %s", f"/en/batyr/{TOKEN_B}/")
    finally:
        server.setStream(old[0])
        root.setStream(old[1])
    server_log, root_log = (stream.getvalue() for stream in streams)
    assert '"GET /kk/batyr/…/status/ HTTP/1.1" 404 20' in server_log
    assert "Not Found: /en/batyr/…/" in root_log
    assert TOKEN_A not in server_log and TOKEN_B not in root_log


def read_conf(monkeypatch, **env):
    for name in ("GUNICORN_BIND", "GUNICORN_ACCESSLOG", "GUNICORN_LOG_IPS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def test_gunicorn_listens_on_loopback_by_default(monkeypatch):
    conf = read_conf(monkeypatch)
    assert conf["bind"] == "127.0.0.1:8000"
    assert conf["logger_class"] == "kazportal.access_log.AccessLogger"
    for name in ("limit_request_line", "limit_request_fields", "limit_request_field_size"):
        assert conf[name] > 0
    assert conf["keepalive"] < conf["timeout"] and conf["graceful_timeout"] > 0
    assert read_conf(monkeypatch, GUNICORN_BIND="0.0.0.0:9000")["bind"] == "0.0.0.0:9000"
    # gunicorn itself reads the same (and finds the logger class).
    result = subprocess.run(
        [GUNICORN, "-c", str(CONF), "--print-config", "kazportal.wsgi"],
        cwd=BASE_DIR,
        env={k: v for k, v in os.environ.items() if k != "GUNICORN_BIND"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.split() == ["bind", "=", "['127.0.0.1:8000']"] for line in lines)
    assert any(line.split()[:3] == ["limit_request_fields", "=", "50"] for line in lines)


# --- the real server ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site_env(tmp_path_factory):
    """Environment for a test site on a migrated SQLite database in a temporary folder."""
    folder = tmp_path_factory.mktemp("gunicorn")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN_", "DJANGO_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "kazportal.settings.test",
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "DJANGO_MEDIA_ROOT": str(folder / "media"),
            "DJANGO_PRIVATE_MEDIA_ROOT": str(folder / "private"),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "GUNICORN_WORKERS": "1",
            "GUNICORN_THREADS": "1",
        }
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    return env, folder


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@contextlib.contextmanager
def gunicorn(site_env, name, **extra):
    env, folder = site_env
    port = free_port()
    access_log = folder / f"{name}-access.log"
    output = folder / f"{name}-output.log"
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESSLOG": str(access_log)}
    env.update(extra)
    with output.open("w") as out:
        server = subprocess.Popen(
            [GUNICORN, "-c", str(CONF), "kazportal.wsgi"],
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 20
        while True:
            assert server.poll() is None, output.read_text()
            try:
                get(port, "/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline, output.read_text()
                time.sleep(0.1)
        yield port, access_log, output
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def request_portraits(port, access_log):
    referer = {"Referer": f"https://kazportal.kz/ru/batyr/{TOKEN_B}/"}
    assert get(port, f"/kk/batyr/{TOKEN_A}/status/?t=1", referer) == 404
    assert get(port, f"/en/batyr/{TOKEN_C}/") == 404
    deadline = time.monotonic() + 5
    while True:  # gunicorn writes the line after the response
        log = access_log.read_text(encoding="utf-8") if access_log.exists() else ""
        if f"/en/batyr/{MASK}/" in log or time.monotonic() > deadline:
            return log
        time.sleep(0.05)


def test_the_access_log_has_no_token_and_no_address(site_env):
    with gunicorn(site_env, "default") as (port, access_log, output):
        log = request_portraits(port, access_log)
    assert f'"GET /kk/batyr/{MASK}/status/?t=1 HTTP/1.1" 404' in log
    assert f'"https://kazportal.kz/ru/batyr/{MASK}/"' in log
    assert f'"GET /en/batyr/{MASK}/ HTTP/1.1" 404' in log
    for secret in (TOKEN_A, TOKEN_B, TOKEN_C, "127.0.0.1"):
        assert secret not in log
    assert all(line.startswith("- - - [") for line in log.splitlines())
    # Django's own "Not Found: /en/batyr/…/" on stdout, masked too.
    django_log = output.read_text(encoding="utf-8")
    assert f"Not Found: /en/batyr/{MASK}/" in django_log
    assert TOKEN_A not in django_log and TOKEN_C not in django_log


def test_the_operator_may_log_addresses(site_env):
    with gunicorn(site_env, "ips", GUNICORN_LOG_IPS="1") as (port, access_log, _output):
        log = request_portraits(port, access_log)
    assert f'"GET /kk/batyr/{MASK}/status/?t=1 HTTP/1.1" 404' in log
    assert all(line.startswith("127.0.0.1 - - [") for line in log.splitlines())
    for secret in (TOKEN_A, TOKEN_B, TOKEN_C):
        assert secret not in log


def make_logger(tmp_path, monkeypatch, log_ips=False):
    monkeypatch.setenv("GUNICORN_LOG_IPS", "1" if log_ips else "0")
    cfg = Config()
    cfg.set("accesslog", str(tmp_path / "access.log"))
    cfg.set("errorlog", str(tmp_path / "error.log"))
    cfg.set("access_log_format", '%(h)s "%(r)s" "%(f)s" %({x-forwarded-for}i)s %({raw_uri}e)s')
    return AccessLogger(cfg)


def log_one_request(logger):
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/kk/batyr/{TOKEN_A}/delete/",
        "PATH_INFO": f"/kk/batyr/{TOKEN_A}/delete/",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.7",
        "HTTP_REFERER": f"/ru/batyr/{TOKEN_B}/",
    }
    request = SimpleNamespace(headers=[("X-FORWARDED-FOR", "198.51.100.9")])
    response = SimpleNamespace(status="303 See Other", sent=0, headers=[])
    logger.access(response, request, environ, timedelta(milliseconds=3))


def test_the_logger_masks_every_field_and_hides_forwarded_addresses(tmp_path, monkeypatch):
    logger = make_logger(tmp_path, monkeypatch)
    log_one_request(logger)
    logger.error("Error handling request %s", f"/en/batyr/{TOKEN_C}/again/")
    access = (tmp_path / "access.log").read_text(encoding="utf-8")
    assert (
        access.strip()
        == '- "GET /kk/batyr/…/delete/ HTTP/1.1" "/ru/batyr/…/" - /kk/batyr/…/delete/'
    )
    error = (tmp_path / "error.log").read_text(encoding="utf-8")
    assert "Error handling request /en/batyr/…/again/" in error and TOKEN_C not in error


def test_the_logger_keeps_addresses_when_asked(tmp_path, monkeypatch):
    log_one_request(make_logger(tmp_path, monkeypatch, log_ips=True))
    access = (tmp_path / "access.log").read_text(encoding="utf-8")
    assert access.startswith("203.0.113.7 ") and "198.51.100.9" in access
    assert TOKEN_A not in access and TOKEN_B not in access


@pytest.mark.parametrize("address", ["203.0.113.7", "2001:db8::7"])
def test_gunicorns_invalid_request_warning_names_no_address(tmp_path, monkeypatch, address):
    """gunicorn writes this one itself, for a malformed request line or header."""
    logger = make_logger(tmp_path, monkeypatch)
    logger.warning(f"Invalid request from ip={address}: Invalid HTTP method: 'G\\x00T'")
    error = (tmp_path / "error.log").read_text(encoding="utf-8")
    assert "Invalid request from ip=-: Invalid HTTP method" in error
    assert address not in error
    kept = tmp_path / "kept"
    kept.mkdir()
    make_logger(kept, monkeypatch, log_ips=True).warning(f"Invalid request from ip={address}: x")
    assert address in (kept / "error.log").read_text(encoding="utf-8")
