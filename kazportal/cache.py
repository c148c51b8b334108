"""Whole-page cache for anonymous visitors, invalidated when content changes.

A page is cached under its scheme, host and full path (the language prefix is in the path, so
Accept-Language and the language cookie neither split nor poison an entry).

What a page shows is recorded while it renders (`Shown`): the content tables its SQL reads
(`t:<table>`) and the content rows it loads as model instances (`r:<table>:<pk>`). (So a page
shows a row's texts only from an instance: `values()`, counts and aggregates are for
structural fields, ids and numbers, which `t:` covers.) The entry keeps those tags and the
tick of a shared counter of changes read before its render; a change writes the counter's next
tick under the tags it touches (`invalidate`), and an entry is good while none of its tags has
a later tick (all read in one `get_many`):

* an edit of an existing row that leaves its "structural" fields alone (everything but its
  texts: state, dates, order, links to other rows; `structural_fields`) invalidates the pages
  that showed that row (`r:`), or that showed many rows of its table (`x:<table>`, for more
  than ROW_TAGS_PER_TABLE: fewer tags to check on a hit): the home page stays cached when an
  article it does not show is corrected;
* a new or deleted row, a structural edit, or a many-to-many change invalidates every page that
  read the table (`t:`): lists, counts and filters may change;
* `bump_generation()` is the fallback for changes no signal reports: every entry also carries
  the content "generation" it was rendered at, and bumping it empties the whole cache.

One render of a page at a time (single flight): the request that finds the page missing or
out of date takes a short lock and renders it; the others meanwhile get the previous copy
(`X-Cache: stale`; entries are kept STALE_SECONDS past their freshness for this) or, when there
is none, wait for the new one (at most RENDER_WAIT_SECONDS, then render it themselves). A miss
under 64 connections is one render, not 64.

An entry lives PAGE_CACHE_SECONDS at most (0 turns the cache off), and never past local
midnight (pages show "today") nor past the next scheduled publication or unpublication, so
scheduled content appears and leaves on time without any save. Pages with a query string
(search, filters) live at most PAGE_CACHE_QUERY_SECONDS.

The query string counts only for the parameters the page's view declares it reads
(`@reads_query("q")` on the view, the one place that says so): the key is the path plus those
parameters sorted by name, and the view is handed only them. Any other parameter (utm_source,
fbclid, a cache buster) gets the same cached page as the bare address, which then lives the
full PAGE_CACHE_SECONDS. An address no view answers, or one with a NUL byte, passes through
untouched (a redirect or 404 keeps its query; kazportal/middleware.py refuses the NUL).

Only anonymous GET/HEAD requests to language-prefixed pages are served from the cache (no
session or messages cookie); only 200 responses that set no cookie, are not private and
use no CSP nonce are stored. /admin/ has no language prefix; the batyr pages are skipped.

Kept blocks ("kept blocks" below, `{% kept %}`) apply the same rule to the parts of pages that
several pages share, so that a page rendered afresh redoes only the blocks whose content
changed.
"""

import contextvars
import functools
import hashlib
import http.client
import logging
import math
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Min
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_init,
    post_save,
    pre_save,
)
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
NEXT_PUBLICATION_KEY = "page-cache:next-publication"
PAGE_KEY = "page-cache:page:{}"
TAG_KEY = "page-cache:tag:{}"
# A copy past its freshness may still be served this long while another request renders it.
STALE_SECONDS = 10
# The render lock lives at most this long (a render that dies does not hold it); a request
# without any copy to serve waits at most RENDER_WAIT_SECONDS for another's render.
RENDER_LOCK_SECONDS = 10
RENDER_WAIT_SECONDS = 5
RENDER_POLL_SECONDS = 0.05
# An address whose answer could not be stored is rendered without the lock for this long.
PASS_SECONDS = 30
# A counter of invalidations, shared by every process and node (no wall clocks to agree on).
CLOCK_KEY = "page-cache:clock"
LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


# --- the content generation ---------------------------------------------------------------
def new_generation():
    # Starts from the clock, so a generation lost from the cache (eviction, restart) is never
    # reused by accident.
    return time.time_ns() // 1_000_000


def current_generation():
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, new_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def bump_generation():
    """Invalidate every cached page. Call it after changing content without model signals
    (`queryset.update()`)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not in the cache (yet, or evicted)
        cache.set(GENERATION_KEY, new_generation(), timeout=None)
    transaction.on_commit(functools.partial(purge, (ALL_PAGES_TAG,)))


_untouched = contextvars.ContextVar("page_cache_untouched", default=False)


@contextmanager
def untouched():
    """Changes made inside are rolled back by the caller (the admin's preview): they must not
    empty the page cache."""
    token = _untouched.set(True)
    try:
        yield
    finally:
        _untouched.reset(token)


def tag_timeout():
    """How long an invalidation must be remembered: as long as any entry (a page or a kept
    block) may live."""
    return max(settings.PAGE_CACHE_SECONDS, settings.BLOCK_CACHE_SECONDS) + STALE_SECONDS


def stamp(tags):
    """Write the counter's next tick under each of `tags`."""
    try:
        tick = cache.incr(CLOCK_KEY)
    except ValueError:  # not in the cache (yet, or evicted): start above any old tick
        tick = new_generation()
        cache.set(CLOCK_KEY, tick, timeout=None)
    cache.set_many({TAG_KEY.format(tag): tick for tag in tags}, timeout=tag_timeout())


def invalidate(tags):
    """Every cached page showing one of `tags` is out of date from now on; and again once the
    transaction commits, so a page rendered meanwhile from the old rows does not live on."""
    if _untouched.get() or not tags:
        return
    stamp(tags)
    transaction.on_commit(functools.partial(stamp, tags))
    transaction.on_commit(functools.partial(purge, tuple(tags)))  # after the commit only


def table_changed(model):
    """Rows of `model` were added, removed or changed without signals (`queryset.update()`):
    every page that read its table is out of date, and the next scheduled publication is
    looked up again."""
    invalidate([f"t:{model._meta.db_table}"])
    forget_next_publication()


def structural_fields(model):
    """The concrete fields of `model` whose change may move a row in or out of lists, filters,
    counts or orderings: all but its free texts (titles, leads, bodies, captions and their
    translations, slugs) and `auto_now` stamps. A text named in Meta.ordering is structural."""
    cached = _STRUCTURAL.get(model)
    if cached is None:
        ordering = {
            name.lstrip("-").split("__")[0]
            for name in model._meta.ordering
            if isinstance(name, str)
        }
        cached = tuple(
            field.attname
            for field in model._meta.concrete_fields
            if not field.primary_key
            and not getattr(field, "auto_now", False)
            and not (
                isinstance(field, models.CharField | models.TextField)
                and not field.choices
                and field.name not in ordering
            )
        )
        _STRUCTURAL[model] = cached
    return cached


_STRUCTURAL = {}


def _before_save(sender, instance, raw=False, **kwargs):
    """Whether this save changes a structural field (one query, on saves only). Values are
    compared as the field reads them ("43.29250" set by code equals the stored Decimal)."""
    instance._page_cache_structural = True
    if raw or instance._state.adding or instance.pk is None or _untouched.get():
        return
    names = structural_fields(sender)
    old = sender._base_manager.filter(pk=instance.pk).values(*names).first() if names else {}
    if old is None:
        return
    fields = {field.attname: field for field in sender._meta.concrete_fields}
    changed = False
    for name in names:
        try:
            changed = fields[name].to_python(getattr(instance, name)) != old[name]
        except ValidationError:
            changed = True
        if changed:
            break
    instance._page_cache_structural = changed


def _saved(sender, instance, created, **kwargs):
    table = sender._meta.db_table
    if created or getattr(instance, "_page_cache_structural", True):
        invalidate([f"t:{table}"])
        forget_next_publication()
    else:
        invalidate([f"r:{table}:{instance.pk}", f"x:{table}"])


def _deleted(sender, instance, **kwargs):
    invalidate([f"t:{sender._meta.db_table}"])
    forget_next_publication()


def _m2m_changed(sender, instance, action, **kwargs):
    if action.startswith("post_"):
        table = instance._meta.db_table
        invalidate([f"t:{sender._meta.db_table}", f"r:{table}:{instance.pk}"])


def content_models():
    labels = set(settings.PAGE_CACHE_CONTENT_APPS)
    extra = {label.lower() for label in settings.PAGE_CACHE_CONTENT_MODELS}
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in labels or model._meta.label_lower in extra
    ]


def connect_signals():
    """Called from KazportalConfig.ready(): every model of the content apps, including the
    automatic many-to-many tables, records what a page shows and invalidates it."""
    global _TABLE_NEEDLES, _CONTENT_TABLES
    _TABLE_NEEDLES = tuple(
        sorted({(m._meta.db_table, f'"{m._meta.db_table}"') for m in content_models()})
    )
    _CONTENT_TABLES = frozenset(table for table, _needle in _TABLE_NEEDLES)
    for model in content_models():
        uid = f"page-cache-{model._meta.label_lower}"
        post_init.connect(_record_row, sender=model, dispatch_uid=uid)
        pre_save.connect(_before_save, sender=model, dispatch_uid=uid)
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
        m2m_changed.connect(_m2m_changed, sender=model, dispatch_uid=uid)


# --- what a page shows ----------------------------------------------------------------------
ROW_TAGS_PER_TABLE = 8
_TABLE_NEEDLES = ()  # (table, '"table"') of every content table, set by connect_signals()
_CONTENT_TABLES = frozenset()  # their names
_shown = contextvars.ContextVar("page_cache_shown", default=None)


class Shown:
    """The content one render read: tables named in its SQL, rows loaded as instances."""

    def __init__(self):
        self.tables, self.rows = set(), set()

    def tags(self):
        """t: for each table read; r: for each row shown, or x: for a table of which the page
        shows more than ROW_TAGS_PER_TABLE rows (any text edit in that table invalidates it:
        fewer tags to check on every hit)."""
        by_table = {}
        for row in self.rows:
            by_table.setdefault(row.rpartition(":")[0], []).append(row)
        tags = {f"t:{table}" for table in self.tables}
        for table, rows in by_table.items():
            if len(rows) > ROW_TAGS_PER_TABLE:
                tags.add(f"x:{table}")
            else:
                tags.update(f"r:{row}" for row in rows)
        return tuple(sorted(tags))


def _record_sql(execute, sql, params, many, context):
    shown = _shown.get()
    if shown is not None:
        shown.tables.update(table for table, needle in _TABLE_NEEDLES if needle in sql)
    return execute(sql, params, many, context)


def _record_row(sender, instance, **kwargs):
    shown = _shown.get()
    if shown is not None and instance.pk is not None:
        shown.rows.add(f"{sender._meta.db_table}:{instance.pk}")


@contextmanager
def recording():
    """Record what the code inside reads (as the page cache does while a page renders); an
    enclosing recording gets it too."""
    outer = _shown.get()
    shown = Shown()
    token = _shown.set(shown)
    try:
        if outer is None:
            with connection.execute_wrapper(_record_sql):
                yield shown
        else:
            yield shown
    finally:
        _shown.reset(token)
        if outer is not None:
            outer.tables |= shown.tables
            outer.rows |= shown.rows


# --- kept blocks: parts of pages kept while what they show is unchanged ----------------------
# A kept block ({% kept %}, templatetags/kazportal.py) is a part of a page that depends on the
# content, the language and the values named in the tag only (never on the request): the
# regions' map and cards, the heritage sections, the batyr looks, the calendar's month grid,
# the events and heritage of a region. Its HTML is kept in this process's memory with what it
# showed (recorded as for a page: `Shown`) and the counter's tick before its render, and it is
# good under the page cache's own rule (entry_is_current): the same generation, none of its
# tags stamped since, not past local midnight, the next scheduled publication nor
# BLOCK_CACHE_SECONDS. Checking it is one MGET in Redis, so a save on any machine is seen by
# every process. What it showed is added to the enclosing page's record, so the page cache and
# the HTTP cache in front still know what the page shows.
#
# So a page rendered afresh (the page cache off, a page invalidated by a save, a filter or a
# search with its own query string) does the database work of the blocks whose content
# changed only, and one editor's save costs the next renders the blocks that show it. Only
# anonymous visitors' renders use and fill kept blocks: an editor's render may show drafts.
BLOCK_ENTRIES = 1000
_blocks = OrderedDict()
_blocks_lock = threading.Lock()


def forget_blocks():
    with _blocks_lock:
        _blocks.clear()


def block_is_current(entry, now):
    if now >= entry[3]:
        return False
    values = counters([GENERATION_KEY, *(TAG_KEY.format(tag) for tag in entry[2])])
    if values is None:  # Redis failed: render from the database
        return False
    generation, *stamps = values
    return entry_is_current(entry, generation, now, [s for s in stamps if s is not None])


def record_instances(shown, instances):
    """Count `instances` (content rows the caller loaded, and the rows loaded with them) as
    shown by the render `shown` records."""
    stack, seen = list(instances), set()
    while stack:
        instance = stack.pop()
        if id(instance) in seen or instance.pk is None:
            continue
        seen.add(id(instance))
        table = instance._meta.db_table
        if table in _CONTENT_TABLES:
            shown.tables.add(table)  # a structural edit of the row stamps its table only
            shown.rows.add(f"{table}:{instance.pk}")
        stack.extend(r for r in instance._state.fields_cache.values() if r is not None)
        for items in getattr(instance, "_prefetched_objects_cache", {}).values():
            stack.extend(items)


def kept(key, compute, request, instances=()):
    """What compute() returned under `key` (a block's HTML, or a value several blocks read),
    kept while what it showed is unchanged (see above); computed again and kept when it is not.
    `instances`: model instances the caller loaded and the block shows (they count as shown).
    For a visitor with a session (an editor), or with BLOCK_CACHE_SECONDS=0, it is simply
    compute(). A kept value is shared by the process's requests: it must not be changed."""
    seconds = settings.BLOCK_CACHE_SECONDS
    if not seconds or request is None or not anonymous_visitor(request):
        return compute()
    now = time.time()
    entry = _blocks.get(key)
    if entry is not None and block_is_current(entry, now):
        with _blocks_lock:
            if key in _blocks:
                _blocks.move_to_end(key)
        outer = _shown.get()
        if outer is not None:  # the page (or the enclosing block) shows what this one shows
            outer.tables |= entry[5]
            outer.rows |= entry[6]
        return entry[4]
    found = cache.get_many([GENERATION_KEY, CLOCK_KEY])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        generation = current_generation()
    tick = found.get(CLOCK_KEY, 0)  # before the render: a change after it is later
    with recording() as shown:
        record_instances(shown, instances)
        value = compute()
    if generation is None:  # Redis down: nothing to check a kept copy against later
        return value
    fresh = min(seconds, hard_limit(generation))
    if fresh > 0:
        entry = (
            generation,
            tick,
            shown.tags(),
            now + fresh,
            value,
            frozenset(shown.tables),
            frozenset(shown.rows),
        )
        with _blocks_lock:
            _blocks[key] = entry
            _blocks.move_to_end(key)
            while len(_blocks) > BLOCK_ENTRIES:
                _blocks.popitem(last=False)
    return value


# --- how long a page may live -------------------------------------------------------------
def publishable_models():
    from .models import Publishable

    return [
        model
        for model in apps.get_models()
        if issubclass(model, Publishable) and not model._meta.proxy
    ]


def forget_next_publication():
    """A publication time may have changed: look the next one up again."""
    if not _untouched.get():
        cache.delete(f"{NEXT_PUBLICATION_KEY}:{current_generation()}")


def next_publication(generation):
    """The earliest scheduled change still to come (a publication or an unpublication, as a
    timestamp), or None. Cached per generation until that time."""
    key = f"{NEXT_PUBLICATION_KEY}:{generation}"
    now = time.time()
    cached = cache.get(key)
    if cached is not None and (cached == 0 or cached > now):
        return cached or None
    firsts = []  # one query: the earliest of each kind of change of each model, in a UNION
    for model in publishable_models():
        rows = model._default_manager
        firsts.append(rows.scheduled().order_by().values_list(Min("published_at")))
        firsts.append(rows.ending().order_by().values_list(Min("unpublish_at")))
    found = firsts[0].union(*firsts[1:], all=True) if firsts else []
    soonest = min((moment.timestamp() for (moment,) in found if moment is not None), default=0)
    timeout = math.ceil(soonest - now) if soonest else settings.PAGE_CACHE_SECONDS or None
    cache.set(key, soonest, timeout=max(timeout, 1) if timeout else timeout)
    return soonest or None


def seconds_to_midnight():
    now = timezone.localtime()
    midnight = timezone.make_aware(
        datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
    )
    return (midnight - now).total_seconds()


def hard_limit(generation):
    """Seconds until anything rendered now must not be shown any more: local midnight or the
    next scheduled change, whichever comes first."""
    hard = seconds_to_midnight()
    soonest = next_publication(generation)
    if soonest:
        hard = min(hard, soonest - time.time())
    return hard


def page_limits(request, generation):
    """(timeout, hard): the seconds a page rendered now may be served from a cache (0: not at
    all), and the seconds until it must not be served at all, not even stale (local midnight
    or the next scheduled change)."""
    hard = hard_limit(generation)
    seconds = settings.PAGE_CACHE_SECONDS
    if request.META.get("QUERY_STRING"):
        seconds = min(seconds, settings.PAGE_CACHE_QUERY_SECONDS)
    return max(0, math.floor(min(seconds, hard))), max(0, math.floor(hard))


def page_timeout(request, generation):
    """Seconds a page rendered now may be served from the cache (0: not at all)."""
    return page_limits(request, generation)[0]


# --- which requests and responses -----------------------------------------------------------
def anonymous_visitor(request):
    """No session and no messages: not signed in (no editor's previews of drafts), nothing
    personal to show. Only such visitors get pages and blocks from the caches."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def cacheable_request(request):
    if request.method not in ("GET", "HEAD") or not settings.PAGE_CACHE_SECONDS:
        return False
    if not anonymous_visitor(request):
        return False  # signed in, or something personal to show
    parts = request.path_info.split("/", 3)
    if len(parts) < 3 or parts[1] not in LANGUAGE_CODES:
        return False  # /admin/, /healthz, /calendar.ics (language from the visitor) ...
    return not any(parts[2] == skipped for skipped in settings.PAGE_CACHE_SKIP)


def cacheable_response(response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "")
    if any(word in cache_control for word in ("private", "no-cache", "no-store")):
        return False
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    if vary - {"cookie"}:
        return False  # e.g. Accept-Language: the page depends on more than its URL
    return "nonce-" not in response.get("Content-Security-Policy", "")


# --- which query parameters count ------------------------------------------------------------
def reads_query(*names):
    """Declare the query parameters a view reads: `@reads_query("q", "page")` above its other
    decorators. The page cache keys the page on these only and hands the view only these
    (tests/kazportal/test_cache_query.py fails for a view that reads one it did not declare)."""

    def declare(view):
        view.query_params = frozenset(names)
        return view

    return declare


def declared_params(request):
    """The query parameters the view of this address reads (an empty set when it declares none),
    or None when no view answers the address."""
    language = request.path_info.split("/", 2)[1]
    with translation.override(language):  # the language prefix resolves in its own language
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
    return getattr(match.func, "query_params", frozenset())


def keep_declared(request, names):
    """Leave on the request only the declared parameters, sorted by name (each with its values
    in their order): what the view reads and what the page is cached under are the same."""
    query = QueryDict(mutable=True)
    for name in sorted(names.intersection(request.GET.keys())):
        query.setlist(name, request.GET.getlist(name))
    query._mutable = False
    request.GET = query
    request.META["QUERY_STRING"] = query.urlencode()


def has_nul(query):
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in query.lists())


def page_key(request):
    """The scheme, host, path and (after keep_declared) the declared parameters."""
    url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return PAGE_KEY.format(hashlib.md5(url.encode(), usedforsecurity=False).hexdigest())


# --- entries --------------------------------------------------------------------------------
def entry_is_current(entry, generation, now, stamps=None):
    """Fresh, of this generation, and none of its tags invalidated since its render began (a
    page or a kept block; `stamps`: its tags' ticks, when already read)."""
    entry_generation, tick, tags, fresh_until = entry[:4]
    if entry_generation != generation or now >= fresh_until:
        return False
    if not tags:
        return True
    if stamps is None:
        stamps = tag_stamps(tags)
    return stamps is not None and all(stamp <= tick for stamp in stamps)


def tag_stamps(tags):
    """The ticks written under `tags` (missing ones left out), or None if Redis failed."""
    values = counters([TAG_KEY.format(tag) for tag in tags])
    return None if values is None else [value for value in values if value is not None]


def counters(keys):
    """The integers stored under `keys`, in their order (None for a missing one), or None if
    Redis failed or its breaker is open. On Redis, one MGET of the full keys: Django's get_many
    would validate and decode each of the page's dozens of keys, which doubled the cost of a
    hit."""
    backend = caches["default"]  # once: `cache` is a proxy that looks itself up per access
    client = getattr(backend, "_cache", None)
    if client is None or not hasattr(client, "get_client"):  # not Redis (tests: local memory)
        found = backend.get_many(keys)
        return [found.get(key) for key in keys]
    breaker = getattr(backend, "breaker", None)
    if breaker is not None and breaker.open_until > time.monotonic():
        return None  # Redis failed a moment ago (resilient_cache.py): do not wait on it again
    try:
        # Django builds a new redis.Redis (and its table of reply callbacks) for every call:
        # this one is kept on the thread's cache client and reused.
        reader = getattr(client, "_page_cache_reader", None)
        if reader is None:
            reader = client._page_cache_reader = client.get_client(write=False)
        values = reader.mget([backend.make_key(key) for key in keys])
    except (RedisConnectionError, RedisTimeoutError) as error:
        if hasattr(backend, "_failed"):
            backend._failed("mget", error)
        return None
    return [None if value is None else int(value) for value in values]  # ints are kept as such


def served(entry, state):
    status, headers, content, hard_until = entry[4:]
    response = HttpResponse(content, status=status, headers=headers)
    now = time.time()
    shared_cache_headers(response, entry[2], entry[3] - now, hard_until - now)
    response["X-Cache"] = state
    return response


# --- the HTTP cache in front (Varnish, a CDN): the same tags, a second consumer ---------------
STALE_IF_ERROR_SECONDS = 3600
ALL_PAGES_TAG = "page"  # on every page: purged by bump_generation()


def shared_cache_headers(response, tags, fresh_for, hard_for):
    """Let a shared cache keep this page as long as the page cache does (browsers revalidate
    every time: max-age=0 and the ETag), serve it stale only within the hard limit, and know
    what it shows (Surrogate-Key: the page cache's tags; deploy/varnish.vcl purges by them)."""
    fresh = max(0, math.floor(min(fresh_for, hard_for)))
    stale = max(0, math.floor(hard_for - fresh))
    response["Cache-Control"] = (
        f"public, max-age=0, s-maxage={fresh}, "
        f"stale-while-revalidate={min(STALE_SECONDS, stale)}, "
        f"stale-if-error={min(STALE_IF_ERROR_SECONDS, stale)}"
    )
    response["Surrogate-Key"] = " ".join((ALL_PAGES_TAG, *tags))


def purge(tags):
    """Ask the HTTP caches in front to drop the pages showing `tags`: a PURGE with an
    `xkey-purge` header to each of HTTP_CACHE_PURGE_URLS (Varnish with deploy/varnish.vcl),
    and HTTP_CACHE_PURGE_HOOK (a dotted path to a function taking the tags: a CDN's purge API)
    if set. Never fails the change that caused it: an unreachable cache is logged."""
    urls = settings.HTTP_CACHE_PURGE_URLS
    hook = settings.HTTP_CACHE_PURGE_HOOK
    if not tags or not (urls or hook):
        return
    for url in urls:
        parts = urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=2)
        try:
            connection.request("PURGE", parts.path or "/", headers={"xkey-purge": " ".join(tags)})
            connection.getresponse().read()
        except OSError as error:
            log.warning("HTTP cache purge at %s failed: %s", url, error)
        finally:
            connection.close()
    if hook:
        try:
            import_string(hook)(list(tags))
        except Exception:
            log.exception("HTTP_CACHE_PURGE_HOOK %s failed", hook)


# --- the middleware -------------------------------------------------------------------------
class PageCacheMiddleware:
    """Serve anonymous visitors' pages from the cache; store the cacheable ones.

    Sits right after SecurityMiddleware, WhiteNoise and ConditionalGetMiddleware: a hit skips
    sessions, locale and the view (the URL is resolved only when there is a query string, to
    learn which parameters its view reads), while the security headers, the ETag and the 304
    answer still apply (the inner middleware's headers, CSP, Permissions-Policy,
    X-Frame-Options, are stored with the page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not cacheable_request(request):
            return self.get_response(request)
        if request.META.get("QUERY_STRING"):
            names = declared_params(request)
            if names is None or has_nul(request.GET):
                return self.get_response(request)
            keep_declared(request, names)
        key = page_key(request)
        found = cache.get_many([GENERATION_KEY, CLOCK_KEY, key, f"{key}:pass"])
        generation = found.get(GENERATION_KEY)
        tick = found.get(CLOCK_KEY, 0)  # before the render: a change after it is later
        entry = found.get(key)
        if generation is None:
            generation = current_generation()
        elif entry is not None and entry_is_current(entry, generation, time.time()):
            return served(entry, "hit")
        if f"{key}:pass" in found:  # its last answer could not be stored: no lock, no waiting
            return self.render(request, key, generation, tick)
        lock = f"{key}:rendering"
        owner = cache.add(lock, 1, timeout=RENDER_LOCK_SECONDS)
        if not owner and cache.get(lock) is not None:  # another request is rendering it
            if entry is not None and entry[0] == generation:  # not across a bump_generation()
                return served(entry, "stale")
            waited = self.wait(key, lock, generation)
            if waited is not None:
                return served(waited, "hit")
        try:
            return self.render(request, key, generation, tick)
        finally:
            if owner:
                cache.delete(lock)

    @staticmethod
    def wait(key, lock, generation):
        """The entry another request is rendering, once stored; None if it gives up (its
        page was not cacheable, or it takes longer than RENDER_WAIT_SECONDS)."""
        deadline = time.monotonic() + RENDER_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(RENDER_POLL_SECONDS)
            found = cache.get_many([key, lock])
            entry = found.get(key)
            if entry is not None and entry[0] == generation and time.time() < entry[3]:
                return entry
            if lock not in found:
                return None
        return None

    def render(self, request, key, generation, tick):
        started = time.time()
        with recording() as shown:
            response = self.get_response(request)
        if request.method == "GET" and cacheable_response(response):
            timeout, hard = page_limits(request, generation)
            if timeout:
                if not response.has_header("ETag"):
                    digest = hashlib.md5(response.content, usedforsecurity=False).hexdigest()
                    response["ETag"] = f'"{digest}"'
                headers = dict(response.items())
                entry = (
                    generation,
                    tick,
                    shown.tags(),
                    started + timeout,
                    response.status_code,
                    headers,
                    response.content,
                    started + hard,
                )
                cache.set(key, entry, timeout + STALE_SECONDS)
                shared_cache_headers(response, entry[2], timeout, hard)
                response["X-Cache"] = "miss"
                return response
        if request.method == "GET":
            # A 404, a redirect, a page with a form: requests for it need not queue behind one
            # another's renders for a while.
            cache.set(f"{key}:pass", 1, PASS_SECONDS)
        return response
