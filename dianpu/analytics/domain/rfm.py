"""RFM segments (recency, frequency, monetary) of customers. Pure; thresholds are inputs."""

from dataclasses import dataclass
from decimal import Decimal

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
