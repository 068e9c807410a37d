"""Worker tasks: dropping what visitors told the bot once their chat has gone quiet."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="40", hour="*"))
def forget_idle_bot_sessions():
    """Every hour: the order numbers, e-mails and phones of bot sessions idle for a day are cleared."""
    return services.forget_idle_bot_sessions()
