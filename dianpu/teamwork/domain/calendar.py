"""The operations calendar's fixed facts: Chinese holidays and shopping festivals, and month grids.

Festivals on the solar calendar repeat every year; the lunar ones (春节, 端午, 中秋, 七夕) are
listed per year, as their dates move."""

import calendar
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Festival:
    day: date
    name: str
    shopping: bool  # a shopping festival (大促) rather than a public holiday


SOLAR = (
    (1, 1, "元旦", False),
    (2, 14, "情人节", True),
    (3, 8, "女王节", True),
    (5, 1, "劳动节", False),
    (5, 20, "520", True),
    (6, 18, "618 年中大促", True),
    (9, 9, "99 大促", True),
    (10, 1, "国庆节", False),
    (11, 11, "双 11", True),
    (12, 12, "双 12", True),
    (12, 25, "圣诞节", True),
)
LUNAR = {
    2025: ((1, 29, "春节"), (5, 31, "端午节"), (8, 29, "七夕"), (10, 6, "中秋节")),
    2026: ((2, 17, "春节"), (6, 19, "端午节"), (8, 19, "七夕"), (9, 25, "中秋节")),
    2027: ((2, 6, "春节"), (6, 9, "端午节"), (8, 8, "七夕"), (9, 15, "中秋节")),
    2028: ((1, 26, "春节"), (5, 28, "端午节"), (8, 26, "七夕"), (10, 3, "中秋节")),
}
LUNAR_SHOPPING = frozenset({"七夕"})


def festivals_between(first: date, last: date) -> list[Festival]:
    found = []
    for year in range(first.year, last.year + 1):
        rows = [(m, d, name, shopping) for m, d, name, shopping in SOLAR]
        rows += [(m, d, name, name in LUNAR_SHOPPING) for m, d, name in LUNAR.get(year, ())]
        for month, day, name, shopping in rows:
            when = date(year, month, day)
            if first <= when <= last:
                found.append(Festival(when, name, shopping))
    return sorted(found, key=lambda f: (f.day, f.name))


def month_grid(year: int, month: int) -> list[list[date]]:
    """The weeks (Monday first) covering the month, days of the neighbouring months included."""
    return calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)


def parse_month(text: str, default: tuple[int, int]) -> tuple[int, int]:
    """ "2026-12" -> (2026, 12); anything else (or out of 2000–2099) -> default."""
    try:
        year, month = (int(part) for part in (text or "").split("-", 1))
    except ValueError:
        return default
    if 2000 <= year <= 2099 and 1 <= month <= 12:
        return year, month
    return default


def shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1
