"""The clock seam: services ask here for "now" so tests and demo data can move time."""

from datetime import datetime, timezone


def now() -> datetime:
    from django.utils import timezone as dj_timezone  # late: core stays importable without Django set up

    return dj_timezone.now() if _frozen is None else _frozen


_frozen: datetime | None = None


def freeze(at: datetime | None) -> None:
    """Pin "now" (tests only). Pass None to let the clock run again."""
    global _frozen
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    _frozen = at
