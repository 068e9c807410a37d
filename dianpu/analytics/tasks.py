"""Analytics jobs for the worker: fold tracking events into the rollups every minute; the
operating reports (daily, weekly, monthly)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from . import services


@db_periodic_task(crontab(minute="*"))
@lock_task("analytics-fold")
def fold_tracking_events() -> None:
    services.fold_tracking_events()
