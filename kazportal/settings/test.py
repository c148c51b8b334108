"""Test settings: fast hashing, local-memory cache, media in a temporary folder (conftest)."""

import os

os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ["REDIS_URL"] = ""

from .base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Each test has its own media folder and a cleared default cache: imagekit's memory of which
# renditions exist must be cleared with it.
IMAGEKIT_CACHE_BACKEND = "default"
# Pages name their renditions without making them (imagekit reads this once, at import, so a
# test cannot switch it with `settings`): making the WebP/JPEG files was 17 of the 19 s of a
# home-page test. Tests that count rendition files or page weight ask for the
# `renditions_on_use` fixture (tests/conftest.py), which restores production's just-in-time.
IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY = "imagekit.cachefiles.strategies.Optimistic"
PAGE_CACHE_SECONDS = 0  # tests/kazportal/test_cache.py turns the page cache on
# Kept blocks on (as in production): every test that changes content and reads a page again
# checks that the blocks showing it were invalidated. (conftest empties them between tests.)
BLOCK_CACHE_SECONDS = 600
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
AXES_ENABLED = True
# Static files straight from the source folders (no collectstatic in tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
