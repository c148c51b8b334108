"""The portal on several machines, on loopback: an S3-compatible server (moto's server mode), two
gunicorn nodes and two task workers on one PostgreSQL database and one Redis, Varnish in front of
both nodes (deploy/varnish.py), and local media folders that must stay empty.

* A visitor uploads a photo through node A; whichever worker takes the job paints it; the
  portrait is opened through node B.
* An editor saves an article in the admin on node B: Varnish's copy of that article's page is
  refreshed within 2 s (purged by its tags), while an unrelated page stays a Varnish hit.

Needs PostgreSQL on 127.0.0.1:5432 (its own database, kazportal_many_machines), Redis on
127.0.0.1:6379 (database 11) and Debian's varnish + varnish-modules (`make varnish`).
"""

import http.client
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import boto3
import pytest
from moto.server import ThreadedMotoServer

from kazportal.bench_load import flush_redis, recreate_database
from tests.adminforms import form_fields
from tests.batyr import samples

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
from deploy import varnish  # noqa: E402

PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
DATABASE_URL = os.environ.get(
    "MANY_MACHINES_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kazportal_many_machines"
)
REDIS_URL = "redis://127.0.0.1:6379/11"
PUBLIC_BUCKET, PRIVATE_BUCKET = "kazportal-media", "kazportal-private"
PASSWORD = "a-long-pass-phrase"

SETUP = f"""
import datetime
from django.contrib.auth.models import User
from django.utils import timezone
from articles.models import Article
User.objects.create_superuser("editor", "editor@example.com", {PASSWORD!r})
when = timezone.now().replace(microsecond=0) - datetime.timedelta(days=3)
for slug, kk, ru, en in [
    ("dombra-masters", "Домбыра шеберлері", "Мастера домбры", "Dombra masters"),
    ("felt-makers", "Киіз басушылар", "Мастера войлока", "Felt makers"),
]:
    Article.objects.create(
        slug=slug, title_kk=kk, title_ru=ru, title_en=en, lead_kk="Қысқаша.",
        lead_ru="Кратко.", lead_en="In short.", body_kk="<p>Мәтін.</p>",
        body_ru="<p>Текст.</p>", body_en="<p>Text.</p>", category="news",
        status="published", published_at=when,
    )
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """A visitor's or editor's browser on plain HTTP: keeps cookies (also the Secure ones the
    production settings set: there is no TLS on loopback) and sends them back."""

    def __init__(self):
        self.cookies = {}

    def request(self, port, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Host": "127.0.0.1", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response, content

    def get(self, port, path):
        return self.request(port, "GET", path)

    def post_form(self, port, path, fields):
        body = urlencode(fields, doseq=True)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self.request(port, "POST", path, body, headers)


def wait_for(port, path="/healthz", timeout=90, processes=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes:
            assert process.poll() is None, f"{process.args} exited with {process.returncode}"
        try:
            response, _ = Browser().get(port, path)
            if response.status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"127.0.0.1:{port}{path} did not answer within {timeout} s")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    work = tmp_path_factory.mktemp("cluster")
    media, private = work / "media", work / "private"
    media.mkdir()
    private.mkdir()
    # The production settings with STATIC_ROOT here (the settings have no variable for it).
    (work / "many_machines_settings.py").write_text(
        "from kazportal.settings.production import *  # noqa\n"
        f"STATIC_ROOT = {str(work / 'static')!r}\n"
    )
    s3_port = free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=s3_port, verbose=False)
    moto.start()
    endpoint = f"http://127.0.0.1:{s3_port}"
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    for bucket in (PUBLIC_BUCKET, PRIVATE_BUCKET):
        s3.create_bucket(Bucket=bucket)
    ports = {"a": free_port(), "b": free_port(), "varnish": free_port()}
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "AWS_", "GUNICORN_", "PAGE_CACHE", "BATYR_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "many_machines_settings",
            "PYTHONPATH": f"{work}:{BASE_DIR}",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_TRUSTED_PROXIES": "127.0.0.1",
            "DATABASE_URL": DATABASE_URL,
            "REDIS_URL": REDIS_URL,
            "PAGE_CACHE_SECONDS": "600",
            "HTTP_CACHE_PURGE_URLS": f"http://127.0.0.1:{ports['varnish']}/",
            "DJANGO_MEDIA_ROOT": str(media),
            "DJANGO_PRIVATE_MEDIA_ROOT": str(private),
            "AWS_STORAGE_BUCKET_NAME": PUBLIC_BUCKET,
            "DJANGO_PRIVATE_BUCKET": PRIVATE_BUCKET,
            "AWS_S3_ENDPOINT_URL": endpoint,
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_S3_ADDRESSING_STYLE": "path",
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "BATYR_UPLOADS_PER_HOUR": "0",
            "GUNICORN_WORKERS": "1",
            "GUNICORN_THREADS": "4",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    recreate_database(DATABASE_URL)
    flush_redis(REDIS_URL)

    def manage(*command):
        subprocess.run([PYTHON, "manage.py", *command], env=env, cwd=BASE_DIR, check=True)

    manage("migrate", "--noinput", "-v", "0")
    manage("shell", "-c", SETUP)
    manage("collectstatic", "--noinput", "-v", "0")
    logs = work / "logs"
    logs.mkdir()
    processes = []
    varnish_dir = tempfile.mkdtemp(prefix="kazportal-varnish-")  # where vcache can read

    def start(name, command, **extra):
        log = (logs / f"{name}.log").open("w")
        process = subprocess.Popen(
            command,
            env={**env, **extra},
            cwd=BASE_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        processes.append(process)
        return process

    try:
        for node in ("a", "b"):
            start(
                f"gunicorn-{node}",
                [GUNICORN, "-c", "kazportal/gunicorn.conf.py", "kazportal.wsgi"],
                GUNICORN_BIND=f"127.0.0.1:{ports[node]}",
            )
        for worker in ("1", "2"):
            start(f"worker-{worker}", [PYTHON, "manage.py", "db_worker", "--no-reload"])
        processes.append(
            varnish.start(
                f"127.0.0.1:{ports['varnish']}",
                [f"127.0.0.1:{ports['a']}", f"127.0.0.1:{ports['b']}"],
                run_dir=varnish_dir,
                stdout=(logs / "varnish.log").open("w"),
                stderr=subprocess.STDOUT,
            )
        )
        for name in ("a", "b", "varnish"):
            wait_for(ports[name], processes=processes)
        yield {"ports": ports, "s3": s3, "media": media, "private": private, "logs": logs}
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        moto.stop()
        shutil.rmtree(varnish_dir, ignore_errors=True)


def keys(s3, bucket):
    return [item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


def multipart(fields, photo):
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="me.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n".encode()
        + photo
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def test_a_photo_uploaded_on_one_node_is_painted_by_a_worker_and_shown_by_the_other(cluster):
    a, b = cluster["ports"]["a"], cluster["ports"]["b"]
    visitor = Browser()
    response, page = visitor.get(a, "/kk/batyr/")
    assert response.status == 200
    html = page.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    look = re.search(r'name="look" value="([^"]+)"', html).group(1)
    body, content_type = multipart(
        {"csrfmiddlewaretoken": token, "look": look, "consent": "yes"}, samples.astronaut_jpeg()
    )
    response, _ = visitor.request(a, "POST", "/kk/batyr/", body, {"Content-Type": content_type})
    assert response.status == 303
    portrait = urlsplit(response.getheader("Location")).path
    assert keys(cluster["s3"], PRIVATE_BUCKET), "the working copy is in the private bucket"

    deadline = time.monotonic() + 180  # the first job loads the models
    status = None
    while time.monotonic() < deadline:
        response, content = Browser().get(b, f"{portrait}status/")
        status = json.loads(content)["status"]
        if status in ("done", "failed"):
            break
        time.sleep(1)
    assert status == "done"
    response, image = Browser().get(b, f"{portrait}portrait.jpg")
    assert response.status == 200 and response.getheader("Content-Type") == "image/jpeg"
    assert image[:3] == b"\xff\xd8\xff"
    assert "no-store" in response.getheader("Cache-Control")
    assert len(keys(cluster["s3"], PRIVATE_BUCKET)) >= 3  # photo, portrait JPEG and WebP


def varnish_get(port, path):
    response, content = Browser().get(port, path)
    assert response.status == 200, (path, response.status)
    return response.getheader("X-Varnish-Cache"), content.decode()


def test_an_admin_save_on_one_node_refreshes_only_its_pages_in_varnish(cluster):
    ports = cluster["ports"]
    article, unrelated = "/kk/articles/dombra-masters/", "/kk/regions/"
    for path in (article, unrelated):
        varnish_get(ports["varnish"], path)
        assert varnish_get(ports["varnish"], path)[0] == "hit", path

    editor = Browser()
    editor.get(ports["b"], "/admin/login/")
    response, _ = editor.post_form(
        ports["b"],
        "/admin/login/?next=/admin/",
        {
            "csrfmiddlewaretoken": editor.cookies["csrftoken"],
            "username": "editor",
            "password": PASSWORD,
            "next": "/admin/",
        },
    )
    assert response.status == 302 and "sessionid" in editor.cookies
    response, page = editor.get(ports["b"], "/admin/articles/article/")
    change = re.search(r'href="(/admin/articles/article/\d+/change/)[^"]*">Домбыра', page.decode())
    change = change or re.search(r'href="(/admin/articles/article/\d+/change/)', page.decode())
    url = change.group(1)
    response, form = editor.get(ports["b"], url)
    fields = form_fields(form)
    assert fields["slug"] == "dombra-masters"
    fields["title_kk"] = "Домбыра шеберлері бүгін"
    response, _ = editor.post_form(ports["b"], url, fields)
    assert response.status == 302
    saved = time.monotonic()

    while True:
        state, html = varnish_get(ports["varnish"], article)
        if "Домбыра шеберлері бүгін" in html:
            break
        assert time.monotonic() - saved < 2, "Varnish still serves the old page after 2 s"
        time.sleep(0.05)
    assert time.monotonic() - saved < 2
    assert varnish_get(ports["varnish"], unrelated)[0] == "hit"


def test_no_file_was_written_to_a_local_media_folder(cluster):
    # runs last in this module: after the upload, the painting and the admin save
    local = [p for folder in (cluster["media"], cluster["private"]) for p in folder.rglob("*")]
    assert local == []
    assert keys(cluster["s3"], PRIVATE_BUCKET)
