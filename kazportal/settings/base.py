"""Settings shared by every environment; everything that differs comes from the environment."""

import os
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from js_asset import static_lazy

from kazportal.client import parse_networks
from kazportal.i18n import LANGS
from kazportal.sanitize import LIBRARY_PHOTO, library_photo_allowlist

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (see README: Settings)."
        )
    SECRET_KEY = "dev-only-insecure-key-never-used-with-debug-off"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # modeltranslation must come before django.contrib.admin; the project's apps come before
    # Django's so that their catalogues win (e.g. "Search" is "Поиск", not the admin's "Найти").
    "modeltranslation",
    "kazportal",
    "regions",
    "heritage",
    "articles",
    "batyr",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "imagekit",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    # revisions, diff, revert and the trash of every content model (kazportal/revisions.py)
    "reversion",
]

# --- articles: rich-text editor (django-prose-editor; its JS/CSS ship in the package) --------
INSTALLED_APPS += ["django_prose_editor"]
# --- end articles ---------------------------------------------------------------------------

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kazportal.outage.DatabaseOutageMiddleware",  # database down: the 503 page, not a hang or 500
    # ETag on every page and feed, 304 on If-None-Match / If-Modified-Since (cached pages too).
    "django.middleware.http.ConditionalGetMiddleware",
    # Anonymous pages from the cache as early as possible (see kazportal/cache.py).
    "kazportal.cache.PageCacheMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # A NUL byte in the address or a cookie: 400 (kazportal/middleware.py).
    "kazportal.middleware.RefuseNulBytes",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # axes must be last
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kazportal.urls"
WSGI_APPLICATION = "kazportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kazportal.context_processors.site",
            ],
        },
    }
]

# --- database -------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# A database that does not answer: a new connection gives up after DATABASE_CONNECT_TIMEOUT
# seconds and a statement after DATABASE_STATEMENT_TIMEOUT_MS (PostgreSQL; 0: none), and the
# visitor gets the translated 503 page (kazportal/outage.py) instead of waiting. The statement
# timeout is for the site: manage.py's commands (migrations, the task worker) run without one
# unless the variable is set.
DATABASE_CONNECT_TIMEOUT = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "3"))
DATABASE_STATEMENT_TIMEOUT_MS = int(
    os.environ.get(
        "DATABASE_STATEMENT_TIMEOUT_MS", "0" if Path(sys.argv[0]).name == "manage.py" else "5000"
    )
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A web site's short queries, many at once on a few cores: no parallel workers per query.
    # The site search's 95th percentile fell from about 105 to 85 ms without them (make
    # bench-search). DJANGO_PG_OPTIONS replaces these session settings; the statement timeout
    # is added to them unless they set their own.
    _pg_options = os.environ.get("DJANGO_PG_OPTIONS", "-c max_parallel_workers_per_gather=0")
    if DATABASE_STATEMENT_TIMEOUT_MS > 0 and "statement_timeout" not in _pg_options:
        _pg_options = f"{_pg_options} -c statement_timeout={DATABASE_STATEMENT_TIMEOUT_MS}"
    _pg = DATABASES["default"].setdefault("OPTIONS", {})
    _pg["options"] = _pg_options.strip()
    if DATABASE_CONNECT_TIMEOUT > 0:
        _pg.setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)


def sqlite_options():
    """`make run` writes to SQLite from two processes (the site and the task worker): readers
    never wait for a writer (WAL), a writer waits up to 20 s for the other one instead of
    failing with "database is locked", and a transaction takes its write lock when it starts
    (IMMEDIATE), so that it cannot fail half way when it turns from reading to writing."""
    return {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }


if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(sqlite_options())
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache ----------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Redis unreachable: misses and no-ops instead of errors, a dead server skipped for
    # REDIS_BREAKER_SECONDS after each failure, a warning a minute, and the page cache emptied
    # when it answers again (kazportal/resilient_cache.py). Short timeouts: a dead or hung
    # Redis costs a quarter of a second every few seconds, not every request.
    CACHES = {
        "default": {
            "BACKEND": "kazportal.resilient_cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kazportal",
            "OPTIONS": {
                "socket_connect_timeout": float(os.environ.get("REDIS_CONNECT_TIMEOUT", "0.25")),
                "socket_timeout": float(os.environ.get("REDIS_TIMEOUT", "0.25")),
                "breaker_seconds": float(os.environ.get("REDIS_BREAKER_SECONDS", "5")),
                "on_recovery": "kazportal.cache.bump_generation",
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# imagekit remembers which renditions exist: in each process's memory, not one Redis round trip
# per rendition per page (a page has up to a hundred). Files are never deleted behind its back.
CACHES["renditions"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "renditions",
    "OPTIONS": {"MAX_ENTRIES": 50_000},
}
IMAGEKIT_CACHE_BACKEND = "renditions"
# imagekit's own file names, computed once per process (kazportal/renditions.py).
IMAGEKIT_SPEC_CACHEFILE_NAMER = "kazportal.renditions.remembered_source_name_as_path"

# Whole-page cache for anonymous visitors (kazportal/cache.py). On by default with Redis only:
# the local-memory cache is per process, so with several gunicorn workers a publication would
# invalidate the pages of one worker only (set PAGE_CACHE_SECONDS for a one-process server).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600" if REDIS_URL else "0"))
PAGE_CACHE_QUERY_SECONDS = int(os.environ.get("PAGE_CACHE_QUERY_SECONDS", "60"))
# Kept blocks ({% kept %}: parts of pages shared across pages, kazportal/cache.py) live at most
# this long; checked against the page cache's tags in Redis, so on by default with Redis only.
BLOCK_CACHE_SECONDS = int(os.environ.get("BLOCK_CACHE_SECONDS", "600" if REDIS_URL else "0"))
# A save or delete of any model of these apps (or of these models) invalidates every page.
PAGE_CACHE_CONTENT_APPS = ["kazportal", "regions", "heritage", "articles"]
PAGE_CACHE_CONTENT_MODELS = ["batyr.Look"]
# First path segments after the language prefix that are never cached (forms, private results).
PAGE_CACHE_SKIP = ["batyr"]
# HTTP caches in front (README: Many machines): a save PURGEs the tags of what changed at each
# of these Varnish addresses (deploy/varnish.vcl), and calls the hook (a dotted path to a
# function taking the list of tags: a CDN's purge API) if set.
HTTP_CACHE_PURGE_URLS = [u for u in os.environ.get("HTTP_CACHE_PURGE_URLS", "").split(",") if u]
HTTP_CACHE_PURGE_HOOK = os.environ.get("HTTP_CACHE_PURGE_HOOK", "")

# --- auth -----------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Admin login throttling: lock a username+IP pair after 5 failures for one hour.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "kazportal/lockout.html"
# The address it counts: the client's behind a trusted proxy, an IPv6 client's /64.
AXES_CLIENT_IP_CALLABLE = "kazportal.client.client_key"
# Reverse proxies whose X-Forwarded-For is believed (addresses or CIDR networks; none by
# default): see kazportal/client.py. A bad entry stops the start-up.
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES")
parse_networks(tuple(TRUSTED_PROXIES))

# --- languages ------------------------------------------------------------
LANGUAGE_CODE = LANGS[0]
LANGUAGE_NAMES = {"kk": _("Kazakh"), "ru": _("Russian"), "en": _("English")}
LANGUAGES = [(code, LANGUAGE_NAMES[code]) for code in LANGS]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Almaty"
FORMAT_MODULE_PATH = ["kazportal.formats"]

MODELTRANSLATION_DEFAULT_LANGUAGE = LANGUAGE_CODE
MODELTRANSLATION_LANGUAGES = LANGS
# An empty field means "not translated yet": fall back to Kazakh, then Russian, then English.
MODELTRANSLATION_FALLBACK_LANGUAGES = {
    "default": LANGS,
    "kk": ("ru", "en"),
    "ru": ("kk", "en"),
    "en": ("ru", "kk"),
}
# modeltranslation's tabbed admin: self-hosted jQuery UI instead of its default CDN.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"

# --- static and media -----------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# The photo library's upload limits (kazportal/models.py Photo): larger files or pictures are
# refused with a message before they are decoded or stored.
PHOTO_MAX_UPLOAD_MB = float(os.environ.get("PHOTO_MAX_UPLOAD_MB", "15"))
PHOTO_MAX_MEGAPIXELS = float(os.environ.get("PHOTO_MAX_MEGAPIXELS", "40"))
# Visitors' batyr photos: never under MEDIA_ROOT, never served by the static/media handlers.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("DJANGO_PRIVATE_MEDIA_ROOT", BASE_DIR / "private"))


def object_storages(environ):
    """The STORAGES entries kept in S3-compatible buckets (the "s3" extra, django-storages):
    "default" (public media: photos, renditions, audio, archive documents) when
    AWS_STORAGE_BUCKET_NAME is set, "private" (visitors' batyr photos and portraits) when
    DJANGO_PRIVATE_BUCKET is set; local disk for the other(s). The access keys are not
    settings: boto3 reads AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or a role) itself."""
    shared = {
        "endpoint_url": environ.get("AWS_S3_ENDPOINT_URL") or None,
        "region_name": environ.get("AWS_S3_REGION_NAME") or None,
        # "path" for most self-hosted servers (MinIO, Garage, Ceph); "virtual" or auto for AWS
        "addressing_style": environ.get("AWS_S3_ADDRESSING_STYLE") or None,
        # A file read back (an archive document, a portrait) is held in memory up to this
        # size, then in an anonymous temporary file deleted when it is closed.
        "max_memory_size": 5 * 1024 * 1024,
        "file_overwrite": False,  # a new upload never replaces another one's file
    }
    found = {}
    if public := environ.get("AWS_STORAGE_BUCKET_NAME", ""):
        found["default"] = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **shared,
                "bucket_name": public,
                "custom_domain": environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
                # Plain, lasting URLs: the pages remember them (kazportal/renditions.py), so
                # the bucket (its policy) must let anyone read its objects.
                "querystring_auth": False,
                "default_acl": environ.get("AWS_DEFAULT_ACL") or None,
                "object_parameters": {"CacheControl": "public, max-age=604800"},
            },
        }
    if private := environ.get("DJANGO_PRIVATE_BUCKET", ""):
        if private == public:
            raise ImproperlyConfigured(
                "DJANGO_PRIVATE_BUCKET must not be AWS_STORAGE_BUCKET_NAME: the public media "
                "bucket is readable by anyone."
            )
        found["private"] = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **shared,
                "bucket_name": private,
                "custom_domain": None,  # never the public media's CDN
                # The site streams these files through the token views (batyr/views.py) and
                # never hands out their bucket URLs; should a URL ever be made, it is signed
                # and short-lived.
                "querystring_auth": True,
                "querystring_expire": 60,
                # "private" by default; empty for buckets with ACLs disabled (AWS's "bucket
                # owner enforced"), which refuse any ACL: keep such a bucket private by
                # blocking public access.
                "default_acl": environ.get("DJANGO_PRIVATE_BUCKET_ACL", "private") or None,
                "object_parameters": {"CacheControl": "private, no-store"},
            },
        }
    return found


def media_csp_sources(environ):
    """The origins public media is served from when it is in a bucket, for the
    Content-Security-Policy's img-src and media-src ([] on local disk: 'self')."""
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "")
    if not bucket:
        return []
    if domain := environ.get("AWS_S3_CUSTOM_DOMAIN"):
        return [f"https://{domain}"]
    if endpoint := environ.get("AWS_S3_ENDPOINT_URL"):
        scheme, _, host = endpoint.rstrip("/").partition("://")
        host = host.split("/", 1)[0]
        if environ.get("AWS_S3_ADDRESSING_STYLE") == "virtual":
            return [f"{scheme}://{bucket}.{host}"]
        return [f"{scheme}://{host}"]
    region = environ.get("AWS_S3_REGION_NAME")
    hosts = [f"{bucket}.s3.amazonaws.com"]
    if region:
        hosts.append(f"{bucket}.s3.{region}.amazonaws.com")
    return [f"https://{host}" for host in hosts]


# Add these to CONTENT_SECURITY_POLICY's img-src and media-src (below).
MEDIA_CSP_SOURCES = media_csp_sources(os.environ)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    **object_storages(os.environ),
}
# Renditions are made on first use (JustInTime) or ahead of time by the make_renditions task.
IMAGEKIT_CACHEFILE_DIR = "renditions"
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- the rich-text editor (django-prose-editor; kazportal/sanitize.py) ------
# The project's extension: the "Photo from the library" button and node, and its allow-list.
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("js/prose-photo.js")],
        "extensions": {LIBRARY_PHOTO: library_photo_allowlist},
    }
]

# --- background tasks -----------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- batyr: "Become a batyr" portraits (see batyr/ and README) --------------
# Visitors' photos and portraits are deleted this many hours after the upload.
BATYR_RETENTION_HOURS = int(os.environ.get("BATYR_RETENTION_HOURS", "24"))
BATYR_MAX_UPLOAD_MB = int(os.environ.get("BATYR_MAX_UPLOAD_MB", "20"))
BATYR_MAX_MEGAPIXELS = int(os.environ.get("BATYR_MAX_MEGAPIXELS", "40"))
# Memory a web process may spend decoding one photo at full size (a PNG, WebP, GIF or HEIC;
# JPEGs are decoded small): batyr/pipeline/reader.py, `make bench-upload-memory`.
BATYR_MAX_DECODED_MB = int(os.environ.get("BATYR_MAX_DECODED_MB", "96"))
# Uploads per client (IP address) per hour; 429 beyond.
BATYR_UPLOADS_PER_HOUR = int(os.environ.get("BATYR_UPLOADS_PER_HOUR", "10"))
# Live jobs (waiting or running, photo not deleted) at once; 503 beyond.
BATYR_MAX_QUEUE = int(os.environ.get("BATYR_MAX_QUEUE", "50"))
# A job still "processing" after this many seconds lost its worker: retried once, then failed.
BATYR_STUCK_AFTER_SECONDS = int(os.environ.get("BATYR_STUCK_AFTER_SECONDS", "300"))
# --- end batyr ---------------------------------------------------------------

# --- security -------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:", *MEDIA_CSP_SOURCES],  # photos from the bucket
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF, *MEDIA_CSP_SOURCES],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Powerful features are off everywhere (django-permissions-policy); the batyr upload page, which
# may use the camera, overrides this with its own policy (batyr/views.py).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "browsing-topics",
        "camera",
        "geolocation",
        "interest-cohort",
        "microphone",
        "payment",
        "usb",
    )
}

# --- logging: everything to stdout ---------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    # No batyr portrait token in the logs ("Not Found: /kk/batyr/<token>/", runserver's request
    # lines, tracebacks): batyr/README.md, Privacy. gunicorn's logs: kazportal/access_log.py.
    "filters": {"mask_tokens": {"()": "kazportal.access_log.MaskTokensFilter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_tokens"],
        },
        # Django's own handler for runserver's request lines, with the filter.
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["mask_tokens"],
        },
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}

SITE_NAME = "Kazportal"

# --- HTTPS hardening whenever debug is off --------------------------------
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # /healthz is probed over plain HTTP by load balancers.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (opt-in: only when the proxy
# strips that header from clients).
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
