"""Shopping-festival templates: when each runs in a given year and the promotions it usually
carries. Pure data; `plan_festival(code, year)` gives dates and promotion definitions."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Festival:
    code: str
    name: str
    name_en: str
    promotions: tuple[dict[str, Any], ...]  # promotion definitions without dates ({"name", "kind", ...})


FESTIVALS = (
    Festival(
        "618",
        "618 年中大促",
        "618 mid-year sale",
        (
            {
                "name": "618 满减",
                "kind": "spend_x_save_y",
                "tiers": [{"threshold": "300", "amount": "30"}, {"threshold": "600", "amount": "80"}],
            },
            {"name": "618 满 99 包邮", "kind": "free_shipping", "threshold": "99"},
        ),
    ),
    Festival(
        "double11",
        "双十一",
        "Singles' Day (11.11)",
        (
            {
                "name": "双十一 每满 300 减 50",
                "kind": "spend_x_save_y",
                "repeat": True,
                "tiers": [{"threshold": "300", "amount": "50"}],
            },
            {"name": "双十一 第二件半价", "kind": "buy_x_get_y", "buy": 1, "get": 1, "discount_percent": "50"},
            {"name": "双十一 包邮", "kind": "free_shipping", "threshold": "0"},
        ),
    ),
    Festival(
        "double12",
        "双十二",
        "Double 12 (12.12)",
        (
            {
                "name": "双十二 满 200 减 20",
                "kind": "spend_x_save_y",
                "tiers": [{"threshold": "200", "amount": "20"}, {"threshold": "400", "amount": "50"}],
            },
        ),
    ),
    Festival(
        "nianhuo",
        "年货节",
        "Chinese New Year sale",
        (
            {
                "name": "年货节 满 2 件 9 折",
                "kind": "percent_off",
                "percent": "10",
                "conditions": [{"kind": "min_quantity", "quantity": 2}],
            },
            {"name": "年货节 满 199 包邮", "kind": "free_shipping", "threshold": "199"},
        ),
    ),
    Festival(
        "black_friday",
        "黑色星期五",
        "Black Friday",
        ({"name": "Black Friday 全场 8 折", "kind": "percent_off", "percent": "20"},),
    ),
)
FESTIVALS_BY_CODE = {f.code: f for f in FESTIVALS}


def _black_friday(year: int) -> date:
    november_first = date(year, 11, 1)
    first_thursday = november_first + timedelta(days=(3 - november_first.weekday()) % 7)
    return first_thursday + timedelta(days=22)  # the day after the fourth Thursday


def festival_window(code: str, year: int) -> tuple[datetime, datetime]:
    """Naive local start and end (end exclusive) of a festival's campaign in `year`."""
    if code == "618":
        return datetime(year, 6, 1, 20), datetime(year, 6, 19)
    if code == "double11":
        return datetime(year, 10, 31, 20), datetime(year, 11, 12)
    if code == "double12":
        return datetime(year, 12, 10), datetime(year, 12, 13)
    if code == "nianhuo":
        return datetime(year, 1, 5), datetime(year, 1, 25)
    if code == "black_friday":
        friday = _black_friday(year)
        return datetime.combine(friday, time()), datetime.combine(friday + timedelta(days=4), time())  # to Cyber Monday
    raise KeyError(code)


def goal_attainment(sales: Decimal, goal: Decimal | None) -> Decimal | None:
    """Sales as a percent of the goal, one decimal; None without a goal."""
    if not goal:
        return None
    return (Decimal(sales) * 100 / Decimal(goal)).quantize(Decimal("0.1"))


def hourly_series(
    points: Iterable[tuple[datetime, Decimal]], start: datetime, end: datetime
) -> tuple[list[str], list[Decimal], list[Decimal]]:
    """Hour buckets [start, end) -> (labels, sales per hour, cumulative sales); points are
    (aware datetime already in the wanted zone, amount)."""
    start = start.replace(minute=0, second=0, microsecond=0)
    hours = max(1, int((end - start).total_seconds() // 3600) + (1 if (end - start).total_seconds() % 3600 else 0))
    hours = min(hours, 24 * 60)
    sales = [Decimal("0.00")] * hours
    for at, amount in points:
        index = int((at - start).total_seconds() // 3600)
        if 0 <= index < hours:
            sales[index] += amount
    labels = [(start + timedelta(hours=i)).strftime("%m-%d %H:00") for i in range(hours)]
    running, cumulative = Decimal("0.00"), []
    for s in sales:
        running += s
        cumulative.append(running)
    return labels, sales, cumulative
