from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from dianpu.catalog.imports import IMPORT_LIMITS, ImportRefused, import_products, import_summary_text
from dianpu.catalog.tasks import stock_setter
from dianpu.core.errors import DomainError
from dianpu.core.uploads import check_upload_size


class Command(BaseCommand):
    help = (
        "Import products from a CSV or XLSX file: dianpu's own columns, Shopify's product CSV or "
        "WooCommerce's. Matched by SKU: importing the same file again changes nothing. A file with bad "
        "rows is refused whole (each bad row named by line and column) unless --skip-bad-rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV or XLSX file")
        parser.add_argument(
            "--format",
            dest="file_format",
            default="auto",
            choices=["auto", "native", "shopify", "woocommerce"],
            help="file format (default: auto)",
        )
        parser.add_argument("--dry-run", action="store_true", help="check the file and report what would change")
        parser.add_argument(
            "--skip-bad-rows",
            action="store_true",
            help="import the good rows and leave out the bad ones (they are still reported)",
        )
        parser.add_argument("--no-stock", action="store_true", help="ignore stock columns")

    def handle(self, *args, file, file_format, dry_run, skip_bad_rows, no_stock, verbosity, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no such file: {file}")
        stream = getattr(self.stderr, "_out", self.stderr)
        bar = tqdm(
            total=0, desc="rows", unit="row", file=stream, disable=verbosity < 1, mininterval=0.25, dynamic_ncols=True
        )
        phase_names = {"read": "reading", "check": "checking", "write": "writing", "done": "done"}

        def progress(phase: str, done: int, total: int) -> None:
            if bar.total != total:
                bar.total = total
            bar.set_description(phase_names.get(phase, phase))
            bar.n = done
            bar.refresh()

        try:
            check_upload_size(path, IMPORT_LIMITS)  # by its size on disk, before reading it
            report = import_products(
                data=path.read_bytes(),
                filename=path.name,
                file_format=file_format,
                dry_run=dry_run,
                skip_bad_rows=skip_bad_rows,
                progress=progress,
                set_stock=None if no_stock else stock_setter(None),
            )
        except ImportRefused as exc:
            bar.close()
            self._print_errors(exc.report.errors)
            raise CommandError(str(exc.detail)) from exc
        except DomainError as exc:
            bar.close()
            raise CommandError(str(exc.detail)) from exc
        bar.close()
        for w in report.warnings[:200]:
            value = f" ({w['value']})" if w.get("value") else ""
            column = f", column {w['column']}" if w.get("column") else ""
            self.stderr.write(f"warning: line {w['line']}{column}: {w['reason']}{value}")
        if len(report.warnings) > 200:
            self.stderr.write(f"… and {len(report.warnings) - 200} more warnings")
        if report.errors:
            self._print_errors(report.errors)
        if verbosity >= 1:
            prefix = "[dry run] " if dry_run else ""
            self.stdout.write(self.style.SUCCESS(f"{prefix}{report.file_format}: {import_summary_text(report)}"))

    def _print_errors(self, errors: list[dict]) -> None:
        for e in errors[:200]:
            value = f" ({e['value']})" if e.get("value") else ""
            self.stderr.write(f"line {e['line']}, column {e['column']}: {e['reason']}{value}")
        if len(errors) > 200:
            self.stderr.write(f"… and {len(errors) - 200} more")
