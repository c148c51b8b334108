"""Degrade, don't fail: a database that does not answer gives the translated 503 page within
seconds, and /healthz says which dependency is down.

The waiting itself is bounded in the settings (kazportal/settings/base.py): a new PostgreSQL
connection gives up after DATABASE_CONNECT_TIMEOUT seconds, a statement after
DATABASE_STATEMENT_TIMEOUT_MS; Redis after REDIS_CONNECT_TIMEOUT / REDIS_TIMEOUT, and a Redis
outage is no error at all (kazportal/resilient_cache.py). What is left here:

* `DatabaseOutageMiddleware` (right after WhiteNoise, which serves static files before any
  database use) turns an `OperationalError` or `InterfaceError` (no connection, a timeout, the
  server went away, a locked SQLite) into the 503 page with Retry-After, rendered without a
  query. Other database errors (a bad query, an integrity error) are bugs: they stay 500s.
* `database_answers()` and `cache_answers()`, the checks of `/healthz` (kazportal/views.py).
"""

import logging
import sys

from django.conf import settings
from django.core import signals
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    InterfaceError,
    OperationalError,
    connections,
)
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from .resilient_cache import UNREACHABLE, ResilientRedisCache

log = logging.getLogger(__name__)

OUTAGE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
_FAILED = "_kazportal_database_outage"


def is_outage(exception):
    return isinstance(exception, OUTAGE_ERRORS)


def outage_page(request):
    """The translated 503 page; no query, no session, no context processor."""
    language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language()
    codes = {code for code, _name in settings.LANGUAGES}
    with translation.override(language if language in codes else settings.LANGUAGE_CODE):
        html = render_to_string("503.html", {"retry_url": request.get_full_path()})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class DatabaseOutageMiddleware:
    """The 503 page for a database outage, wherever it happened: in a view (process_exception)
    or in another middleware (Django has already made that a 500 when it reaches us; the
    exception is noted on the request by the `got_request_exception` receiver below)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, _FAILED, False):
            return outage_page(request)
        return response

    def process_exception(self, request, exception):
        if not is_outage(exception):
            return None
        log.error("database unavailable: %s %s", request.method, request.path, exc_info=True)
        return outage_page(request)


def _note_outage(sender, request=None, **kwargs):
    exception = sys.exc_info()[1]
    if request is not None and is_outage(exception):
        setattr(request, _FAILED, True)


signals.got_request_exception.connect(_note_outage, dispatch_uid="kazportal-database-outage")


# --- the checks of /healthz ---------------------------------------------------------------
def database_answers(alias=DEFAULT_DB_ALIAS):
    """True when the database answers a query; bounded by the connect and statement
    timeouts."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        log.warning("healthz: the database does not answer", exc_info=True)
        return False
    return True


def cache_answers(alias="default"):
    """True or False for a Redis cache (a PING, bounded by its socket timeouts); None for a
    cache that is no separate service (local memory)."""
    cache = caches[alias]
    if isinstance(cache, ResilientRedisCache):
        return cache.ping()
    if isinstance(cache, RedisCache):
        try:
            return bool(cache._cache.get_client().ping())
        except UNREACHABLE:
            log.warning("healthz: the Redis cache does not answer", exc_info=True)
            return False
    return None
