"""Properties of the stock-desk rules (hypothesis)."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from dianpu.inventory.domain.costing import calculate_moving_average_cost
from dianpu.inventory.domain.cover import calculate_days_of_cover, calculate_stock_age, calculate_velocity

costs = st.decimals(min_value=0, max_value=10000, places=2)


@given(st.integers(0, 10000), costs, st.integers(1, 10000), costs)
def test_moving_average_lies_between_the_two_costs(on_hand, cost, received, unit_cost):
    average = calculate_moving_average_cost(on_hand, cost, received, unit_cost)
    low, high = min(cost, unit_cost) if on_hand else unit_cost, max(cost, unit_cost) if on_hand else unit_cost
    assert low - Decimal("0.01") <= average <= high + Decimal("0.01")


@given(st.integers(0, 5000), st.integers(0, 5000), st.sampled_from([7, 14, 30]))
def test_more_stock_never_means_fewer_days_of_cover(available, extra, window):
    velocity = calculate_velocity(window * 3, window)
    assert calculate_days_of_cover(available + extra, velocity) >= calculate_days_of_cover(available, velocity)


@given(st.integers(1, 500), st.lists(st.tuples(st.integers(0, 400), st.integers(1, 50)), max_size=20))
def test_age_is_never_older_than_the_oldest_arrival(on_hand, arrivals):
    today = date(2026, 11, 23)
    inbound = sorted(((today - timedelta(days=d), q) for d, q in arrivals), reverse=True)
    age = calculate_stock_age(on_hand, inbound, today)
    if not inbound:
        assert age is None
    else:
        assert 0 <= age <= max(d for d, _q in arrivals)
