"""With the default SQLite database the site and the task worker write from two processes: a
write that meets the other's lock waits for it instead of failing with "database is locked"."""

import subprocess
import sys
import time

from django.conf import settings

WRITER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
db.execute("INSERT INTO note (text) VALUES ('worker')")
print("locked", flush=True)
time.sleep(6)  # longer than sqlite3's own 5 s busy timeout
db.execute("COMMIT")
"""


def test_the_sqlite_settings_let_a_second_writer_wait(tmp_path, django_db_blocker):
    from django.db.backends.sqlite3.base import DatabaseWrapper

    from kazportal.settings.base import sqlite_options

    options = sqlite_options()  # what the settings give a SQLite database (CI runs PostgreSQL)
    path = tmp_path / "site.sqlite3"
    site = DatabaseWrapper(
        {
            **settings.DATABASES["default"],
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": options,
            "TEST": {},
        },
        alias="writers",
    )
    # A database of its own, outside the test database (pytest-django guards that one).
    with django_db_blocker.unblock():
        with site.cursor() as cursor:
            cursor.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT)")
            assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        worker = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True
        )
        assert worker.stdout.readline().strip() == "locked"
        started = time.monotonic()
        with site.cursor() as cursor:  # the site's save, while the worker holds the write lock
            cursor.execute("INSERT INTO note (text) VALUES ('site')")
        waited = time.monotonic() - started
        assert worker.wait(timeout=30) == 0
        with site.cursor() as cursor:
            rows = [r[0] for r in cursor.execute("SELECT text FROM note ORDER BY id").fetchall()]
        site.close()
        assert rows == ["worker", "site"]
        assert waited > 5  # it waited past sqlite3's default timeout, and did not fail
