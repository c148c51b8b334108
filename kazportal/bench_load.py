"""Load benchmark of the production server on the demo content: `make bench-load`, or
`.venv/bin/python -m kazportal.bench_load --help`.

It builds a fresh demo site (its own database, media folder and Redis database: migrate,
load_initial_data --renditions, the rendition tasks, collectstatic), starts gunicorn with the
production settings (debug off) three times: "uncached" (no page cache: every request renders
from the database, with the kept blocks, the parts of pages shared across pages, as in
production), "database" (nothing kept either: for comparison) and "warm" (the page cache on),
and measures the
home page, a region, an article, a calendar month and a search with wrk (Debian's `wrk`
package) at 16 connections, in five slices each right after a slice on a static CSS file
served by WhiteNoise from the same gunicorn (the machine's ceiling in those moments: this
machine's speed drifts by 2x within minutes, so each page is judged by its ratio to the static
rate measured beside it, slice by slice; --slices). It prints
requests per second, the 50th and 99th latency percentiles, the errors (non-2xx answers and
socket errors) and the ratio to the static rate of each, and whether each target is met.

With the page cache on it then runs two more measurements: "save", mixed pages at 16
connections while an editor corrects one article that the home page does not show (the
hit ratio of the page cache over the run, and how many pages were rendered again); and
"storm", the home page just invalidated under 64 connections (how many requests rendered it:
one, the others get the previous copy or wait for it).
"""

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))

# Home page targets with the page cache warm: requests per second and the 99th percentile
# latency at 16 connections.
TARGETS = {"warm": 800, "p99_ms": 100}
# Rendered from the database (page cache off): the share of the static-file rate measured in
# the same run, and the 99th percentile at 16 connections. Search has its own share.
UNCACHED_SHARE = 0.07
UNCACHED_SEARCH_SHARE = 0.03
UNCACHED_P99_MS = 250


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
    parser.add_argument(
        "--slices",
        type=int,
        default=5,
        help="the seconds of each page measurement are split into this many slices, each "
        "after a slice on the static file",
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", help="gunicorn workers (default: kazportal/gunicorn.conf.py)")
    parser.add_argument("--gunicorn-threads", help="gunicorn threads per worker")
    parser.add_argument(
        "--modes",
        default="uncached,database,warm",
        help="uncached (no page cache: every page from the database, kept blocks on), database "
        "(no page cache, no kept blocks), warm (page cache)",
    )
    parser.add_argument(
        "--pages", help="comma-separated subset: home,region,article,calendar month,search"
    )
    parser.add_argument("--skip-setup", action="store_true", help="reuse the last demo site")
    parser.add_argument(
        "--varnish",
        action="store_true",
        help="also measure cached pages through Varnish in front of gunicorn (make varnish)",
    )
    parser.add_argument(
        "--no-cache-runs",
        dest="cache_runs",
        action="store_false",
        help="skip the save and storm measurements",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    return parser.parse_args(argv)


# (PAGE_CACHE_SECONDS, BLOCK_CACHE_SECONDS) of each mode: "uncached" renders every page from
# the database with the kept blocks (shared parts of pages, kazportal/cache.py) as in
# production; "database" keeps nothing at all (for comparison: no target); "warm" is the page
# cache.
MODES = {"uncached": (0, 600), "database": (0, 0), "warm": (600, 600)}


def site_env(args, cache_seconds, block_seconds=600):
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
            "BLOCK_CACHE_SECONDS": str(block_seconds),
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
        "from django.contrib.staticfiles.storage import staticfiles_storage as s; "
        "o = Article.objects.published().order_by('published_at').first(); "
        "print(json.dumps([r.slug, a.slug, t.year, t.month, s.url('css/site.css'), o.pk, "
        "o.get_absolute_url()]))"
    )
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        env=site_env(args, 0),
        cwd=BASE_DIR,
        check=True,
        capture_output=True,
        text=True,
    )
    region, article, year, month, static, oldest, oldest_url = json.loads(
        result.stdout.strip().splitlines()[-1]
    )
    args.static_url, args.oldest_article, args.oldest_url = static, oldest, oldest_url
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


def start_server(args, cache_seconds, block_seconds=600):
    try:
        get(args.port, "/healthz", timeout=2)
    except OSError:
        pass
    else:
        raise SystemExit(f"port {args.port} is in use: stop that server or pass --port")
    env = site_env(args, cache_seconds, block_seconds)
    log = (args.workdir / f"gunicorn-{cache_seconds}-{block_seconds}.log").open("w")
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


def wrk(args, path, duration, connections=None, script=None):
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{connections or args.connections}",
        f"-d{duration}s",
        "--latency",
    ]
    if script:
        command += ["-s", script]
    command.append(f"http://127.0.0.1:{args.port}{path}")
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    figures = parse_wrk(output)
    counted = re.search(r"XCACHE hit=(\d+) miss=(\d+) stale=(\d+) none=(\d+)", output)
    if counted:
        figures["x_cache"] = dict(
            zip(("hit", "miss", "stale", "none"), map(int, counted.groups()), strict=True)
        )
    return figures


# A wrk script: the paths in turn (or the one on the command line), and the X-Cache answers
# counted over every thread.
COUNTING_SCRIPT = """
paths = {%s}
threads = {}
i = 0
setup = function(thread) table.insert(threads, thread) end
init = function() hit, miss, stale, none = 0, 0, 0, 0 end
request = function()
  if #paths == 0 then return wrk.format("GET") end
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
response = function(status, headers, body)
  local x = headers["X-Cache"]
  if x == "hit" then hit = hit + 1
  elseif x == "miss" then miss = miss + 1
  elseif x == "stale" then stale = stale + 1
  else none = none + 1 end
end
done = function(summary, latency, requests)
  local h, m, s, n = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    h = h + t:get("hit"); m = m + t:get("miss"); s = s + t:get("stale"); n = n + t:get("none")
  end
  io.write(string.format("XCACHE hit=%%d miss=%%d stale=%%d none=%%d\\n", h, m, s, n))
end
"""


def counting_script(args, paths=()):
    script = args.workdir / "counting.lua"
    script.write_text(COUNTING_SCRIPT % ", ".join(json.dumps(p) for p in paths))
    return str(script)


def editor_saves(args, article_pk):
    """An editor's correction of one article's Kazakh title, through the model (signals and
    all), from another process."""
    code = (
        "from articles.models import Article; "
        f"a = Article.objects.get(pk={article_pk}); a.title_kk = a.title_kk.rstrip() + ' '; "
        "a.save()"
    )
    subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        env=site_env(args, 600),
        cwd=BASE_DIR,
        check=True,
        capture_output=True,
    )


def measure_save(args, urls):
    """Mixed pages with the page cache warm while an editor corrects the oldest article (its
    own page is in the mix: it alone should be rendered again)."""
    paths = [*urls.values(), args.oldest_url]
    script = counting_script(args, paths)
    wrk(args, "/", 3, script=script)  # every page cached
    results = {}

    def run():
        results["figures"] = wrk(args, "/", args.duration, script=script)

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(args.duration / 2)
    editor_saves(args, args.oldest_article)
    thread.join()
    return results["figures"]


def measure_storm(args, path):
    """`path` invalidated, then 64 connections at once: how many requests rendered it."""
    script = counting_script(args)
    wrk(args, path, 2, script=script)
    editor_saves(args, args.home_article)  # an article the home page shows
    return wrk(args, path, 3, connections=64, script=script)


def interleaved(args, path):
    """The page's figures over `args.duration` seconds, in `args.slices` slices, each right
    after a slice of the same length on the static file: the machine's speed drifts within
    seconds, so the page is compared with the static rate of the same moments (share: the
    page's requests over the static file's, p50 the median of the slices', p99 the worst)."""
    length = max(1, round(args.duration / args.slices))
    statics, pages = [], []
    for _ in range(args.slices):
        statics.append(wrk(args, args.static_url, length))
        pages.append(wrk(args, path, length))
    requests = sum(p["requests"] for p in pages)
    static_requests = sum(s["requests"] for s in statics)
    return {
        "rps": sum(p["rps"] for p in pages) / len(pages),
        "requests": requests,
        "p50_ms": statistics.median(p["p50_ms"] for p in pages),
        "p99_ms": max(p["p99_ms"] for p in pages),
        "errors": sum(p["errors"] for p in pages),
        "static_rps": sum(s["rps"] for s in statics) / len(statics),
        "share": requests / static_requests if static_requests else 0.0,
        "slice_shares": [
            p["requests"] / s["requests"] if s["requests"] else 0.0
            for p, s in zip(pages, statics, strict=True)
        ],
    }


def measure(args, mode, urls):
    server = start_server(args, *MODES[mode])
    rows = []
    try:
        wrk(args, args.static_url, 2)
        for name, path in urls.items():
            status, body, headers = get(args.port, path)
            if status != 200:
                print(f"  {path}: HTTP {status}", flush=True)
            if mode == "warm":
                status, body, headers = get(args.port, path)
                if headers.get("X-Cache") != "hit":
                    print(f"  {path}: not served from the page cache", flush=True)
            wrk(args, path, 2)  # every worker imports, connects and fills its caches
            figures = interleaved(args, path)
            rows.append({"page": name, "url": path, "mode": mode, "bytes": len(body), **figures})
            print(format_row(rows[-1]), flush=True)
        if mode == "warm" and args.varnish:
            rows += measure_varnish(args, urls)
        if mode == "warm" and args.cache_runs:
            args.home_article = home_article(args)
            for name, run in (
                ("save", lambda: measure_save(args, urls)),
                ("storm", lambda: measure_storm(args, urls["home"])),
            ):
                figures = run()
                rows.append({"page": name, "url": "", "mode": mode, "bytes": 0, **figures})
                print(format_cache_row(rows[-1]), flush=True)
    finally:
        stop_server(server)
    return rows


def measure_varnish(args, urls):
    """Cached pages through Varnish (deploy/varnish.py, in front of this gunicorn) and straight
    from gunicorn's page cache, one after the other for each page."""
    sys.path.insert(0, str(BASE_DIR))
    import tempfile

    from deploy import varnish

    port = args.port + 1
    run_dir = tempfile.mkdtemp(prefix="kazportal-varnish-")
    process = varnish.start(
        f"127.0.0.1:{port}",
        [f"127.0.0.1:{args.port}"],
        run_dir=run_dir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    rows = []
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if get(port, "/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                time.sleep(0.3)
        direct = argparse.Namespace(**{**vars(args), "port": args.port})
        through = argparse.Namespace(**{**vars(args), "port": port})
        for name in ("home", "article"):
            path = urls[name]
            for label, target in (("gunicorn", direct), ("varnish", through)):
                get(target.port, path)
                wrk(target, path, 2)
                figures = wrk(target, path, args.duration)
                row = {"page": name, "url": path, "mode": label, "bytes": 0, **figures}
                rows.append(row)
                print(format_row(row), flush=True)
    finally:
        process.terminate()
        process.wait(timeout=20)
        shutil.rmtree(run_dir, ignore_errors=True)
    return rows


def home_article(args):
    """The pk of the newest published article (on the home page)."""
    code = (
        "from articles.models import Article; "
        "print(Article.objects.published().order_by('-published_at').first().pk)"
    )
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        env=site_env(args, 0),
        cwd=BASE_DIR,
        check=True,
        capture_output=True,
        text=True,
    )
    return int(result.stdout.strip().splitlines()[-1])


HEADER = (
    f"{'page':<15} {'url':<44} {'mode':<8} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
    f"{'static':>7} {'share':>6} errors"
)


def format_row(row):
    return (
        f"{row['page']:<15} {row['url']:<44} {row['mode']:<8} {row['rps']:>8.0f} "
        f"{row['p50_ms']:>7.1f} {row['p99_ms']:>7.1f} {row.get('static_rps', 0):>7.0f} "
        f"{row.get('share', 0) * 100:>5.1f}% {row['errors']}"
        + (
            "  slices " + " ".join(f"{x * 100:.1f}" for x in row["slice_shares"])
            if row.get("slice_shares")
            else ""
        )
    )


def format_cache_row(row):
    counts = row.get("x_cache", {})
    served = sum(counts.values()) or 1
    hits = counts.get("hit", 0) + counts.get("stale", 0)
    what = (
        "an editor's save during mixed pages"
        if row["page"] == "save"
        else "the home page invalidated, 64 connections"
    )
    return (
        f"{row['page']:<6} {what}: {row['requests']} requests, {row['rps']:.0f} req/s, "
        f"p99 {row['p99_ms']:.1f} ms; X-Cache hit {counts.get('hit', 0)}, "
        f"stale {counts.get('stale', 0)}, miss (rendered) {counts.get('miss', 0)}, "
        f"none {counts.get('none', 0)}; hit ratio {hits / served * 100:.2f}%"
    )


def verdict(rows):
    lines = []
    for row in rows:
        if row["mode"] == "uncached":
            share = UNCACHED_SEARCH_SHARE if row["page"] == "search" else UNCACHED_SHARE
            ok = (
                row["share"] >= share
                and (row["page"] == "search" or row["p99_ms"] < UNCACHED_P99_MS)
                and not row["errors"]
            )
            lines.append(
                f"{row['page']} uncached: {row['share'] * 100:.1f}% of the static rate "
                f"(target ≥ {share * 100:.0f}%), p99 {row['p99_ms']:.1f} ms"
                + ("" if row["page"] == "search" else f" (target < {UNCACHED_P99_MS})")
                + f": {'OK' if ok else 'MISSED'}"
            )
        if row["mode"] == "database":
            lines.append(
                f"{row['page']} from the database with nothing kept: "
                f"{row['share'] * 100:.1f}% of the static rate, p99 {row['p99_ms']:.1f} ms "
                "(no target: what the kept blocks save)"
            )
        if row["page"] != "home" or row["mode"] not in TARGETS:
            continue
        wanted = TARGETS[row["mode"]]
        ok = row["rps"] >= wanted and row["p99_ms"] < TARGETS["p99_ms"] and not row["errors"]
        lines.append(
            f"home {row['mode']}: {row['rps']:.0f} req/s (target ≥ {wanted}), "
            f"p99 {row['p99_ms']:.1f} ms (target < {TARGETS['p99_ms']}), "
            f"{row['errors']} errors: {'OK' if ok else 'MISSED'}"
        )
    for row in rows:
        if row["page"] == "storm":
            misses = row.get("x_cache", {}).get("miss", 0)
            lines.append(
                f"storm: {misses} render(s) of the invalidated home page under 64 connections "
                f"(target: 1 or 2): {'OK' if 1 <= misses <= 2 else 'MISSED'}"
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
        print(format_cache_row(row) if row["page"] in ("save", "storm") else format_row(row))
    print()
    for line in verdict(rows):
        print(line)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
