"""Delete visitors' photos and portraits past BATYR_RETENTION_HOURS; fail the jobs whose photo is
gone (deleted or missing from the storage); recover stuck jobs.

The task worker also runs this every ten minutes while it has portraits to paint; run it from
cron as well so that photos are deleted on time when nobody uploads, e.g. every 15 minutes:

    */15 * * * * cd /srv/kazportal && .venv/bin/python manage.py batyr_cleanup --quiet
"""

from django.core.management import BaseCommand

from batyr.tasks import clean_up, fail_orphans, recover_stuck


class Command(BaseCommand):
    help = (
        "Delete expired batyr photos and portraits, fail jobs whose photo is gone, "
        "and requeue or fail stuck jobs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="print nothing")

    def handle(self, *args, quiet=False, **options):
        orphans = fail_orphans()
        recovered = recover_stuck()
        deleted = clean_up()
        if not quiet:
            self.stdout.write(
                f"batyr: deleted the photos of {deleted} upload(s); "
                f"{orphans} job(s) without a photo failed; "
                f"{len(recovered)} stuck job(s) requeued or failed"
            )
