"""Worker tasks: stock pushes to connected channels (queued on a stock change, and swept each
minute), the order polling safety net, tracking back to the platform."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import sync
from .connectors.shopify_api import ShopifyError

log = logging.getLogger(__name__)


@db_task()
def push_channel_stock():
    return sync.push_pending_stock()


@db_task()
def run_channel_sync(job_id: int):
    """ "Sync now" from the console, with its progress on the job."""
    job = sync.run_sync_job(job_id)
    return job.state if job is not None else None


@db_periodic_task(crontab(minute="*"))
def sweep_channel_stock():
    """Every minute: whatever is still flagged (a failed push, a change the queued push missed)."""
    return sync.push_pending_stock()


@db_periodic_task(crontab(minute="*/10"))
def poll_channel_orders():
    """Every ten minutes: orders a webhook did not bring (orders.json since the last one)."""
    return sync.poll_all_orders()


@db_task(retries=5, retry_delay=60)
def push_channel_tracking(order_id: int):
    try:
        return sync.push_tracking(order_id)
    except ShopifyError as exc:
        log.warning("tracking of order %s not sent: %s", order_id, exc)
        if exc.code == "auth_failed":
            return False
        raise
