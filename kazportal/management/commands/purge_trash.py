from django.core.management import BaseCommand

from kazportal.revisions import TRASH_DAYS, purge_trash


class Command(BaseCommand):
    help = f"Forget deleted content that has been in the trash for more than {TRASH_DAYS} days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=TRASH_DAYS)
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, days, quiet, **options):
        forgotten = purge_trash(days)
        if not quiet:
            self.stdout.write(f"removed {forgotten} deleted record(s) from the trash for good")
