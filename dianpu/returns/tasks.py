"""After-sales tasks for the worker: customer notifications."""

from huey.contrib.djhuey import db_task

from . import notifications


@db_task(retries=3, retry_delay=60)
def send_return_notification(request_id: int, kind: str) -> None:
    notifications.send_return_email(request_id, kind)
