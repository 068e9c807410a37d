"""Order tasks for the worker: customer notifications, expiry of unpaid orders."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import notifications, services


@db_task(retries=3, retry_delay=60)
def send_order_notification(order_id: int, kind: str, extra: dict | None = None) -> None:
    notifications.send_order_email(order_id, kind, extra)


@db_periodic_task(crontab(minute="*/15"))
def cancel_expired_unpaid_orders() -> None:
    services.cancel_expired_unpaid_orders()
