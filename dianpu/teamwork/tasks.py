"""Worker tasks: each morning's checklists."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="30", hour="6"))
def generate_morning_routines():
    """06:30 every day; safe to run twice (a routine made already is left as it is)."""
    return services.generate_routines()
