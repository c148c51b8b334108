"""Load the demo content: copy fixtures/media into the media storage, then load every
fixtures/*.json in name order (10_regions.json before 20_heritage.json ...). Safe to run again:
records are updated in place by primary key and existing files are kept."""

from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import BaseCommand, call_command
from django.db import connection

from kazportal.models import Photo
from kazportal.tasks import make_renditions


def refresh_statistics():
    """ANALYZE after the bulk load: until the tables have statistics PostgreSQL plans the
    searches as sequential scans that run to_tsvector() over every row and joins as nested
    loops (a search page rendered in 50 ms instead of 23, the home page in 48 instead of 33),
    and autovacuum, which would analyze them later, may be off or not yet awake."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


class Command(BaseCommand):
    help = "Copy the fixture media and load the demo content of every app."

    def add_arguments(self, parser):
        parser.add_argument(
            "--renditions",
            action="store_true",
            help="Queue the making of every photo rendition for the task worker.",
        )
        parser.add_argument(
            "--revisions",
            action="store_true",
            help="Store a first revision of every record that has none (the admin's history).",
        )

    def handle(self, *args, **options):
        fixtures = Path(settings.BASE_DIR) / "fixtures"
        media = fixtures / "media"
        copied = 0
        for source in sorted(p for p in media.rglob("*") if p.is_file()):
            name = source.relative_to(media).as_posix()
            if not default_storage.exists(name):
                with source.open("rb") as handle:
                    default_storage.save(name, File(handle))
                copied += 1
        self.stdout.write(f"copied {copied} media file(s)")
        files = sorted(fixtures.glob("*.json"))
        if files:
            call_command("loaddata", *[str(f) for f in files], verbosity=1)
            refresh_statistics()
        if options["revisions"]:
            call_command("createinitialrevisions", verbosity=0)
            self.stdout.write("stored a first revision of the demo content")
        if options["renditions"]:
            pks = list(Photo.objects.values_list("pk", flat=True))
            for pk in pks:
                make_renditions.enqueue(pk)
            self.stdout.write(f"queued renditions of {len(pks)} photo(s) for the worker")
