"""Conditions a promotion may require, each a small class in the registry `CONDITIONS`.

A condition sees the customer and the in-scope part of the cart (amount in fen after the earlier
stages, units) and answers yes or no. Built from stored JSON by `build_condition(kind, params)`.
"""

from dataclasses import dataclass
from decimal import Decimal

from .types import to_fen


@dataclass(frozen=True)
class ConditionContext:
    customer: object  # CustomerFacts
    amount_fen: int  # in-scope merchandise after earlier discounts
    units: int  # in-scope units


@dataclass(frozen=True)
class MinSpend:
    amount: Decimal
    kind = "min_spend"

    def __post_init__(self):
        object.__setattr__(self, "_fen", to_fen(self.amount))

    def holds(self, ctx: ConditionContext) -> bool:
        return ctx.amount_fen >= self._fen


@dataclass(frozen=True)
class MinQuantity:
    quantity: int
    kind = "min_quantity"

    def holds(self, ctx: ConditionContext) -> bool:
        return ctx.units >= self.quantity


@dataclass(frozen=True)
class CustomerSegment:
    segments: frozenset
    kind = "customer_segment"

    def holds(self, ctx: ConditionContext) -> bool:
        return not self.segments.isdisjoint(ctx.customer.segments)


@dataclass(frozen=True)
class MemberTier:
    tiers: frozenset
    kind = "member_tier"

    def holds(self, ctx: ConditionContext) -> bool:
        return ctx.customer.tier in self.tiers


@dataclass(frozen=True)
class FirstOrder:
    kind = "first_order"

    def holds(self, ctx: ConditionContext) -> bool:
        return ctx.customer.is_first_order


CONDITIONS = {
    "min_spend": lambda p: MinSpend(Decimal(str(p["amount"]))),
    "min_quantity": lambda p: MinQuantity(int(p["quantity"])),
    "customer_segment": lambda p: CustomerSegment(frozenset(p["segments"])),
    "member_tier": lambda p: MemberTier(frozenset(p["tiers"])),
    "first_order": lambda p: FirstOrder(),
}


def build_condition(kind: str, params: dict):
    return CONDITIONS[kind](params)
