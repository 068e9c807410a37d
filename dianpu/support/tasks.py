"""Service desk tasks: an agent's reply to an e-mail conversation goes out by e-mail (after commit;
safe to run twice: a reply already sent is not sent again); the service mailbox is polled by IMAP
every 5 minutes when DIANPU_SUPPORT_IMAP_URL is set."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from . import services


@db_task(retries=3, retry_delay=60)
def send_reply_email(message_id: int) -> None:
    services.send_reply_email(message_id)


@db_periodic_task(crontab(minute="*/5"))
@lock_task("support-mailbox")
def poll_support_mailbox() -> None:
    services.poll_support_mailbox()
