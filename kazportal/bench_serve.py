"""The production stack under load: `make bench-serve`, or
`.venv/bin/python -m kazportal.bench_serve --help`.

It builds a fresh demo site (as `make bench-load`: its own database, media folder and Redis
database), starts `make serve`'s stack on it (deploy/serve.py: nginx in front, gunicorn on
loopback with the production settings and their page cache, the task worker), then sends
mixed pages (home, regions, places, articles, heritage, calendar, search and static files, in
the three languages) with wrk at 64 connections for 60 s, three times: with the worker idle;
with a random `?utm_source=` on every request (cache-busting query strings); and while five
portraits are being painted all the time (a visitor's upload through nginx; each one that
finishes is replaced by a new one). It prints requests per second, p50/p99 latency
and errors (non-2xx answers and socket errors) of each run and the portraits painted.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import quote

from kazportal import bench_load

BASE_DIR = bench_load.BASE_DIR
PYTHON = bench_load.PYTHON
PORTRAITS_IN_FLIGHT = 5


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kazportal_bench_serve"
        ),
        help="a database the benchmark may drop and recreate",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
        help="a Redis database the benchmark may flush",
    )
    parser.add_argument("--workdir", default="/tmp/kazportal_bench_serve", type=Path)
    parser.add_argument("--port", type=int, default=8781, help="nginx's port")
    parser.add_argument("--gunicorn-port", type=int, default=8782)
    parser.add_argument("--duration", type=int, default=60, help="seconds per run")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument(
        "--runs",
        default="idle,busting,painting",
        help="idle (no portraits), busting (a random ?utm_source= on every request), "
        "painting (five portraits at a time)",
    )
    parser.add_argument("--skip-setup", action="store_true", help="reuse the last demo site")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    args.cache, args.workers, args.gunicorn_threads = "redis", None, None  # for bench_load
    return args


def stack_env(args):
    env = bench_load.site_env(args, 0)
    env.pop("PAGE_CACHE_SECONDS")  # the production default, as `make serve` runs it
    env.update(
        {
            "PORT": str(args.port),
            "GUNICORN_PORT": str(args.gunicorn_port),
            "BATYR_UPLOADS_PER_HOUR": "0",  # one client sends all the portraits
        }
    )
    return env


def mixed_paths(args):
    """Pages of every kind in the three languages, and two static files, from the demo site."""
    code = (
        "import json; from regions.models import Region, Place; "
        "from articles.models import Article; from heritage.models import Section; "
        "from django.utils import timezone; from django.contrib.staticfiles.storage import "
        "staticfiles_storage as s; t = timezone.localdate(); print(json.dumps({"
        "'regions': [r.slug for r in Region.objects.published()[:3]], "
        "'places': [p.get_absolute_url().split('/', 2)[2] for p in Place.objects.published()"
        ".select_related('region')[:3]], "
        "'articles': [a.slug for a in Article.objects.published()[:3]], "
        "'sections': [h.slug for h in Section.objects.all()[:3]], "
        "'month': [t.year, t.month], 'static': [s.url('css/site.css')]}))"
    )
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        env=stack_env(args),
        cwd=BASE_DIR,
        check=True,
        capture_output=True,
        text=True,
    )
    found = json.loads(result.stdout.strip().splitlines()[-1])
    year, month = found["month"]
    paths = []
    for lang in ("kk", "ru", "en"):
        paths += [
            f"/{lang}/",
            f"/{lang}/regions/",
            *(f"/{lang}/regions/{slug}/" for slug in found["regions"]),
            *(f"/{lang}/{rest}" for rest in found["places"]),
            f"/{lang}/articles/",
            *(f"/{lang}/articles/{slug}/" for slug in found["articles"]),
            *(f"/{lang}/heritage/{slug}/" for slug in found["sections"]),
            f"/{lang}/calendar/{year}/{month:02d}/",
            f"/{lang}/search/?q=" + quote("Абай" if lang != "en" else "Abai"),
            f"/{lang}/batyr/",
        ]
    paths += found["static"] * 3
    return paths


WRK_SCRIPT = """
paths = {%s}
busting = %s
i = 0
request = function()
  i = i %% #paths + 1
  local path = paths[i]
  if busting then
    local glue = string.find(path, "?", 1, true) and "&" or "?"
    path = path .. glue .. "utm_source=" .. math.random(1, 1000000000)
  end
  return wrk.format("GET", path)
end
"""


def wrk(args, paths, duration, connections, busting=False):
    """wrk through the paths in turn; `busting` adds a random ?utm_source= to every request
    (a parameter no view reads, so each should still be the cached page)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        paths_lua = ", ".join(json.dumps(p) for p in paths)
        script.write(WRK_SCRIPT % (paths_lua, "true" if busting else "false"))
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        script.name,
        f"http://127.0.0.1:{args.port}",
    ]
    try:
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(script.name)
    return bench_load.parse_wrk(output)


class Painter(threading.Thread):
    """A visitor who keeps `PORTRAITS_IN_FLIGHT` portraits being painted: uploads through
    nginx, polls each job's status, uploads another when one is done."""

    def __init__(self, port, photo):
        super().__init__(daemon=True)
        self.base = f"http://127.0.0.1:{port}"
        self.photo = photo
        self.stopping = threading.Event()
        self.done, self.failed, self.refused, self.seconds = 0, 0, 0, []
        self.refusals = {}  # status -> count
        self.opener = urllib.request.build_opener()

    def upload(self):
        # The CSRF cookie is a Secure one (production settings): a browser would send it
        # back over HTTPS; here, on plain loopback, it is sent back by hand.
        response = self.opener.open(f"{self.base}/kk/batyr/", timeout=30)
        page = response.read().decode()
        cookie = re.search(r"csrftoken=([^;]+)", response.headers["Set-Cookie"]).group(1)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        look = re.search(r'name="look" value="([^"]+)"', page).group(1)
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in (("csrfmiddlewaretoken", token), ("look", look), ("consent", "yes")):
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; '
            f'filename="me.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
            + self.photo
            + f"\r\n--{boundary}--\r\n".encode()
        )
        request = urllib.request.Request(
            f"{self.base}/kk/batyr/",
            data=b"".join(parts),
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Cookie": f"csrftoken={cookie}",
            },
        )
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as exc:
            self.refused += 1
            self.refusals[exc.code] = self.refusals.get(exc.code, 0) + 1
            return None
        return response.geturl(), time.monotonic()  # the portrait's page, after the 303

    def run(self):
        jobs = []
        while not self.stopping.is_set():
            while len(jobs) < PORTRAITS_IN_FLIGHT and not self.stopping.is_set():
                job = self.upload()
                if job:
                    jobs.append(job)
                else:
                    time.sleep(1)
            for job in list(jobs):
                url, started = job
                try:
                    status = json.load(self.opener.open(f"{url}status/", timeout=30))["status"]
                except (OSError, ValueError):
                    continue
                if status in ("done", "failed"):
                    jobs.remove(job)
                    if status == "done":
                        self.done += 1
                        self.seconds.append(time.monotonic() - started)
                    else:
                        self.failed += 1
            time.sleep(0.5)


def start_stack(args):
    env = stack_env(args)
    log = (args.workdir / "serve.log").open("w")
    stack = subprocess.Popen(
        [PYTHON, "deploy/serve.py"], env=env, cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if stack.poll() is not None:
            raise SystemExit(f"deploy/serve.py exited; see {log.name}")
        try:
            if bench_load.get(args.port, "/healthz", timeout=2)[0] == 200:
                return stack
        except OSError:
            pass
        time.sleep(0.5)
    stack.terminate()
    raise SystemExit("the stack did not answer /healthz within 120 s")


def main(argv=None):
    args = parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: `apt-get install wrk` (or `make bench-serve`).")
    if not args.skip_setup:
        bench_load.build_site(args)
    bench_load.flush_redis(args.redis_url)
    paths = mixed_paths(args)
    from batyr.bench import make_input

    photo = make_input()
    stack = start_stack(args)
    rows = []
    try:
        for path in paths:  # every page answers, and is in the page cache before the runs
            status = bench_load.get(args.port, path)[0]
            if status != 200:
                print(f"  {path}: HTTP {status}", flush=True)
        wrk(args, paths, 5, args.connections)
        print(
            f"{len(paths)} paths; wrk {args.threads} threads, {args.connections} connections, "
            f"{args.duration} s per run; {os.cpu_count()} CPUs",
            flush=True,
        )
        for run in args.runs.split(","):
            painter = None
            if run == "painting":
                painter = Painter(args.port, photo)
                painter.start()
                time.sleep(3)  # the first five are queued and the worker has started
            figures = wrk(args, paths, args.duration, args.connections, busting=run == "busting")
            row = {"run": run, **figures}
            if painter:
                painter.stopping.set()
                painter.join(timeout=90)
                seconds = sorted(painter.seconds)
                row["portraits"] = {
                    "done": painter.done,
                    "failed": painter.failed,
                    "refused": painter.refused,
                    "refusals": painter.refusals,
                    "p50_s": seconds[len(seconds) // 2] if seconds else None,
                }
            rows.append(row)
            print(format_row(row), flush=True)
    finally:
        stack.send_signal(2)  # Ctrl-C: deploy/serve.py stops nginx, gunicorn and the worker
        try:
            stack.wait(timeout=30)
        except subprocess.TimeoutExpired:
            stack.kill()
    errors = sum(row["errors"] for row in rows)
    print(f"errors in all runs: {errors}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 1 if errors else 0


def format_row(row):
    text = (
        f"{row['run']:<9} {row['requests']:>8} requests {row['rps']:>8.0f} req/s  "
        f"p50 {row['p50_ms']:.1f} ms  p99 {row['p99_ms']:.1f} ms  errors {row['errors']}"
    )
    if "portraits" in row:
        p = row["portraits"]
        median = f"{p['p50_s']:.1f} s" if p["p50_s"] else "-"
        text += (
            f"; portraits painted {p['done']} (failed {p['failed']}, refused {p['refused']}), "
            f"upload to done p50 {median}"
        )
    return text


if __name__ == "__main__":
    sys.exit(main())
