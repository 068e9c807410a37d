"""Service desk tasks: an agent's reply to an e-mail conversation goes out by e-mail (after commit;
safe to run twice: a reply already sent is not sent again)."""

from huey.contrib.djhuey import db_task

from . import services


@db_task(retries=3, retry_delay=60)
def send_reply_email(message_id: int) -> None:
    services.send_reply_email(message_id)
