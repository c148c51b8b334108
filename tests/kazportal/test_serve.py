"""`make serve` (deploy/serve.py): nginx in front of gunicorn keeps the site answering while
slow clients trickle their headers, serves static files itself and tells Django the client's
address. Not the task worker. Needs Debian's nginx (`make nginx`)."""

import http.client
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(BASE_DIR))
from deploy import serve  # noqa: E402

SLOW_CLIENTS = 16


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read(), response
    finally:
        connection.close()


def slow_client(port, stop, opened):
    """A client that sends its request header one byte a second, forever."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    opened.append(sock)
    header = b"GET /kk/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 100
    for byte in header:
        if stop.wait(1 if byte != header[0] else 0):
            break
        try:
            sock.send(bytes([byte]))
        except OSError:
            break


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("serve")
    nginx = shutil.which("nginx") or shutil.which("/usr/sbin/nginx")
    if not nginx:
        pytest.fail("nginx is missing: run `make nginx` (Debian's nginx-light).")
    # The production settings with STATIC_ROOT in tmp_path (the settings have no variable for
    # it): collectstatic, gunicorn and nginx all use this folder.
    (tmp_path / "serve_test_settings.py").write_text(
        "from kazportal.settings.production import *  # noqa\n"
        f"STATIC_ROOT = {str(tmp_path / 'static')!r}\n"
    )
    gunicorn_port, port = free_port(), free_port()
    env = serve.site_env(
        gunicorn_port,
        base={
            **{k: v for k, v in serve.os.environ.items() if not k.startswith("DJANGO_")},
            "PYTHONPATH": f"{tmp_path}:{BASE_DIR}",
            "DJANGO_SETTINGS_MODULE": "serve_test_settings",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
            "DJANGO_PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
            "DJANGO_LOG_LEVEL": "WARNING",
            "REDIS_URL": "",
            # Few threads, so that 16 slow clients straight at gunicorn would hold them all.
            "GUNICORN_WORKERS": "2",
            "GUNICORN_THREADS": "2",
            "GUNICORN_LOG_IPS": "1",
        },
    )
    assert env["DJANGO_TRUSTED_PROXIES"] == "127.0.0.1"
    serve.prepare(env)
    run_dir = tmp_path / "run"
    conf = serve.write_config(serve.site_settings(env), port, gunicorn_port, run_dir)
    access_log = (tmp_path / "gunicorn.log").open("w")
    processes = []
    try:
        processes.append(
            serve.start_gunicorn(
                env,
                # What X-Forwarded-For gunicorn was given, in its access log.
                "--access-logformat",
                "%(U)s xff=%({x-forwarded-for}i)s",
                stdout=access_log,
                stderr=subprocess.STDOUT,
            )
        )
        processes.append(serve.start_nginx(conf, run_dir, nginx=nginx))
        serve.wait_until_up(port, processes, timeout=30)
        yield {"port": port, "log": tmp_path / "gunicorn.log", "static": tmp_path / "static"}
    finally:
        serve.stop_all(processes)
        access_log.close()


def test_rendered_config(tmp_path):
    values = {
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
        "BATYR_MAX_UPLOAD_MB": 20,
        "PHOTO_MAX_UPLOAD_MB": 15.0,
    }
    text = serve.render_config(values, 8080, 8000, tmp_path / "run")
    assert "listen 127.0.0.1:8080;" in text
    assert "server 127.0.0.1:8000;" in text
    assert "client_max_body_size 21m;" in text
    assert f"alias {tmp_path / 'static'}/;" in text
    directives = re.sub(r"#.*", "", text)
    assert "private" not in directives
    assert "$remote_addr" not in directives
    with pytest.raises(SystemExit, match="PRIVATE_MEDIA_ROOT"):
        serve.render_config(
            {**values, "PRIVATE_MEDIA_ROOT": str(tmp_path / "media" / "private")},
            8080,
            8000,
            tmp_path / "run",
        )


def test_slow_clients_do_not_stop_the_site(stack):
    port = stack["port"]
    stop, opened = threading.Event(), []
    threads = [
        threading.Thread(target=slow_client, args=(port, stop, opened), daemon=True)
        for _ in range(SLOW_CLIENTS)
    ]
    try:
        for thread in threads:
            thread.start()
        time.sleep(2.5)  # every slow client has sent a few bytes
        assert len(opened) == SLOW_CLIENTS
        for path in ["/healthz", "/kk/", "/healthz", "/kk/"]:
            started = time.monotonic()
            status, body, _response = get(port, path)
            elapsed = time.monotonic() - started
            assert status == 200, (path, status, body[:300])
            assert elapsed < 1, f"{path} took {elapsed:.2f} s behind {SLOW_CLIENTS} slow clients"
    finally:
        stop.set()
        for sock in opened:
            sock.close()
        for thread in threads:
            thread.join(timeout=5)


def test_static_files_come_from_nginx(stack):
    css = next((stack["static"] / "css").glob("*.css"))
    status, body, response = get(stack["port"], f"/static/css/{css.name}")
    assert status == 200
    assert body == css.read_bytes()
    assert response.getheader("Server") == "nginx"
    assert "immutable" in response.getheader("Cache-Control", "")


def test_forwarded_for_reaches_django(stack):
    status, _body, _response = get(stack["port"], "/healthz?xff-check")
    assert status == 200
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        lines = [line for line in stack["log"].read_text().splitlines() if "/healthz" in line]
        if any("xff=127.0.0.1" in line for line in lines):
            break
        time.sleep(0.1)
    assert any("xff=127.0.0.1" in line for line in lines), lines[-5:]
