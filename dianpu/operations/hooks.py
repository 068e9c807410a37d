"""The queue's hooks, in one place:

- every scheduled job's run (started, ok, failed) and any one-off job's failure is recorded
  (`JobRun`, shown on the status page and in /metrics) by one huey signal handler;
- a scheduled job runs once per scheduled minute however many workers run the scheduler: before
  it executes, its worker takes the (job, minute) slot, a unique row in the database; a worker
  that finds the slot taken cancels its copy.

Both stay out of the way when the queue runs tasks inline (the test suite, `immediate`)."""

import logging
from datetime import timedelta

from django.db import close_old_connections, connection
from huey import signals
from huey.api import PeriodicTask
from huey.contrib.djhuey import HUEY
from huey.exceptions import CancelExecution

log = logging.getLogger(__name__)
SEARCH_MINUTES = 24 * 60  # how far back to look for the minute a job was scheduled for


def scheduled_minute(task, now):
    """The latest minute ≤ now at which `task`'s schedule fires (its crontab), so two workers that
    enqueued the same run map it to the same slot even if one runs it a little later."""
    minute = now.replace(second=0, microsecond=0)
    for back in range(SEARCH_MINUTES):
        candidate = minute - timedelta(minutes=back)
        if task.validate_datetime(candidate):
            return candidate
    return minute


def run_once(task) -> None:
    if not isinstance(task, PeriodicTask):
        return
    from dianpu.core import clock

    from .services import take_slot

    if not connection.in_atomic_block:
        close_old_connections()  # a worker thread's connection may have gone stale between jobs
    now = HUEY._get_timestamp()
    slot = scheduled_minute(task, now)
    aware = slot.replace(tzinfo=clock.now().tzinfo) if slot.tzinfo is None and HUEY.utc else slot
    if not take_slot(task.name, aware):
        log.info("scheduled job already run by another worker", extra={"job": task.name, "slot": str(slot)})
        raise CancelExecution(retry=False)


if not HUEY.immediate:
    HUEY.pre_execute(name="dianpu-run-once")(run_once)


@HUEY.signal(signals.SIGNAL_EXECUTING, signals.SIGNAL_COMPLETE, signals.SIGNAL_ERROR)
def record_run(signal, task, exc=None):
    periodic = isinstance(task, PeriodicTask)
    if not periodic and signal != signals.SIGNAL_ERROR:
        return
    if connection.in_atomic_block and connection.needs_rollback:
        return
    from .services import record_job

    try:
        record_job(
            task.name,
            started=signal == signals.SIGNAL_EXECUTING,
            failed=signal == signals.SIGNAL_ERROR,
            error=f"{exc.__class__.__name__}: {exc}" if exc is not None else "",
        )
    except Exception:  # recording must never break the job itself
        log.exception("could not record a job run", extra={"job": task.name})
