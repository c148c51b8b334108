"""Whole-page cache for anonymous visitors, invalidated when content changes.

A page is cached under its scheme, host and full path (the language prefix is in the path, so
Accept-Language and the language cookie neither split nor poison an entry). Every entry carries
the content "generation" it was rendered at; any save or delete of a content model (every model
of the apps in PAGE_CACHE_CONTENT_APPS, plus PAGE_CACHE_CONTENT_MODELS) bumps the generation, so
older entries are ignored from then on. The generation and the page are read in one cache round
trip (`get_many`).

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
"""

import contextvars
import hashlib
import math
import time
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone, translation

GENERATION_KEY = "page-cache:generation"
NEXT_PUBLICATION_KEY = "page-cache:next-publication"
PAGE_KEY = "page-cache:page:{}"
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


def _content_changed(sender, **kwargs):
    if kwargs.get("action", "post_").startswith("pre_") or _untouched.get():
        return  # m2m_changed: only after the change
    # Now, and again once the transaction commits: a page rendered meanwhile from the old
    # rows must not live on under the new generation.
    bump_generation()
    transaction.on_commit(bump_generation)


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
    automatic many-to-many tables, invalidates the page cache when it changes."""
    for model in content_models():
        uid = f"page-cache-{model._meta.label_lower}"
        post_save.connect(_content_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_content_changed, sender=model, dispatch_uid=uid)
        m2m_changed.connect(_content_changed, sender=model, dispatch_uid=uid)


# --- how long a page may live -------------------------------------------------------------
def publishable_models():
    from .models import Publishable

    return [
        model
        for model in apps.get_models()
        if issubclass(model, Publishable) and not model._meta.proxy
    ]


def next_publication(generation):
    """The earliest scheduled change still to come (a publication or an unpublication, as a
    timestamp), or None. Cached per generation until that time."""
    key = f"{NEXT_PUBLICATION_KEY}:{generation}"
    now = time.time()
    cached = cache.get(key)
    if cached is not None and (cached == 0 or cached > now):
        return cached or None
    moments = []
    for model in publishable_models():
        rows = model._default_manager
        coming = rows.scheduled().order_by("published_at").values_list("published_at", flat=True)
        leaving = rows.ending().order_by("unpublish_at").values_list("unpublish_at", flat=True)
        for moment in (coming.first(), leaving.first()):
            if moment is not None:
                moments.append(moment.timestamp())
    soonest = min(moments, default=0)
    timeout = math.ceil(soonest - now) if soonest else settings.PAGE_CACHE_SECONDS or None
    cache.set(key, soonest, timeout=max(timeout, 1) if timeout else timeout)
    return soonest or None


def seconds_to_midnight():
    now = timezone.localtime()
    midnight = timezone.make_aware(
        datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
    )
    return (midnight - now).total_seconds()


def page_timeout(request, generation):
    """Seconds a page rendered now may be served from the cache (0: not at all)."""
    seconds = settings.PAGE_CACHE_SECONDS
    if request.META.get("QUERY_STRING"):
        seconds = min(seconds, settings.PAGE_CACHE_QUERY_SECONDS)
    seconds = min(seconds, seconds_to_midnight())
    soonest = next_publication(generation)
    if soonest:
        seconds = min(seconds, soonest - time.time())
    return max(0, math.floor(seconds))


# --- which requests and responses -----------------------------------------------------------
def cacheable_request(request):
    if request.method not in ("GET", "HEAD") or not settings.PAGE_CACHE_SECONDS:
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
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
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        entry = found.get(key)
        if generation is None:
            generation = current_generation()
        elif entry is not None and entry[0] == generation:
            _generation, status, headers, content = entry
            response = HttpResponse(content, status=status, headers=headers)
            response["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if request.method == "GET" and cacheable_response(response):
            timeout = page_timeout(request, generation)
            if timeout:
                if not response.has_header("ETag"):
                    digest = hashlib.md5(response.content, usedforsecurity=False).hexdigest()
                    response["ETag"] = f'"{digest}"'
                headers = dict(response.items())
                cache.set(
                    key, (generation, response.status_code, headers, response.content), timeout
                )
                response["X-Cache"] = "miss"
        return response
