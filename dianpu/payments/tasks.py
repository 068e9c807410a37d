"""Payment tasks for the worker: settle refunds whose gateway answer was lost; confirm payments
whose notification was lost (gateways that answer order queries: WeChat Pay)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="*/30"))
def reconcile_pending_refunds() -> None:
    services.reconcile_pending_refunds()


@db_periodic_task(crontab(minute="*/5"))
def reconcile_pending_payments() -> None:
    services.reconcile_pending_payments()
    services.reconcile_wechatpay_refunds()
