"""Render speed of the public pages from the database (the page cache off), in process:
`.venv/bin/python -m kazportal.profile_pages [--page home] [--n 50] [--profile]
[--database-url URL]`.

It sets up the demo content in its own SQLite database (migrate + load_initial_data, once:
`--fresh` builds it again), with the production settings (debug off, whitenoise's manifest,
a local-memory cache) and PAGE_CACHE_SECONDS=0, then renders each page type N times with
django.test.Client after warming up (renditions made, caches filled) and prints the mean and
median milliseconds per render and the SQL queries per render. `--profile` adds the cProfile
top 20 entries by cumulative and by own time of each page.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
WORKDIR = Path("/tmp/kazportal_profile")
DATABASE = WORKDIR / "profile.sqlite3"


def environment(database_url=None):
    env = {
        "DJANGO_SETTINGS_MODULE": "kazportal.settings.production",
        "DJANGO_SECRET_KEY": "profile-only-secret-key-not-for-production-use-0123456789",
        "DJANGO_ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url or f"sqlite:///{DATABASE}",
        "DJANGO_MEDIA_ROOT": str(WORKDIR / "media"),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(WORKDIR / "private"),
        "REDIS_URL": "",
        "PAGE_CACHE_SECONDS": "0",
    }
    os.environ.pop("DJANGO_DEBUG", None)
    os.environ.update(env)
    return dict(os.environ)


def manage(env, *command):
    subprocess.run([sys.executable, "manage.py", *command], env=env, cwd=BASE_DIR, check=True)


def build(env, fresh):
    WORKDIR.mkdir(parents=True, exist_ok=True)
    if fresh:
        DATABASE.unlink(missing_ok=True)
    if DATABASE.exists():
        return
    print("building the demo database in", DATABASE, flush=True)
    manage(env, "compiletranslations")
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "load_initial_data", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")


def page_urls():
    """{page type: URL} of the demo content, in Kazakh."""
    from django.urls import reverse
    from django.utils import timezone, translation

    from articles.models import Article, Event
    from heritage.models import Item, Section
    from regions.models import Place, Region

    with translation.override("kk"):
        region = Region.objects.published().order_by("order", "slug").first()
        place = Place.objects.published().filter(region=region).order_by("order").first()
        article = Article.objects.published().order_by("-published_at").first()
        section = Section.objects.order_by("order").first()
        item = Item.objects.published().filter(section=section).order_by("order").first()
        event = Event.objects.published().order_by("slug").first()
        today = timezone.localdate()
        return {
            "home": reverse("home"),
            "region_list": reverse("regions:index"),
            "region": region.get_absolute_url(),
            "place": place.get_absolute_url(),
            "article_list": reverse("articles:index"),
            "article": article.get_absolute_url(),
            "heritage_index": reverse("heritage:index"),
            "heritage_section": section.get_absolute_url(),
            "heritage_item": item.get_absolute_url(),
            "calendar_month": reverse("articles:calendar"),
            "calendar_day": reverse(
                "articles:day",
                kwargs={"year": f"{today:%Y}", "month": f"{today:%m}", "day": f"{today:%d}"},
            ),
            "event": event.get_absolute_url(),
            "search": reverse("search") + "?q=%D0%B0%D0%BB%D0%BC%D0%B0%D1%82%D1%8B",
        }


def render(client, url):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return response


def measure(client, url, n):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        render(client, url)
    count = len(queries)  # counted now: the next request empties the connection's log
    times = []
    for _ in range(n):
        start = time.perf_counter()
        render(client, url)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.mean(times), statistics.median(times), count


def profile(client, url, n, top):
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        render(client, url)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    for order in ("cumulative", "tottime"):
        print(f"--- top {top} by {order} ({n} renders) ---")
        stats.sort_stats(order).print_stats(top)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", action="append", help="a page type (several allowed)")
    parser.add_argument("--n", type=int, default=50, help="renders per page")
    parser.add_argument("--warmup", type=int, default=5, help="renders before measuring")
    parser.add_argument("--profile", action="store_true", help="cProfile top entries")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--fresh", action="store_true", help="build the database again")
    parser.add_argument(
        "--database-url",
        help="an existing demo database instead of the SQLite one (e.g. make bench-load's "
        "postgres://postgres@127.0.0.1:5432/kazportal_bench_load)",
    )
    args = parser.parse_args(argv)

    env = environment(args.database_url)
    os.chdir(BASE_DIR)
    sys.path.insert(0, str(BASE_DIR))
    if not args.database_url:
        build(env, args.fresh)

    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    assert settings.PAGE_CACHE_SECONDS == 0
    urls = page_urls()
    pages = args.page or list(urls)
    unknown = set(pages) - set(urls)
    if unknown:
        raise SystemExit(f"unknown page(s) {sorted(unknown)}; choose from {list(urls)}")
    client = Client()
    for page in pages:
        for _ in range(args.warmup):
            render(client, urls[page])
    print(f"{'page':18} {'mean ms':>8} {'p50 ms':>8} {'queries':>8}  url")
    for page in pages:
        mean, median, queries = measure(client, urls[page], args.n)
        print(f"{page:18} {mean:8.2f} {median:8.2f} {queries:8d}  {urls[page]}", flush=True)
    if args.profile:
        for page in pages:
            print(f"\n=== {page} {urls[page]} ===")
            profile(client, urls[page], args.n, args.top)


if __name__ == "__main__":
    main()
