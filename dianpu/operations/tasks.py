"""Worker tasks: heartbeat, the nightly backup, the restore check, housekeeping, the storefront
link check."""

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


def _shop_hour_in_utc(hour: int) -> str:
    """Huey's crontab reads UTC; our settings are shop-local hours."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    local = datetime(2024, 1, 1, hour, tzinfo=ZoneInfo(settings.TIME_ZONE))
    return str(local.astimezone(ZoneInfo("UTC")).hour)


@db_periodic_task(crontab(minute="*"))
def worker_heartbeat():
    """Every minute: the status page shows the worker alive while this is fresh."""
    services.beat()


@db_periodic_task(crontab(minute="0", hour=_shop_hour_in_utc(settings.BACKUP_HOUR)))
def nightly_backup():
    """Daily at DIANPU_BACKUP_HOUR: a backup in DIANPU_BACKUP_DIR, copied off-site, old ones pruned.
    A failure (BackupError) is recorded on the run and fails the job: both show on the status page."""
    services.take_backup()


@db_periodic_task(crontab(minute="30", hour=_shop_hour_in_utc(settings.RESTORE_CHECK_HOUR)))
def restore_check():
    """Daily at DIANPU_RESTORE_CHECK_HOUR:30: restore the latest backup into a scratch place and compare."""
    run = services.run_restore_check()
    return run.status


@db_periodic_task(crontab(minute="7"))
def prune_operations_records():
    services.prune_records()


@db_periodic_task(crontab(minute="40", hour=_shop_hour_in_utc(5)))
def storefront_link_check():
    """Daily at 05:40: broken links and missing images on the storefront (console: 运行状态 → 店铺链接检查)."""
    return services.run_link_check().pk
