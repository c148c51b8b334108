"""Extract UI strings into each app's own catalogue: <app>/locale/<lang>/LC_MESSAGES/django.po.

Each app's catalogue holds the strings of its Python code and of templates/<app>/; the kazportal
catalogue also takes the site-wide templates (templates/*.html). The top-level locale/ is not
touched: it holds the Kazakh strings Django's own catalogue lacks (see README).
"""

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, call_command

APPS = ["kazportal", "regions", "heritage", "articles", "batyr"]


class Command(BaseCommand):
    help = "Update the .po files of every project app (needs GNU gettext's xgettext)."

    def add_arguments(self, parser):
        parser.add_argument("apps", nargs="*", default=APPS)

    def handle(self, *args, **options):
        base = Path(settings.BASE_DIR)
        cwd = os.getcwd()
        for app in options["apps"]:
            locale = base / app / "locale"
            locale.mkdir(exist_ok=True)
            with tempfile.TemporaryDirectory() as tmp:
                tmp = Path(tmp)
                (tmp / app).symlink_to(base / app)
                (tmp / "locale").symlink_to(locale)
                templates = tmp / "templates"
                templates.mkdir()
                if (base / "templates" / app).is_dir():
                    (templates / app).symlink_to(base / "templates" / app)
                if app == "kazportal":
                    for html in (base / "templates").glob("*.html"):
                        (templates / html.name).symlink_to(html)
                os.chdir(tmp)
                try:
                    call_command(
                        "makemessages",
                        locale=["kk", "ru", "en"],
                        symlinks=True,
                        no_location=False,
                        add_location="file",
                        ignore_patterns=["locale/*"],
                        verbosity=0,
                    )
                finally:
                    os.chdir(cwd)
            self.stdout.write(f"{app}: {locale}")
