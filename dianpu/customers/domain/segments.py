"""Customer segments (客户分群): RFM out of the box, and segments from rules. Pure; thresholds
and rules are inputs, the facts are read by the caller."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

HIGH_VALUE, LOYAL, PROMISING, AT_RISK, LOST = "high_value", "loyal", "promising", "at_risk", "lost"
RFM_SEGMENTS = (HIGH_VALUE, LOYAL, PROMISING, AT_RISK, LOST)


@dataclass(frozen=True)
class RfmThresholds:
    active_days: int = 90  # bought within: active
    lost_days: int = 180  # nothing for longer: lost
    loyal_orders: int = 3  # active with this many orders: loyal
    high_value_amount: Decimal = Decimal("2000")  # active and spent this much: high-value


@dataclass(frozen=True)
class CustomerFacts:
    recency_days: int | None  # days since the last counted order; None: never bought
    orders: int
    spend: Decimal
    tier: str = ""
    tags: frozenset[str] = frozenset()
    province: str = ""
    consent_email: bool = False
    consent_sms: bool = False
    categories: frozenset[str] = frozenset()  # category slugs bought
    skus: frozenset[str] = frozenset()  # SKUs bought


def classify_rfm(facts: CustomerFacts, t: RfmThresholds) -> str:
    """high_value / loyal / promising (active), at_risk (quiet), lost (gone); "" if never bought."""
    if facts.recency_days is None or facts.orders == 0:
        return ""
    if facts.recency_days > t.lost_days:
        return LOST
    if facts.recency_days > t.active_days:
        return AT_RISK
    if facts.spend >= t.high_value_amount:
        return HIGH_VALUE
    if facts.orders >= t.loyal_orders:
        return LOYAL
    return PROMISING


RULE_KEYS = (
    "min_spend",
    "max_spend",
    "min_orders",
    "max_recency_days",
    "min_recency_days",
    "tags",
    "tiers",
    "provinces",
    "consent",
    "categories",
    "skus",
)


@dataclass(frozen=True)
class SegmentRule:
    """All conditions given must hold. Lists match when the customer has any of their values."""

    code: str
    conditions: dict[str, Any] = field(default_factory=dict)


def check_rule(conditions: dict[str, Any]) -> dict[str, str]:
    """{key: error code} for a rule as entered (empty when fine)."""
    errors = {}
    if not isinstance(conditions, dict) or not conditions:
        return {"conditions": "rule_empty"}
    for key, value in conditions.items():
        if key not in RULE_KEYS:
            errors[key] = "rule_unknown_key"
        elif key in ("tags", "tiers", "provinces", "categories", "skus"):
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                errors[key] = "rule_not_a_list"
        elif key == "consent":
            if value not in ("email", "sms"):
                errors[key] = "rule_consent"
        else:
            try:
                number = Decimal(str(value))
            except Exception:  # noqa: BLE001 — any unparsable value is the same error
                errors[key] = "rule_not_a_number"
                continue
            if not number.is_finite() or number < 0:
                errors[key] = "rule_not_a_number"
    return errors


def matches(facts: CustomerFacts, conditions: dict[str, Any]) -> bool:
    c = conditions
    if "min_spend" in c and facts.spend < Decimal(str(c["min_spend"])):
        return False
    if "max_spend" in c and facts.spend > Decimal(str(c["max_spend"])):
        return False
    if "min_orders" in c and facts.orders < int(c["min_orders"]):
        return False
    if "max_recency_days" in c and (facts.recency_days is None or facts.recency_days > int(c["max_recency_days"])):
        return False
    if "min_recency_days" in c and facts.recency_days is not None and facts.recency_days < int(c["min_recency_days"]):
        return False
    for key, have in (("tags", facts.tags), ("categories", facts.categories), ("skus", facts.skus)):
        if key in c and have.isdisjoint(c[key]):
            return False
    if "tiers" in c and facts.tier not in c["tiers"]:
        return False
    if "provinces" in c and facts.province not in c["provinces"]:
        return False
    if c.get("consent") == "email" and not facts.consent_email:
        return False
    if c.get("consent") == "sms" and not facts.consent_sms:
        return False
    return True


def segments_of(facts: CustomerFacts, thresholds: RfmThresholds, rules: list[SegmentRule]) -> list[str]:
    """The segment codes a customer is in: their RFM segment, then every rule segment they match."""
    out = [s for s in (classify_rfm(facts, thresholds),) if s]
    out += [r.code for r in rules if matches(facts, r.conditions)]
    return sorted(set(out), key=out.index)
