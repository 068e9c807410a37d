"""Allocation plans, for any stock and any order: never more than is there, nothing lost."""

from hypothesis import given
from hypothesis import strategies as st

from dianpu.inventory.domain.allocation import LevelSnapshot, plan_allocation

levels_strategy = st.lists(
    st.builds(
        LevelSnapshot,
        level_id=st.integers(1, 50),
        variant_id=st.integers(1, 4),
        warehouse_id=st.integers(1, 3),
        available=st.integers(-3, 20),
        is_default_warehouse=st.booleans(),
    ),
    max_size=12,
    unique_by=lambda lv: lv.level_id,
)
wanted_strategy = st.dictionaries(st.integers(1, 4), st.integers(1, 40), min_size=1, max_size=4)


@given(levels_strategy, wanted_strategy)
def test_plan_never_takes_more_than_a_row_has_and_accounts_for_every_unit(levels, wanted):
    plan = plan_allocation(wanted, levels)
    by_id = {lv.level_id: lv for lv in levels}
    for a in plan.allocations:
        assert 0 < a.quantity <= by_id[a.level_id].available
        assert by_id[a.level_id].variant_id == a.variant_id
    for variant_id, quantity in wanted.items():
        placed = sum(a.quantity for a in plan.allocations if a.variant_id == variant_id)
        assert placed + plan.short.get(variant_id, 0) == quantity
        stock = sum(max(0, lv.available) for lv in levels if lv.variant_id == variant_id)
        assert plan.short.get(variant_id, 0) == max(0, quantity - stock)


@given(levels_strategy, wanted_strategy)
def test_plan_rows_come_in_primary_key_order_so_placements_cannot_deadlock(levels, wanted):
    ids = [a.level_id for a in plan_allocation(wanted, levels).allocations]
    assert ids == sorted(ids)
