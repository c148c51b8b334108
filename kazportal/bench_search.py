"""Benchmark the site search on PostgreSQL: ``python -m kazportal.bench_search [--runs N]``.

Uses its own database (``kazportal_bench_search`` on the server of DATABASE_URL, or the URL in
BENCH_DATABASE_URL), creates it when missing, migrates it, loads the demo content and adds 10,000
generated published articles in three languages (random mixes of a cultural vocabulary and
made-up filler words: a common word such as "steppe" occurs in about a third of them, thousands of
rows). Then it runs a set of queries through ``kazportal.search.run``
(the code the search page runs) and prints p50/p95 in milliseconds, per query and overall,
and whether the overall p95 meets the target. ``--explain QUERY`` prints the plan (EXPLAIN
ANALYZE) of the articles query the search runs for a query. Target: overall p95 under 50 ms.
"""

import argparse
import os
import random
import statistics
import sys
import time
from urllib.parse import urlsplit, urlunsplit

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kazportal"
BENCH_DB = "kazportal_bench_search"
ARTICLES = 10_000
TARGET_MS = 50  # overall p95

# (language, query, what it exercises)
QUERIES = [
    ("en", "Burabay", "Latin name"),
    ("kk", "Burabai", "Latin typo, Kazakh page"),
    ("ru", "Бурабай", "Cyrillic name"),
    ("kk", "Бурабаи", "Cyrillic typo"),
    ("ru", "Бураб", "partial word"),
    ("kk", "домбыра", "Kazakh word, common"),
    ("kk", "қымыз тойы", "two Kazakh words"),
    ("en", "steppe", "common English word"),
    ("ru", "музыка степи", "two Russian words, common"),
    ("en", "nomad music", "two English words"),
    ("en", "Abai", "name"),
    ("ru", "zzxqv", "no hit"),
]

VOCABULARY = {
    "kk": (
        "дала домбыра күй көшпелі киіз үй қымыз той наурыз батыр ақын жыр ән би шапан ою өрнек "
        "тау көл өзен орман жайлау қыстау ауыл қала мұражай тарих мұра мәдениет салт дәстүр ұлттық "
        "халық ел жер аспан жұлдыз түн күн жол керуен базар шеберхана кілем зергер бүркіт аңшы "
        "жылқы түйе қой ертегі аңыз кітап мектеп ғалым зерттеу экспедиция қорған петроглиф"
    ).split(),
    "ru": (
        "степь домбра кюй кочевник юрта кумыс праздник наурыз батыр акын песня музыка танец чапан "
        "орнамент узор гора озеро река лес пастбище зимовка аул город музей история наследие "
        "культура обычай традиция национальный народ страна земля небо звезда ночь день дорога "
        "караван базар мастерская ковёр ювелир беркут охотник конь верблюд овца сказка легенда "
        "книга школа учёный исследование экспедиция курган петроглиф"
    ).split(),
    "en": (
        "steppe dombyra kui nomad yurt kumys festival nauryz batyr poet song music dance chapan "
        "ornament pattern mountain lake river forest pasture winter village city museum history "
        "heritage culture custom tradition national people country land sky star night day road "
        "caravan bazaar workshop carpet jeweller eagle hunter horse camel sheep tale legend book "
        "school scholar research expedition kurgan petroglyph"
    ).split(),
}


def bench_url():
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    base = os.environ.get("DATABASE_URL", DEFAULT_URL)
    parts = urlsplit(base)
    if not parts.scheme.startswith("postgres"):
        parts = urlsplit(DEFAULT_URL)
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


def ensure_database(url):
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


SYLLABLES = {
    "kk": "ба ға да жа қа ма на са та ұл үн ер ін ой тар бек жан сұл тұр кен",
    "ru": "ва го де жи ко ли мо но пе ро сту ви ра ни ка ло бер тон сла мир",
    "en": "ba co de fi go la me no pa ro su ti ver han mil ston ward lin cor",
}


def filler_words(lang, count=3000, seed=7):
    """Made-up words: the bulk of a text, so that each real word occurs in some texts only."""
    rng = random.Random(seed)
    syllables = SYLLABLES[lang].split()
    return ["".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(count)]


def sentence(rng, lang, low, high, share=0.1, fillers=None):
    """`share` of the words from the cultural vocabulary, the rest made-up filler words."""
    words = [
        rng.choice(VOCABULARY[lang]) if rng.random() < share else rng.choice(fillers[lang])
        for _ in range(rng.randint(low, high))
    ]
    return " ".join(words).capitalize() + "."


def add_articles(count):
    from django.utils import timezone

    from articles.models import Article

    have = Article.objects.filter(slug__startswith="bench-").count()
    if have >= count:
        return 0
    rng = random.Random(42)
    fillers = {lang: filler_words(lang) for lang in VOCABULARY}
    now = timezone.now()
    batch = []
    for number in range(have, count):
        fields = {}
        for lang in VOCABULARY:
            fields[f"title_{lang}"] = sentence(rng, lang, 3, 7, 0.5, fillers)[:-1]
            fields[f"lead_{lang}"] = sentence(rng, lang, 12, 24, 0.2, fillers)
            paragraphs = (
                " ".join(sentence(rng, lang, 8, 16, 0.1, fillers) for _ in range(rng.randint(3, 6)))
                for _ in range(rng.randint(2, 4))
            )
            fields[f"body_{lang}"] = "".join(f"<p>{p}</p>" for p in paragraphs)
        batch.append(
            Article(
                slug=f"bench-{number:05d}",
                category=rng.choice(Article.Category.values),
                status=Article.Status.PUBLISHED,
                published_at=now - timezone.timedelta(days=rng.randint(1, 3650)),
                **fields,
            )
        )
        if len(batch) == 1000:
            Article.objects.bulk_create(batch)
            batch = []
    Article.objects.bulk_create(batch)
    return count - have


def percentile(values, share):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def explain(text, lang):
    from django.utils import translation

    from kazportal import search

    entry = next(e for e in search.SEARCHABLE if e.model == "articles.Article")
    query = search.parse(text)[0]
    with translation.override(lang):
        print(search.postgres.queryset(entry, query, lang, limit=search.PER_GROUP).explain(True))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="runs of each query (default 30)")
    parser.add_argument("--articles", type=int, default=ARTICLES)
    parser.add_argument("--explain", metavar="QUERY", help="print the articles query's plan")
    args = parser.parse_args(argv)

    url = bench_url()
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kazportal.settings.dev")
    os.environ["DJANGO_DEBUG"] = "0"
    # Building the database (migrations, 10,000 rows, VACUUM merging GIN pending lists) takes
    # longer than the site's statement timeout.
    os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT_MS", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-search-only-" + "x" * 40)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import translation

    from kazportal.search import run
    from regions.models import Region

    if connection.vendor != "postgresql":
        sys.exit("The search benchmark needs PostgreSQL.")
    call_command("migrate", verbosity=0)
    if not Region.objects.exists():
        call_command("load_initial_data", verbosity=0)
    started = time.perf_counter()
    added = add_articles(args.articles)
    if added:
        print(f"added {added} articles in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would: GIN pending lists merged

    if args.explain:
        explain(args.explain, "en")
        return

    every = []
    print(f"{'query':<16} {'lang':<4} {'hits':>6} {'p50 ms':>7} {'p95 ms':>7}  what")
    for lang, text, what in QUERIES:
        timings = []
        with translation.override(lang):
            for _ in range(args.runs):
                begin = time.perf_counter()
                groups = run(text)
                timings.append((time.perf_counter() - begin) * 1000)
        every += timings
        hits = sum(group.total for group in groups)
        p50, p95 = statistics.median(timings), percentile(timings, 0.95)
        print(f"{text:<16} {lang:<4} {hits:>6} {p50:>7.1f} {p95:>7.1f}  {what}")
    p50, p95 = statistics.median(every), percentile(every, 0.95)
    print(f"{'all':<16} {'':<4} {'':>6} {p50:>7.1f} {p95:>7.1f}  {len(every)} searches")
    verdict = "target met" if p95 < TARGET_MS else "target MISSED"
    print(f"overall p50 {p50:.1f} ms, p95 {p95:.1f} ms: {verdict} (p95 under {TARGET_MS} ms)")


if __name__ == "__main__":
    main()
