"""dianpu restore-check [FILE]: restore the latest backup (or FILE) into a scratch place and
compare row counts and the stock ledger with its manifest; exit 1 when they differ."""

from django.core.management.base import BaseCommand, CommandError

from dianpu.operations import services


class Command(BaseCommand):
    help = "Check that the latest backup restores and matches its manifest."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?")

    def handle(self, *args, file=None, **options):
        run = services.run_restore_check(file)
        if run.status != "ok":
            raise CommandError(f"{run.error_code}: {run.error}")
        self.stdout.write(f"ok: {run.path}: {run.summary.get('tables')} tables, {run.summary.get('rows')} rows")
