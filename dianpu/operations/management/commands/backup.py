"""dianpu backup [--output FILE]: the database (online), the media files and a manifest in one
tar.gz, taken while the shop serves. Exit 1 with the reason when it fails (nothing left behind)."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from dianpu.operations import services
from dianpu.operations.archive import BackupError


class Command(BaseCommand):
    help = "Back up the database and media files into one compressed archive."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="the archive to write (default: DIANPU_BACKUP_DIR/dianpu-<time>.tar.gz)")
        parser.add_argument("--no-offsite", action="store_true", help="do not copy it to S3 even when configured")

    def handle(self, *args, output=None, no_offsite=False, **options):
        def progress(files):
            return tqdm(files, desc="media", unit="file", disable=not files, file=self.stderr._out)

        try:
            run = services.take_backup(output, progress=progress, offsite=not no_offsite)
        except BackupError as exc:
            raise CommandError(f"{exc.code}: {exc.detail}") from exc
        summary = run.summary
        self.stdout.write(
            f"{run.path} {run.size_bytes} bytes; {summary['tables']} tables, {summary['rows']} rows, "
            f"{summary['media_files']} media files; ledger {summary['ledger_checksum'][:12]}"
        )
        if run.offsite:
            self.stdout.write(f"off-site: {run.offsite}")
