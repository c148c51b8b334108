# Kazportal: `make run` serves the site with demo content, `make test` runs every test.
# Both set up what they need (virtualenv, dependencies, translations, database) and are safe to
# run again. Needs only Python 3.11 and, for the browser tests, Debian's chromium package.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test setup setup-dev translations migrate demo worker lint format messages chromium nginx varnish serve ci-checks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

.stamp-install: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# The tests need the s3 extra too (tests/s3.py: the object storage tests).
.stamp-install-dev: pyproject.toml .stamp-install
	$(BIN)/python -m pip install --quiet -e ".[dev,s3]"
	touch $@

setup: .stamp-install translations
setup-dev: .stamp-install-dev translations chromium nginx varnish

translations: .stamp-install
	$(BIN)/python manage.py compiletranslations

migrate: setup
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_initial_data --renditions --revisions

# The site and its task worker; Ctrl-C stops both.
run: demo
	@echo "Serving http://$(HOST)/ (admin: $(BIN)/python manage.py createsuperuser)"
	trap 'kill 0' INT TERM EXIT; \
	$(BIN)/python manage.py db_worker --no-reload & \
	$(BIN)/python manage.py runserver $(HOST)

worker: setup
	$(BIN)/python manage.py db_worker

test: setup-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: .stamp-install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: .stamp-install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Update the .po files after changing UI strings (needs GNU gettext).
messages: setup
	$(BIN)/python manage.py messages

# The browser tests drive Debian's Chromium (never a downloaded browser).
chromium:
	@command -v chromium >/dev/null || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium)

# Debian's nginx, in front of gunicorn for `make serve` (and its test).
nginx:
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || ($(SUDO) apt-get update -qq && ($(SUDO) apt-get install -y -qq nginx-light || $(SUDO) apt-get install -y -qq nginx))

# Debian's Varnish with varnish-modules (xkey), in front of several nodes (deploy/varnish.py)
# and for the many-machines test.
varnish:
	@[ -x /usr/sbin/varnishd ] && [ -n "$$(find /usr/lib -name libvmod_xkey.so 2>/dev/null | head -1)" ] || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq varnish varnish-modules && (pkill -x varnishd || true))

# The production stack on one machine: nginx on 127.0.0.1:8080 (PORT) in front of gunicorn
# (GUNICORN_PORT, 8000) and the task worker: deploy/serve.py, needs DJANGO_SECRET_KEY.
serve: setup nginx
	$(BIN)/python deploy/serve.py

# What CI checks besides the tests (see .ci/run).
ci-checks: .stamp-install-dev translations
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=kazportal.settings.production DJANGO_SECRET_KEY=ci-check-$$(date +%s)-0123456789abcdefghijklmnopqrstuvwxyz DJANGO_ALLOWED_HOSTS=kazportal.example \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) .stamp-install .stamp-install-dev staticfiles

# Load benchmark of the production server (gunicorn, debug off) on a fresh demo site, with
# Debian's wrk: requests/s and p50/p99 latency of five pages, page cache off and on. Needs
# PostgreSQL and Redis on 127.0.0.1 (see kazportal/bench_load.py --help; BENCH_ARGS=...).
.PHONY: bench-load
bench-load: setup
	@command -v wrk >/dev/null || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wrk)
	$(BIN)/python -m kazportal.bench_load $(BENCH_ARGS)

# `make serve`'s stack under 64 connections of mixed pages for 60 s, idle and while five
# portraits are painted (kazportal/bench_serve.py; BENCH_ARGS=...).
.PHONY: bench-serve
bench-serve: setup-dev
	@command -v wrk >/dev/null || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wrk)
	$(BIN)/python -u -m kazportal.bench_serve $(BENCH_ARGS)

# Peak memory of a web process reading the heaviest photo of each kind an upload accepts.
.PHONY: bench-upload-memory
bench-upload-memory: setup
	$(BIN)/python -u -m batyr.bench_memory

# Search speed on PostgreSQL: demo content + 10,000 generated articles in its own database
# (kazportal_bench_search; BENCH_DATABASE_URL to choose another), p50/p95 per query.
.PHONY: bench-search
bench-search: setup
	$(BIN)/python -u -m kazportal.bench_search $(BENCH_ARGS)
