"""accounts' tasks for the worker: the staff password-reset e-mail (sent after the request commits)."""

from huey.contrib.djhuey import db_task

from . import password_reset


@db_task(retries=3, retry_delay=60)
def send_reset_email(user_id: int, language: str) -> None:
    password_reset.send_reset_email(user_id, language)
