"""Worker tasks: the scheduled read of every competitor product page (each product on its own)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="15", hour="6,18"))
def fetch_competitor_pages():
    """Twice a day, before the morning check and in the evening; safe to run twice (a snapshot more)."""
    return services.fetch_all_products()
