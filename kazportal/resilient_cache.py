"""Django's Redis cache that degrades instead of failing when Redis is unreachable.

`ResilientRedisCache` is Django's own `RedisCache` (the short socket timeouts are the redis
client's `socket_connect_timeout` / `socket_timeout`, passed through `OPTIONS`); it only adds:

* **misses instead of errors**: a `ConnectionError` or `TimeoutError` from redis makes a read a
  miss (`get` answers the default, `get_many` nothing, `has_key` False), `incr`/`decr` raise
  `ValueError` as for a missing key, `add` answers False (nothing was added), writes and deletes
  do nothing. Every caller then works as with an empty cache that keeps nothing: the page cache
  renders every page, the editing notice says nothing, the batyr rate limit counts nothing
  (it fails open, see batyr/views.py `over_rate_limit`: the queue limit, kept in the database,
  still bounds the work; failing closed would refuse every visitor's portrait for the outage).
* **a circuit breaker**: after a failure, Redis is not asked again for `breaker_seconds`
  (REDIS_BREAKER_SECONDS, default 5): a dead Redis costs one timeout every few seconds per
  process, not one per request.
* **one warning a minute** (`warn_every_seconds`) on the `kazportal.resilient_cache` logger,
  with the error, and one info line when Redis answers again.
* **`on_recovery`**: a dotted path called once when Redis answers again after an outage in
  this process. Writes made meanwhile were lost (e.g. the page cache's generation bump after an
  editor published), so the settings point it at `kazportal.cache.bump_generation`: pages cached
  before the outage are never served after it.

The breaker's state is shared by every instance of the same LOCATION in the process (Django makes
one cache instance per thread).
"""

import logging
import re
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.utils.module_loading import import_string
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


class Breaker:
    """Whether Redis may be asked now; when it last failed; when that was last logged."""

    def __init__(self):
        self.lock = threading.Lock()
        self.open_until = 0.0  # monotonic time before which Redis is skipped
        self.down = False  # a failure since the last success
        self.last_warning = None  # monotonic time of the last warning


_breakers = {}
_breakers_lock = threading.Lock()
_recovering = threading.local()


def breaker_for(location):
    with _breakers_lock:
        return _breakers.setdefault(location, Breaker())


def reset_breakers():
    """Forget every outage (tests)."""
    with _breakers_lock:
        _breakers.clear()


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self.breaker_seconds = float(options.pop("breaker_seconds", 5))
        self.warn_every_seconds = float(options.pop("warn_every_seconds", 60))
        self.on_recovery = options.pop("on_recovery", None)
        params["OPTIONS"] = options
        super().__init__(server, params)
        self.breaker = breaker_for(repr(self._servers))
        # For the log: the servers without a password (redis://:secret@host/0).
        self.where = ", ".join(re.sub(r"//[^/@]*@", "//", server) for server in self._servers)

    # --- the breaker --------------------------------------------------------------------
    def _call(self, operation, fallback, *args, **kwargs):
        breaker = self.breaker
        if breaker.open_until > time.monotonic():
            return fallback()
        try:
            result = getattr(super(), operation)(*args, **kwargs)
        except UNREACHABLE as error:
            self._failed(operation, error)
            return fallback()
        if breaker.down:
            self._recovered()
        return result

    def _failed(self, operation, error):
        breaker = self.breaker
        now = time.monotonic()
        with breaker.lock:
            breaker.open_until = now + self.breaker_seconds
            breaker.down = True
            warn = breaker.last_warning is None or now - breaker.last_warning >= (
                self.warn_every_seconds
            )
            if warn:
                breaker.last_warning = now
        if warn:
            log.warning(
                "Redis cache %s unreachable (%s in %s: %s): serving without the cache, "
                "trying again every %g s",
                self.where,
                type(error).__name__,
                operation,
                error,
                self.breaker_seconds,
            )

    def _recovered(self):
        breaker = self.breaker
        with breaker.lock:
            if not breaker.down:
                return
            breaker.down = False
        log.info("Redis cache %s answers again", self.where)
        if self.on_recovery is not None and not getattr(_recovering, "active", False):
            _recovering.active = True
            try:
                hook = self.on_recovery
                (import_string(hook) if isinstance(hook, str) else hook)()
            except Exception:  # the cache must keep answering whatever the hook does
                log.exception("on_recovery of the Redis cache failed")
            finally:
                _recovering.active = False

    def ping(self):
        """Whether Redis answers now (for /healthz): asks even while the breaker is open, and
        closes or opens it with the answer."""
        try:
            self._cache.get_client().ping()
        except UNREACHABLE as error:
            self._failed("ping", error)
            return False
        with self.breaker.lock:
            self.breaker.open_until = 0.0
        if self.breaker.down:
            self._recovered()
        return True

    # --- the cache API, each with what an unreachable Redis means ---------------------------
    def get(self, key, default=None, version=None):
        return self._call("get", lambda: default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", dict, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", lambda: False, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", lambda: False, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", lambda: None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", lambda: list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", lambda: False, key, timeout, version)

    def incr(self, key, delta=1, version=None):
        def missing():
            raise ValueError(f"Key '{key}' not found (the Redis cache is unreachable).")

        return self._call("incr", missing, key, delta, version)

    def delete(self, key, version=None):
        return self._call("delete", lambda: False, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", lambda: None, keys, version)

    def clear(self):
        return self._call("clear", lambda: False)
