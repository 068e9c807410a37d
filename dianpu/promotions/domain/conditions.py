"""Conditions a promotion may require, each a small class in the registry `CONDITIONS`.

A condition sees the customer and the in-scope part of the cart (amount in fen after the earlier
stages, units) and answers yes or no. Built from stored JSON by `build_condition(kind, params)`.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from .types import CustomerFacts, to_fen


class ConditionInput(Protocol):
    """What a condition reads: `ConditionContext`, or the engine's lazily summing context."""

    @property
    def customer(self) -> CustomerFacts: ...

    @property
    def amount_fen(self) -> int: ...

    @property
    def units(self) -> int: ...


@dataclass(frozen=True)
class ConditionContext:
    customer: CustomerFacts
    amount_fen: int  # in-scope merchandise after earlier discounts
    units: int  # in-scope units


@dataclass(frozen=True)
class MinSpend:
    amount: Decimal
    _fen: int = field(init=False, repr=False, compare=False)
    kind = "min_spend"

    def __post_init__(self) -> None:
        object.__setattr__(self, "_fen", to_fen(self.amount))

    def holds(self, ctx: ConditionInput) -> bool:
        return ctx.amount_fen >= self._fen


@dataclass(frozen=True)
class MinQuantity:
    quantity: int
    kind = "min_quantity"

    def holds(self, ctx: ConditionInput) -> bool:
        return ctx.units >= self.quantity


@dataclass(frozen=True)
class CustomerSegment:
    segments: frozenset[str]
    kind = "customer_segment"

    def holds(self, ctx: ConditionInput) -> bool:
        return not self.segments.isdisjoint(ctx.customer.segments)


@dataclass(frozen=True)
class MemberTier:
    tiers: frozenset[str]
    kind = "member_tier"

    def holds(self, ctx: ConditionInput) -> bool:
        return ctx.customer.tier in self.tiers


@dataclass(frozen=True)
class FirstOrder:
    kind = "first_order"

    def holds(self, ctx: ConditionInput) -> bool:
        return ctx.customer.is_first_order


Condition = MinSpend | MinQuantity | CustomerSegment | MemberTier | FirstOrder

# Stored JSON params (a boundary: values as the console or the API wrote them) -> a condition.
ConditionParams = Mapping[str, Any]

CONDITIONS: dict[str, Callable[[ConditionParams], Condition]] = {
    "min_spend": lambda p: MinSpend(Decimal(str(p["amount"]))),
    "min_quantity": lambda p: MinQuantity(int(p["quantity"])),
    "customer_segment": lambda p: CustomerSegment(frozenset(p["segments"])),
    "member_tier": lambda p: MemberTier(frozenset(p["tiers"])),
    "first_order": lambda p: FirstOrder(),
}


def build_condition(kind: str, params: ConditionParams) -> Condition:
    return CONDITIONS[kind](params)
