"""SLA timers: a deadline for the first response and one for resolution, per priority, and whether
a conversation is on time, close to a breach (warning) or past it. Pure: `now` is passed in."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


@dataclass(frozen=True)
class SlaTargets:
    first_response_minutes: int
    resolution_minutes: int
    warning_minutes: int  # warn this long before a deadline


DEFAULT_TARGETS = {
    "urgent": SlaTargets(15, 4 * 60, 5),
    "high": SlaTargets(30, 8 * 60, 10),
    "normal": SlaTargets(60, 24 * 60, 15),
    "low": SlaTargets(4 * 60, 72 * 60, 30),
}


class SlaState(StrEnum):
    MET = "met"  # done before the deadline
    OK = "ok"
    WARNING = "warning"
    BREACHED = "breached"


@dataclass(frozen=True)
class Deadlines:
    first_response_due: datetime
    resolution_due: datetime


def calculate_deadlines(opened_at: datetime, targets: SlaTargets) -> Deadlines:
    return Deadlines(
        opened_at + timedelta(minutes=targets.first_response_minutes),
        opened_at + timedelta(minutes=targets.resolution_minutes),
    )


def evaluate_timer(due: datetime | None, done_at: datetime | None, now: datetime, warning_minutes: int) -> SlaState:
    """One timer: met (done in time), breached (done late or still open past due), warning, ok."""
    if due is None:
        return SlaState.OK
    if done_at is not None:
        return SlaState.MET if done_at <= due else SlaState.BREACHED
    if now > due:
        return SlaState.BREACHED
    if now >= due - timedelta(minutes=warning_minutes):
        return SlaState.WARNING
    return SlaState.OK


def minutes_left(due: datetime | None, now: datetime) -> int | None:
    if due is None:
        return None
    return int((due - now).total_seconds() // 60)
