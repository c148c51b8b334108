"""Load benchmark of the production server on the demo content: `make bench-load`, or
`.venv/bin/python -m kazportal.bench_load --help`.

It builds a fresh demo site (its own database, media folder and Redis database: migrate,
load_initial_data --renditions, the rendition tasks, collectstatic), starts gunicorn with the
production settings (debug off) twice: "uncached" (no page cache: every request renders from
the database) and "warm" (the page cache on), and measures the
home page, a region, an article, a calendar month and a search with wrk (Debian's `wrk`
package) at 16 connections. It prints requests per second, the 50th and 99th latency
percentiles and the errors (non-2xx answers and socket errors) of each, and whether the home
page meets its targets.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))

# Home page targets: requests per second with the page cache warm, and the 99th percentile
# latency at 16 connections.
TARGETS = {"warm": 800, "p99_ms": 100}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kazportal_bench_load"
        ),
        help="a database the benchmark may drop and recreate (PostgreSQL or sqlite:///file)",
    )
    parser.add_argument(
        "--cache",
        choices=["redis", "locmem"],
        default="redis",
        help="redis (shared by the workers: invalidation reaches all of them) or locmem "
        "(one cache per worker: for comparison only)",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
        help="a Redis database the benchmark may flush",
    )
    parser.add_argument("--workdir", default="/tmp/kazportal_bench_load", type=Path)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", help="gunicorn workers (default: kazportal/gunicorn.conf.py)")
    parser.add_argument("--gunicorn-threads", help="gunicorn threads per worker")
    parser.add_argument(
        "--modes",
        default="uncached,warm",
        help="uncached (no page cache: every page from the database), warm (page cache)",
    )
    parser.add_argument(
        "--pages", help="comma-separated subset: home,region,article,calendar month,search"
    )
    parser.add_argument("--skip-setup", action="store_true", help="reuse the last demo site")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    return parser.parse_args(argv)


def site_env(args, cache_seconds):
    env = dict(os.environ)
    for name in ("DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "kazportal.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": args.database_url,
            "DJANGO_MEDIA_ROOT": str(args.workdir / "media"),
            "DJANGO_PRIVATE_MEDIA_ROOT": str(args.workdir / "private"),
            "DJANGO_LOG_LEVEL": "WARNING",
            "REDIS_URL": args.redis_url if args.cache == "redis" else "",
            "PAGE_CACHE_SECONDS": str(cache_seconds),
            "GUNICORN_BIND": f"127.0.0.1:{args.port}",
        }
    )
    if args.workers:
        env["GUNICORN_WORKERS"] = args.workers
    if args.gunicorn_threads:
        env["GUNICORN_THREADS"] = args.gunicorn_threads
    return env


def manage(env, *command):
    subprocess.run([PYTHON, "manage.py", *command], env=env, cwd=BASE_DIR, check=True)


def recreate_database(url):
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        Path(parts.path).unlink(missing_ok=True)
        return
    import psycopg

    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def flush_redis(url):
    import redis

    redis.Redis.from_url(url).flushdb()


def build_site(args):
    """A fresh demo site: database, media with every rendition, static files."""
    env = site_env(args, 0)
    print(f"Building the demo site in {args.workdir} and {args.database_url} ...", flush=True)
    shutil.rmtree(args.workdir, ignore_errors=True)
    args.workdir.mkdir(parents=True)
    recreate_database(args.database_url)
    manage(env, "compiletranslations")
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "load_initial_data", "--renditions", "-v", "0")
    manage(env, "db_worker", "--batch", "--no-startup-delay", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")


def sample_urls(args):
    """The five pages to measure, found in the demo database."""
    code = (
        "from regions.models import Region; from articles.models import Article; "
        "from django.utils import timezone; import json; "
        "r = Region.objects.published().order_by('order', 'slug').first(); "
        "a = Article.objects.published().order_by('-published_at').first(); "
        "t = timezone.localdate(); "
        "print(json.dumps([r.slug, a.slug, t.year, t.month]))"
    )
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        env=site_env(args, 0),
        cwd=BASE_DIR,
        check=True,
        capture_output=True,
        text=True,
    )
    region, article, year, month = json.loads(result.stdout.strip().splitlines()[-1])
    return {
        "home": "/kk/",
        "region": f"/kk/regions/{region}/",
        "article": f"/kk/articles/{article}/",
        "calendar month": f"/kk/calendar/{year}/{month:02d}/",
        "search": "/kk/search/?q=" + quote("Абай"),
    }


def get(port, path, timeout=10):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


def start_server(args, cache_seconds):
    try:
        get(args.port, "/healthz", timeout=2)
    except OSError:
        pass
    else:
        raise SystemExit(f"port {args.port} is in use: stop that server or pass --port")
    env = site_env(args, cache_seconds)
    log = (args.workdir / f"gunicorn-{cache_seconds}.log").open("w")
    server = subprocess.Popen(
        [GUNICORN, "-c", "kazportal/gunicorn.conf.py", "kazportal.wsgi"],
        env=env,
        cwd=BASE_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited; see {log.name}")
        try:
            if get(args.port, "/healthz", timeout=2)[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def stop_server(server):
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def milliseconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def parse_wrk(output):
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "p50_ms": milliseconds(percentiles["50"]),
        "p99_ms": milliseconds(percentiles["99"]),
        "errors": (int(non_2xx.group(1)) if non_2xx else 0)
        + (sum(int(n) for n in socket.groups()) if socket else 0),
    }


def wrk(args, path, duration):
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{duration}s",
        "--latency",
        f"http://127.0.0.1:{args.port}{path}",
    ]
    return parse_wrk(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def measure(args, mode, urls):
    cache_seconds = 600 if mode == "warm" else 0
    server = start_server(args, cache_seconds)
    rows = []
    try:
        for name, path in urls.items():
            status, body, headers = get(args.port, path)
            if status != 200:
                print(f"  {path}: HTTP {status}", flush=True)
            if mode == "warm":
                status, body, headers = get(args.port, path)
                if headers.get("X-Cache") != "hit":
                    print(f"  {path}: not served from the page cache", flush=True)
            wrk(args, path, 2)  # every worker imports, connects and fills its caches
            figures = wrk(args, path, args.duration)
            rows.append({"page": name, "url": path, "mode": mode, "bytes": len(body), **figures})
            print(format_row(rows[-1]), flush=True)
    finally:
        stop_server(server)
    return rows


HEADER = f"{'page':<15} {'url':<44} {'mode':<5} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} errors"


def format_row(row):
    return (
        f"{row['page']:<15} {row['url']:<44} {row['mode']:<5} {row['rps']:>8.0f} "
        f"{row['p50_ms']:>7.1f} {row['p99_ms']:>7.1f} {row['errors']}"
    )


def verdict(rows):
    lines = []
    for row in rows:
        if row["page"] != "home" or row["mode"] not in TARGETS:
            continue
        wanted = TARGETS[row["mode"]]
        ok = row["rps"] >= wanted and row["p99_ms"] < TARGETS["p99_ms"] and not row["errors"]
        lines.append(
            f"home {row['mode']}: {row['rps']:.0f} req/s (target ≥ {wanted}), "
            f"p99 {row['p99_ms']:.1f} ms (target < {TARGETS['p99_ms']}), "
            f"{row['errors']} errors: {'OK' if ok else 'MISSED'}"
        )
    errors = sum(row["errors"] for row in rows)
    lines.append(f"errors on all pages: {errors}")
    return lines


def main(argv=None):
    args = parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: `apt-get install wrk` (or `make bench-load`).")
    if not args.skip_setup:
        build_site(args)
    if args.cache == "redis":
        flush_redis(args.redis_url)
    urls = sample_urls(args)
    if args.pages:
        urls = {name: urls[name] for name in args.pages.split(",")}
    print(
        f"gunicorn workers={args.workers or 'default'} threads={args.gunicorn_threads or 'default'}"
        f", cache={args.cache}, wrk {args.threads} threads {args.connections} connections "
        f"{args.duration} s, {os.cpu_count()} CPUs",
        flush=True,
    )
    print(HEADER, flush=True)
    rows = []
    for mode in args.modes.split(","):
        rows += measure(args, mode.strip(), urls)
    print()
    print(HEADER)
    for row in rows:
        print(format_row(row))
    print()
    for line in verdict(rows):
        print(line)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
