"""Order review (审单) risk rules. Pure: facts and counts in, hold reasons out.

Each rule is a small function over a `ReviewFacts` snapshot (the order plus counts that a query
fetched beforehand) and the shop's `ReviewThresholds`. A rule returns a `HoldReason` or None; the
service holds the order when any rule fires. Codes are stable; `detail` is a short, language-neutral
fact ("¥8,800.00 ≥ ¥5,000.00", "4 orders / 24 h") that the console shows next to the translated code.

"Shipping and billing far apart": web checkout asks for no billing address and the shop has no
IP-to-region database, so the rule compares the shipping province with `other_province` — the
billing province (imported platform orders carry one) or a province an operator's IP lookup
supplied — only when both are known. An order with no second province is never flagged by it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dianpu.fulfillment.domain.regions import normalize_province

HIGH_VALUE = "high_value"
MANY_ORDERS_ADDRESS = "many_orders_same_address"
MANY_ORDERS_PHONE = "many_orders_same_phone"
MANY_ORDERS_IP = "many_orders_same_ip"
FAR_APART = "billing_far_from_shipping"
BLACKLISTED_EMAIL = "blacklisted_email"
BLACKLISTED_PHONE = "blacklisted_phone"
BLACKLISTED_ADDRESS = "blacklisted_address"

RULE_CODES = (
    HIGH_VALUE,
    MANY_ORDERS_ADDRESS,
    MANY_ORDERS_PHONE,
    MANY_ORDERS_IP,
    FAR_APART,
    BLACKLISTED_EMAIL,
    BLACKLISTED_PHONE,
    BLACKLISTED_ADDRESS,
)


@dataclass(frozen=True)
class ReviewThresholds:
    """Editable in the console. A limit of 0 (or None for money) switches that rule off."""

    high_value_over: Decimal | None = Decimal("5000.00")
    max_orders_per_address_per_day: int = 3
    max_orders_per_phone_per_day: int = 3
    max_orders_per_ip_per_day: int = 5
    check_far_apart: bool = True


@dataclass(frozen=True)
class ReviewFacts:
    grand_total: Decimal
    ship_province: str
    other_province: str = ""  # billing or IP-derived province, when known
    # Orders in the last 24 h (this one included) with the same address / phone / IP.
    orders_same_address_24h: int = 1
    orders_same_phone_24h: int = 1
    orders_same_ip_24h: int = 0
    blacklisted_email: bool = False
    blacklisted_phone: bool = False
    blacklisted_address: bool = False


@dataclass(frozen=True)
class HoldReason:
    code: str
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "detail": self.detail}


def normalize_phone(phone: str) -> str:
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return digits[-11:] if len(digits) > 11 and digits.startswith("86") else digits


def normalize_address(*parts: str) -> str:
    """One comparable key for an address: parts joined, whitespace and punctuation dropped, lower case."""
    text = "".join(p or "" for p in parts).lower()
    return "".join(ch for ch in text if ch.isalnum())


Rule = Callable[[ReviewFacts, ReviewThresholds], HoldReason | None]


def _high_value(f: ReviewFacts, t: ReviewThresholds) -> HoldReason | None:
    if t.high_value_over is not None and t.high_value_over > 0 and f.grand_total >= t.high_value_over:
        return HoldReason(HIGH_VALUE, f"¥{f.grand_total:,.2f} ≥ ¥{t.high_value_over:,.2f}")
    return None


def _many(code: str, count_of: Callable[[ReviewFacts], int], limit_of: Callable[[ReviewThresholds], int]) -> Rule:
    def rule(f: ReviewFacts, t: ReviewThresholds) -> HoldReason | None:
        count, limit = count_of(f), limit_of(t)
        if limit > 0 and count > limit:
            return HoldReason(code, f"{count} / 24h > {limit}")
        return None

    return rule


def _far_apart(f: ReviewFacts, t: ReviewThresholds) -> HoldReason | None:
    if not t.check_far_apart or not f.other_province.strip() or not f.ship_province.strip():
        return None
    if normalize_province(f.other_province) != normalize_province(f.ship_province):
        return HoldReason(FAR_APART, f"{f.other_province} ≠ {f.ship_province}")
    return None


def _blacklisted(code: str, flag_of: Callable[[ReviewFacts], bool]) -> Rule:
    def rule(f: ReviewFacts, t: ReviewThresholds) -> HoldReason | None:
        return HoldReason(code) if flag_of(f) else None

    return rule


RULES = (
    _blacklisted(BLACKLISTED_EMAIL, lambda f: f.blacklisted_email),
    _blacklisted(BLACKLISTED_PHONE, lambda f: f.blacklisted_phone),
    _blacklisted(BLACKLISTED_ADDRESS, lambda f: f.blacklisted_address),
    _high_value,
    _many(MANY_ORDERS_ADDRESS, lambda f: f.orders_same_address_24h, lambda t: t.max_orders_per_address_per_day),
    _many(MANY_ORDERS_PHONE, lambda f: f.orders_same_phone_24h, lambda t: t.max_orders_per_phone_per_day),
    _many(MANY_ORDERS_IP, lambda f: f.orders_same_ip_24h, lambda t: t.max_orders_per_ip_per_day),
    _far_apart,
)


def evaluate_review_rules(facts: ReviewFacts, thresholds: ReviewThresholds) -> list[HoldReason]:
    """Every rule that fires for this order, in a fixed order (blacklists first)."""
    return [reason for rule in RULES if (reason := rule(facts, thresholds)) is not None]
