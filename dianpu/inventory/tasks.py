"""Stock tasks for the worker: low-stock alerts (every 15 minutes, once per crossing), the
nightly roll of the per-SKU summary (00:05 shop time) and the morning inventory sheet e-mail
with its XLSX (daily at INVENTORY_SHEET_HOUR, shop time)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import notifications, services


def _utc_hour(local_hour: int) -> int:
    """Huey schedules in UTC; the sheet is wanted at a shop-local hour."""
    offset = timezone.get_default_timezone().utcoffset(datetime.now()) or timedelta(0)
    return int((local_hour - offset.total_seconds() // 3600) % 24)


@db_periodic_task(crontab(minute="*/15"))
def alert_low_stock() -> None:
    flagged = services.flag_low_stock_crossings()
    if flagged:
        notifications.send_low_stock_alert(flagged)


@db_periodic_task(crontab(minute="0", hour=str(_utc_hour(getattr(settings, "INVENTORY_SHEET_HOUR", 7)))))
def send_daily_inventory_sheet() -> None:
    services.ensure_stock_summaries_current()
    notifications.send_daily_sheet()


@db_periodic_task(crontab(minute="5", hour=str(_utc_hour(0))))
def roll_stock_summaries() -> None:
    """Sales windows move on a day; every SKU re-judged."""
    services.roll_stock_summaries()
