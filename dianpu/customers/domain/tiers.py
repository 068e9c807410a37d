"""Membership tiers (会员等级): which tier a customer's spend over the window earns, and the
perks that tier gives. Pure."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class TierRule:
    code: str
    rank: int
    min_spend: Decimal
    discount_percent: Decimal = Decimal("0")
    member_price: bool = False
    free_shipping: bool = False


def evaluate_tier(spend: Decimal, tiers: list[TierRule]) -> str:
    """The highest tier whose threshold the spend reaches; "" when none does."""
    best = None
    for tier in tiers:
        if spend >= tier.min_spend and (best is None or tier.rank > best.rank):
            best = tier
    return best.code if best else ""


def tier_change(old: str, new: str, tiers: list[TierRule]) -> str:
    """ "upgrade", "downgrade" or "" (no change)."""
    if old == new:
        return ""
    rank = {t.code: t.rank for t in tiers}
    return "upgrade" if rank.get(new, -1) > rank.get(old, -1) else "downgrade"
