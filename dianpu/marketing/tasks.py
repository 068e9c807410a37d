"""Marketing tasks for the worker: scheduled e-mail campaigns, abandoned-cart recovery."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import email_campaigns


@db_periodic_task(crontab(minute="*/5"))
def send_due_email_campaigns() -> None:
    email_campaigns.send_due_email_campaigns()


@db_periodic_task(crontab(minute="*/10"))
def send_abandoned_cart_reminders() -> None:
    email_campaigns.send_abandoned_cart_reminders()
