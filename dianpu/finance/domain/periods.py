"""Accounting periods are calendar months, written "YYYY-MM"."""

import re
from datetime import date

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_month(text: str) -> str | None:
    """ "2026-03" -> "2026-03"; anything else -> None."""
    text = (text or "").strip()
    m = _MONTH.match(text)
    if not m or not 2000 <= int(m.group(1)) <= 2999:
        return None
    return text


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def first_day(month: str) -> date:
    year, mon = month.split("-")
    return date(int(year), int(mon), 1)


def next_month(month: str) -> str:
    year, mon = (int(p) for p in month.split("-"))
    return f"{year + mon // 12:04d}-{mon % 12 + 1:02d}"


def parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None
