"""Every module of the project imports on its own, first, after django.setup(): no import cycle
that works only because another module happened to be imported before (kazportal/urls.py used
to load the core first, hiding two cycles)."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ["kazportal", "regions", "heritage", "articles", "batyr"]

# One interpreter sets Django up, then forks a child per module: each child is a fresh copy of
# that interpreter, imports one module and reports; nothing a child imports reaches the next.
CHECK = """
import os, sys, traceback
import django
django.setup()
failures = []
for name in sys.argv[1:]:
    pid = os.fork()
    if pid == 0:
        try:
            __import__(name)
        except Exception:
            traceback.print_exc()
            os._exit(1)
        os._exit(0)
    _pid, status = os.waitpid(pid, 0)
    if status:
        failures.append(name)
print("FAILED:", " ".join(failures))
sys.exit(1 if failures else 0)
"""


def project_modules():
    names = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if all(part.isidentifier() for part in parts):  # not gunicorn.conf.py
                names.append(".".join(parts).removesuffix(".__init__"))
    return names


def test_the_module_list_covers_the_apps_and_their_search_and_sitemaps():
    names = project_modules()
    assert len(names) > 100
    for name in ("regions.search", "heritage.sitemaps", "kazportal.search.views", "batyr.views"):
        assert name in names


def test_every_module_imports_first_after_django_setup():
    names = project_modules()
    result = subprocess.run(
        [sys.executable, "-c", CHECK, *names],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"DJANGO_SETTINGS_MODULE": "kazportal.settings.test", **_environ()},
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-6000:]
    assert result.stdout.strip() == "FAILED:"


def _environ():
    import os

    return {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
