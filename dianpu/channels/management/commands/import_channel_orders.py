"""dianpu import_channel_orders FILE --channel shopify|generic [--channel-code taobao] [--mapping JSON]
[--shipping-method standard]: the console's platform import on the command line, with a progress bar."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from dianpu.channels.services import ImportRefused, import_channel_orders
from dianpu.core.errors import DomainError


class Command(BaseCommand):
    help = "Import orders from another platform's file (Shopify orders export CSV, or CSV/XLSX with a mapping)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--channel", choices=["shopify", "generic"], default="shopify")
        parser.add_argument("--channel-code", default="")
        parser.add_argument("--mapping", default="", help='JSON: {"order_number": "column", ...} (generic)')
        parser.add_argument("--shipping-method", default="standard")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            mapping = json.loads(options["mapping"]) if options["mapping"] else {}
        except ValueError as exc:
            raise CommandError(f"--mapping is not JSON: {exc}") from None
        bar = tqdm(desc="orders", unit="order", disable=options["verbosity"] == 0)

        def progress(done, total):
            bar.total = total
            bar.update(done - bar.n)

        try:
            result = import_channel_orders(
                channel=options["channel"],
                content=path.read_bytes(),
                filename=path.name,
                actor=None,
                shipping_method=options["shipping_method"],
                mapping=mapping,
                channel_code=options["channel_code"],
                progress=progress,
            )
        except ImportRefused as exc:
            bar.close()
            for line in exc.lines:
                self.stderr.write(f"row {line['row']}, {line['column']}: {line['message']}")
            raise CommandError(str(exc.detail)) from None
        except DomainError as exc:
            bar.close()
            raise CommandError(str(exc.detail)) from None
        bar.close()
        self.stdout.write(
            f"created {len(result.created)}, skipped {len(result.skipped)} already imported, {result.rows} rows read"
        )
