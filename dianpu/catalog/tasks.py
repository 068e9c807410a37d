"""Catalog tasks for the worker: product imports uploaded in the console, scheduled listing.

Also the stock link of an import: stock belongs to inventory, which sits above catalog, so the
edges (this module, the command, the console and the API) hand `set_imported_stock` to the
import use case."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from dianpu.inventory.queries import get_on_hand_by_variant
from dianpu.inventory.services import get_default_warehouse, set_on_hand

from . import imports, services
from .models import Variant


def stock_setter(actor, reason: str = "import"):
    """A function SKU -> on hand that sets the default warehouse's on-hand where it differs."""

    def set_imported_stock(stock_by_sku: dict[str, int]) -> int:
        warehouse = get_default_warehouse()
        changed = 0
        skus = list(stock_by_sku)
        for start in range(0, len(skus), 2000):
            variants = list(Variant.objects.filter(sku__in=skus[start: start + 2000]))
            on_hand = get_on_hand_by_variant([v.id for v in variants], warehouse=warehouse)
            for variant in variants:
                quantity = stock_by_sku[variant.sku]
                if on_hand.get(variant.id, 0) != quantity:
                    set_on_hand(variant=variant, quantity=quantity, reason=reason, actor=actor, warehouse=warehouse)
                    changed += 1
        return changed

    return set_imported_stock


@db_task()
def run_import_job(job_id: int) -> None:
    imports.run_import_job(job_id, stock_setter=stock_setter)


@db_periodic_task(crontab(minute="*"))
def apply_scheduled_listings() -> None:
    services.apply_scheduled_listings()
