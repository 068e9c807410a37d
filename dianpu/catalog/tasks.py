"""Catalog tasks for the worker: product imports uploaded in the console, scheduled listing.

Also the stock link of an import: stock belongs to inventory, which sits above catalog, so the
edges (this module, the command, the console and the API) hand `set_imported_stock` to the
import use case."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, signal
from huey.signals import SIGNAL_INTERRUPTED

from dianpu.inventory.queries import get_on_hand_by_variant  # noqa: F401  (re-exported for the export command)
from dianpu.inventory.services import StockTarget, bulk_set_on_hand, get_default_warehouse

from . import imports, services
from .models import Variant


def stock_setter(actor, reason: str = "import"):
    """A function (SKU -> on hand, filename) that brings the default warehouse's on-hand to the
    file's figures in bulk (inventory's `bulk_set_on_hand`, one ledger row per changed SKU)."""

    def set_imported_stock(stock_by_sku: dict[str, int], filename: str = "") -> int:
        warehouse = get_default_warehouse()
        targets = [
            StockTarget(variant_id, warehouse.pk, stock_by_sku[sku])
            for sku, variant_id in imports.ids_by(Variant, "sku", stock_by_sku).items()
        ]
        return bulk_set_on_hand(targets=targets, reason=f"{reason} {filename}".strip(), actor=actor)

    return set_imported_stock


@db_task()
def run_import_job(job_id: int) -> None:
    imports.run_import_job(job_id, stock_setter=stock_setter)


@signal(SIGNAL_INTERRUPTED)
def requeue_interrupted_import(signal_name, task, *args, **kwargs) -> None:
    """The worker was told to stop (SIGTERM) while importing: the file's transaction rolls back
    with the process, so the job goes back to the queue and runs again when a worker starts."""
    if task.name.endswith("run_import_job") and task.args and imports.requeue_import_job(task.args[0]):
        run_import_job(task.args[0])


@db_periodic_task(crontab(minute="*"))
def apply_scheduled_listings() -> None:
    services.apply_scheduled_listings()


@db_task(retries=3, retry_delay=30)
def sync_search_engine(product_ids: list[int]) -> None:
    """Send changed products to the external search engine (SEARCH_ENGINE; safe to run twice)."""
    from .search_engines import get_search_engine, sync_products

    engine = get_search_engine()
    if engine is not None:
        sync_products(engine, product_ids)
