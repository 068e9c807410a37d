"""RFM segments (recency, frequency, monetary) of customers. Pure; thresholds are inputs."""

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

HIGH_VALUE = "high_value"
LOYAL = "loyal"
AT_RISK = "at_risk"
LOST = "lost"
OTHER = "other"
SEGMENTS = (HIGH_VALUE, LOYAL, AT_RISK, LOST, OTHER)


@dataclass(frozen=True)
class RfmRule:
    active_days: int = 90  # bought within this many days: active
    lost_days: int = 180  # no order for longer than this: lost
    loyal_orders: int = 3  # active with at least this many orders: loyal
    high_value_amount: Decimal = Decimal("2000")  # active and spent at least this: high-value


def classify_customer(*, recency_days: int, orders: int, monetary: Decimal, rule: RfmRule) -> str:
    """high_value / loyal (active), at_risk (quiet for a while), lost (gone), other (active, small)."""
    if recency_days > rule.lost_days:
        return LOST
    if recency_days > rule.active_days:
        return AT_RISK
    if monetary >= rule.high_value_amount:
        return HIGH_VALUE
    if orders >= rule.loyal_orders:
        return LOYAL
    return OTHER


def high_value_fen(rule: RfmRule) -> int:
    """The high-value threshold in integer fen: money spent at or above it is high value."""
    return int((rule.high_value_amount * 100).to_integral_value(rounding=ROUND_CEILING))


def rfm_band(*, orders: int, spent_fen: int, rule: RfmRule) -> tuple[bool, bool]:
    """The cell a buyer counts in besides their last order's day: (frequent, high value). Frequent
    is at least `loyal_orders` orders; an active buyer is high value if high value, else loyal if
    frequent, else other; recency alone decides the rest."""
    return orders >= rule.loyal_orders, spent_fen >= high_value_fen(rule)
