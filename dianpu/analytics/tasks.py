"""Analytics jobs for the worker: fold tracking events into the rollups every minute; the
operating reports (daily, weekly, monthly)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from . import reports, services


@db_periodic_task(crontab(minute="*"))
@lock_task("analytics-fold")
def fold_tracking_events() -> None:
    services.fold_tracking_events()


@db_periodic_task(crontab(minute="10"))
@lock_task("analytics-reports")
def ensure_reports() -> None:
    reports.ensure_reports()


@db_task(retries=3, retry_delay=300)
def email_report(report_id: int) -> None:
    reports.email_report(report_id)


@db_task()
def make_report_now(kind: str, day_iso: str) -> None:
    """A report asked for in the console ("make now"): its period's figures as of now."""
    from datetime import date

    reports.generate_report(kind, date.fromisoformat(day_iso), send=False, replace=True)
