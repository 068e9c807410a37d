"""`dianpu rebuild-stock-summaries`: recompute every SKU's maintained stock summary (on hand,
reserved, on order, sales windows, last sale, FIFO age, verdict) from the raw tables — after a
restore, a bulk load that bypassed the services, or to check nothing drifted (--check)."""

from django.core.management.base import BaseCommand, CommandError

from dianpu.inventory.queries import list_summary_drift
from dianpu.inventory.services import rebuild_stock_summaries
from dianpu.purchasing.queries import get_on_order_by_variant


class Command(BaseCommand):
    help = "Recompute the per-SKU stock summary from stock levels, the ledger and open purchase orders."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="only compare the maintained summary with the raw tables; exit 1 on a difference",
        )

    def handle(self, *args, **options):
        if options["check"]:
            drift = list_summary_drift(on_order=get_on_order_by_variant())
            for sku, field, kept, raw in drift[:50]:
                self.stdout.write(f"{sku}: {field} kept {kept}, raw {raw}")
            if drift:
                raise CommandError(f"{len(drift)} difference(s)")
            self.stdout.write("the summary equals the raw tables")
            return
        count = rebuild_stock_summaries(on_order=get_on_order_by_variant())
        self.stdout.write(f"{count} SKUs rebuilt")
