"""dianpu restore FILE [--yes]: put a backup in place of this (empty) store. The archive is read
and checked in full first (complete, same version and schema); any refusal leaves the store as
it was. A store that has data is overwritten only with --yes."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from dianpu.operations import archive, services


class Command(BaseCommand):
    help = "Restore a backup archive into an empty store (or over this one with --yes)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true", help="overwrite a store that already has data")

    def handle(self, *args, file, yes=False, **options):
        def progress(files):
            return tqdm(files, desc="media", unit="file", disable=not files, file=self.stderr._out)

        try:
            result = services.restore_backup(file, overwrite=yes, progress=progress)
        except archive.BackupError as exc:
            raise CommandError(f"{exc.code}: {exc.detail}") from exc
        manifest = result["manifest"]
        self.stdout.write(
            f"restored {manifest['created_at']} ({manifest['database']}): {result['tables']} tables, "
            f"{result['rows']} rows; ledger checksum "
            f"{'matches' if result['ledger_checksum_matches'] else 'DIFFERS'}, stock levels "
            f"{'equal' if result['ledger_matches_levels'] else 'DIFFER FROM'} the ledger"
        )
        if not result["ok"]:
            raise CommandError(f"restored store differs from the backup: {result['count_differences']}")
