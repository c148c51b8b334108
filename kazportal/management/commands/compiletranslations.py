"""Compile every .po file of the project into .mo in pure Python (polib), so a fresh machine
needs no GNU gettext."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management import BaseCommand


class Command(BaseCommand):
    help = "Compile the project's .po files (locale/ and <app>/locale/) into .mo files."

    def handle(self, *args, **options):
        base = Path(settings.BASE_DIR)
        count = 0
        for po_path in sorted(base.glob("locale/*/LC_MESSAGES/*.po")) + sorted(
            base.glob("*/locale/*/LC_MESSAGES/*.po")
        ):
            if ".venv" in po_path.parts:
                continue
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            po = polib.pofile(str(po_path))
            # msgfmt leaves out fuzzy entries; so do we.
            for entry in po.fuzzy_entries():
                po.remove(entry)
            po.save_as_mofile(str(mo_path))
            count += 1
        self.stdout.write(f"compiled {count} catalogue(s)")
