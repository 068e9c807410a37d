"""Allocation: which warehouse rows a set of order lines reserves from. Pure.

A plan is a list of (stock level id, variant id, quantity) in stock-level-id order; applying it
(inventory.services) is one conditional UPDATE per row, in that order, so two placements lock
rows in the same order and cannot deadlock.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class LevelSnapshot:
    level_id: int
    variant_id: int
    warehouse_id: int
    available: int
    is_default_warehouse: bool


@dataclass(frozen=True)
class Allocation:
    level_id: int
    variant_id: int
    warehouse_id: int
    quantity: int


@dataclass(frozen=True)
class AllocationPlan:
    allocations: tuple[Allocation, ...]
    short: dict[int, int]  # variant id -> units that could not be placed

    @property
    def is_complete(self) -> bool:
        return not self.short


def plan_allocation(wanted: dict[int, int], levels: list[LevelSnapshot]) -> AllocationPlan:
    """Place each variant's quantity: default warehouse first, then the fullest others."""
    allocations: list[Allocation] = []
    short: dict[int, int] = {}
    for variant_id, quantity in wanted.items():
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        rows = sorted(
            (lv for lv in levels if lv.variant_id == variant_id and lv.available > 0),
            key=lambda lv: (not lv.is_default_warehouse, -lv.available, lv.level_id),
        )
        remaining = quantity
        for lv in rows:
            take = min(lv.available, remaining)
            allocations.append(Allocation(lv.level_id, variant_id, lv.warehouse_id, take))
            remaining -= take
            if remaining == 0:
                break
        if remaining:
            short[variant_id] = remaining
    allocations.sort(key=lambda a: a.level_id)
    return AllocationPlan(tuple(allocations), short)
