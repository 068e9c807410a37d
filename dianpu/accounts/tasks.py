"""accounts' tasks for the worker: the staff password-reset e-mail (sent after the request commits)
and the nightly clean-up of old sign-in session rows."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import password_reset, signin


@db_task(retries=3, retry_delay=60)
def send_reset_email(user_id: int, language: str) -> None:
    password_reset.send_reset_email(user_id, language)


@db_periodic_task(crontab(hour="4", minute="20"))
def purge_old_sign_in_sessions() -> None:
    signin.purge_old_sessions()
