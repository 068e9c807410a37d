"""Customers' tasks for the worker: account e-mails, points expiry, the daily tier review."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import notifications, outreach, rewards, services, surveys


@db_task(retries=3, retry_delay=60)
def send_account_email(customer_id: int, kind: str) -> None:
    notifications.send_account_email(customer_id, kind)


@db_periodic_task(crontab(hour="3", minute="10"))
def expire_points() -> None:
    services.expire_points()


@db_periodic_task(crontab(hour="3", minute="30"))
def review_tiers() -> None:
    services.review_tiers()


@db_periodic_task(crontab(hour="3", minute="50"))
def refresh_segments() -> None:
    services.refresh_segments()


@db_periodic_task(crontab(minute="*/5"))
def send_due_outreach() -> None:
    outreach.send_due_outreach()


@db_periodic_task(crontab(hour="0", minute="20"))
def schedule_greetings() -> None:
    from django.utils import timezone

    from dianpu.core import clock

    today = timezone.localdate(clock.now())
    outreach.schedule_holiday_greetings(today.year)
    outreach.schedule_birthday_greetings(today)


@db_periodic_task(crontab(hour="11", minute="0"))
def ask_due_csat() -> None:
    surveys.ask_due_csat()


@db_periodic_task(crontab(hour="8", minute="40"))
def issue_birthday_coupons() -> None:
    rewards.issue_birthday_coupons()


@db_periodic_task(crontab(hour="4", minute="10"))
def issue_win_back() -> None:
    """After the night's segment refresh (03:50): coupons now, messages from 10:00 (quiet hours)."""
    rewards.issue_win_back()
