"""Sales velocity, days of cover (可售天数), age of stock and the suggested action. Pure.

Velocity is units sold per day over a window (7, 14 or 30 days) counted from `sale` moves of
the ledger (units that left the shelf for an order). Days of cover = available ÷ velocity.
Age of stock is FIFO: how long ago the oldest unit still on hand came in.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

WINDOWS = (7, 14, 30)
DEFAULT_WINDOW = 30
# The verdict (建议) of a SKU is always judged on this window, whatever window a page shows its
# figures for: the daily sheet, the days-of-cover page and the XLSX then agree on every SKU.
VERDICT_WINDOW = 30
# A SKU whose stock lasts longer than this, or has not sold in the window while holding
# units this old, is overstock (积压).
OVERSTOCK_DAYS = 90
SLOW_AGE_DAYS = 60
RESTOCK_COVER_DAYS = 14


class Action:
    RESTOCK = "restock"  # runs out soon, or is below safety stock: reorder
    CLEAR = "clear"  # overstock / dead stock: discount or bundle it out (清仓)
    PROMOTE = "promote"  # slow: push it (promotion, better listing) before it ages
    WATCH = "watch"  # out of stock and not selling: decide whether to keep it
    OK = "ok"


ACTIONS = (Action.RESTOCK, Action.CLEAR, Action.PROMOTE, Action.WATCH, Action.OK)


def calculate_velocity(units_sold: int, window_days: int) -> Decimal:
    """Units per day, to two decimals."""
    if window_days <= 0:
        raise ValueError("window must be positive")
    return (Decimal(max(0, units_sold)) / Decimal(window_days)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def calculate_days_of_cover(available: int, velocity: Decimal) -> Decimal | None:
    """Days the available units last at `velocity`; None when nothing sells (cover is endless)."""
    if velocity <= 0:
        return None
    return (Decimal(max(0, available)) / velocity).quantize(Decimal("0.1"), ROUND_HALF_UP)


def calculate_stock_age(on_hand: int, inbound: list[tuple[date, int]], today: date) -> int | None:
    """Age in days of the oldest unit on hand, FIFO. `inbound` is (day, units) newest first.

    Walks back through the arrivals until they cover what is on hand; units older than the
    oldest arrival known count from that arrival. None when nothing is on hand."""
    if on_hand <= 0:
        return None
    remaining = on_hand
    oldest = None
    for day, units in inbound:
        if units <= 0:
            continue
        oldest = day
        remaining -= units
        if remaining <= 0:
            break
    if oldest is None:
        return None
    return max(0, (today - oldest).days)


@dataclass(frozen=True)
class CoverFacts:
    available: int
    safety_stock: int
    velocity: Decimal
    days_of_cover: Decimal | None
    age_days: int | None


def suggest_action(f: CoverFacts) -> str:
    """What the daily sheet suggests for one SKU."""
    if f.velocity > 0 and (
        f.available <= f.safety_stock or (f.days_of_cover is not None and f.days_of_cover < RESTOCK_COVER_DAYS)
    ):
        return Action.RESTOCK
    if f.available <= 0:
        return Action.WATCH if f.velocity == 0 else Action.RESTOCK
    if f.days_of_cover is None:
        # Holding units that do not sell at all.
        return Action.CLEAR if (f.age_days or 0) >= SLOW_AGE_DAYS else Action.PROMOTE
    if f.days_of_cover > OVERSTOCK_DAYS:
        return Action.CLEAR if (f.age_days or 0) >= SLOW_AGE_DAYS else Action.PROMOTE
    if f.available <= f.safety_stock:
        return Action.RESTOCK
    return Action.OK


def is_slow_or_overstock(f: CoverFacts) -> bool:
    return f.available > 0 and (f.days_of_cover is None or f.days_of_cover > OVERSTOCK_DAYS)


def calculate_clearance_discount_percent(days_of_cover: Decimal | None, age_days: int | None) -> int:
    """A suggested markdown for clearance: deeper the longer the stock lasts and the older it is."""
    age = age_days or 0
    if days_of_cover is None:
        return 50 if age >= 180 else 30 if age >= SLOW_AGE_DAYS else 20
    if days_of_cover > 365 or age >= 180:
        return 40
    if days_of_cover > 180 or age >= 120:
        return 30
    if days_of_cover > OVERSTOCK_DAYS:
        return 20 if age >= SLOW_AGE_DAYS else 10
    return 0


@dataclass(frozen=True)
class Verdict:
    """What one SKU is judged to need, from `classify_sku`."""

    action: str
    velocity: Decimal  # units a day over VERDICT_WINDOW
    days_of_cover: Decimal | None  # available ÷ velocity; None when nothing sold in the window
    is_slow: bool  # slow mover / overstock (the slow-movers list)
    clearance_percent: int  # suggested markdown for a slow SKU, else 0


def classify_sku(*, available: int, safety_stock: int, sold_in_verdict_window: int, age_days: int | None) -> Verdict:
    """The one stock verdict of a SKU (every page, export and the maintained summary use it).

    Judged on the units sold over VERDICT_WINDOW (30 days): a SKU that sold in those 30 days and
    is sold out is "restock", never "no stock, no sales", whatever window a page displays."""
    velocity = calculate_velocity(sold_in_verdict_window, VERDICT_WINDOW)
    cover = calculate_days_of_cover(available, velocity)
    facts = CoverFacts(available, safety_stock, velocity, cover, age_days)
    slow = is_slow_or_overstock(facts)
    return Verdict(
        action=suggest_action(facts),
        velocity=velocity,
        days_of_cover=cover,
        is_slow=slow,
        clearance_percent=calculate_clearance_discount_percent(cover, age_days) if slow else 0,
    )
