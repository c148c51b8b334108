import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(code_or_args, env_extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(env_extra)
    args = [sys.executable, *code_or_args]
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_production_refuses_to_start_without_a_secret_key():
    result = run(
        ["-c", "import django; django.setup()"],
        {"DJANGO_SETTINGS_MODULE": "kazportal.settings.production"},
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_dev_settings_start_without_a_secret_key_because_debug_is_on():
    result = run(
        [
            "-c",
            "import django; django.setup(); "
            "from django.conf import settings; print(settings.DEBUG)",
        ],
        {"DJANGO_SETTINGS_MODULE": "kazportal.settings.dev"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_check_deploy_passes_with_debug_off():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        {
            "DJANGO_SETTINGS_MODULE": "kazportal.settings.production",
            "DJANGO_SECRET_KEY": "x" * 20 + "-a-long-random-test-key-" + "y" * 30,
            "DJANGO_ALLOWED_HOSTS": "kazportal.example",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_database_url_selects_postgres_and_keeps_connections():
    result = run(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "d = settings.DATABASES['default']; print(d['ENGINE'], d['NAME'], d['CONN_MAX_AGE'])",
        ],
        {
            "DJANGO_SETTINGS_MODULE": "kazportal.settings.dev",
            "DATABASE_URL": "postgres://u:p@db.example:5432/portal",
        },
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "portal", "60"]


def test_redis_url_switches_the_cache_to_redis():
    result = run(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.CACHES['default']['BACKEND'])",
        ],
        {
            "DJANGO_SETTINGS_MODULE": "kazportal.settings.dev",
            "REDIS_URL": "redis://127.0.0.1:6379/3",
        },
    )
    # Django's Redis cache, made to miss instead of fail when Redis is down.
    assert result.stdout.strip() == "kazportal.resilient_cache.ResilientRedisCache"


def test_postgres_connections_run_queries_without_parallel_workers():
    code = (
        "import django; django.setup();"
        "from django.conf import settings;"
        "print(settings.DATABASES['default']['OPTIONS']['options'])"
    )
    result = run(
        ["-c", code],
        {
            "DJANGO_SETTINGS_MODULE": "kazportal.settings.dev",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/kazportal",
        },
    )
    assert result.returncode == 0, result.stderr
    # The site's connections also get a statement timeout (DATABASE_STATEMENT_TIMEOUT_MS).
    assert result.stdout.strip() == "-c max_parallel_workers_per_gather=0 -c statement_timeout=5000"
    # DJANGO_PG_OPTIONS replaces them.
    result = run(
        ["-c", code],
        {
            "DJANGO_SETTINGS_MODULE": "kazportal.settings.dev",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/kazportal",
            "DJANGO_PG_OPTIONS": "-c work_mem=8MB",
        },
    )
    assert result.stdout.strip() == "-c work_mem=8MB -c statement_timeout=5000"
