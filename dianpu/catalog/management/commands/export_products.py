from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from dianpu.catalog.exports import export_products
from dianpu.catalog.tasks import get_on_hand_by_variant


class Command(BaseCommand):
    help = (
        "Export every product to a CSV or XLSX file in dianpu's own format, Shopify's product CSV "
        "or WooCommerce's (with stock on hand). The file imports back unchanged."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write (.csv or .xlsx)")
        parser.add_argument(
            "--format",
            dest="file_format",
            default="native",
            choices=["native", "shopify", "woocommerce"],
            help="file format (default: native)",
        )
        parser.add_argument("--no-stock", action="store_true", help="leave the stock columns empty")

    def handle(self, *args, file, file_format, no_stock, verbosity, **options):
        path = Path(file)
        kind = "xlsx" if path.suffix.lower() == ".xlsx" else "csv"
        if not path.parent.is_dir():
            raise CommandError(f"no such directory: {path.parent}")
        stream = getattr(self.stderr, "_out", self.stderr)
        bar = tqdm(total=0, desc="products", unit="product", file=stream, disable=verbosity < 1, mininterval=0.25)

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        data = export_products(
            file_format, kind, stock_by_variant=None if no_stock else get_on_hand_by_variant, progress=progress
        )
        bar.n = bar.total
        bar.close()
        path.write_bytes(data)
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(f"{file_format} {kind}: {len(data):,} bytes written to {path}"))
