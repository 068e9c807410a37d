"""A promotion's or coupon's time window: "no end" is stored as an end far in the future."""

from datetime import datetime, timezone

OPEN_END = datetime(2100, 1, 1, tzinfo=timezone.utc)


def is_open_end(ends_at: datetime | None) -> bool:
    """True when the window has no end (it runs until ended by hand)."""
    return ends_at is None or ends_at >= OPEN_END
