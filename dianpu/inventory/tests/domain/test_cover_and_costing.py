"""Days of cover, velocity, FIFO age, suggested action, moving-average cost, variance: pure rules."""

from datetime import date
from decimal import Decimal

import pytest

from dianpu.inventory.domain.costing import calculate_moving_average_cost
from dianpu.inventory.domain.cover import (
    CoverFacts,
    calculate_clearance_discount_percent,
    calculate_days_of_cover,
    calculate_stock_age,
    calculate_velocity,
    suggest_action,
)
from dianpu.inventory.domain.quantities import parse_quantity
from dianpu.inventory.domain.stocktake import Variance, summarize_variances

D = Decimal


@pytest.mark.parametrize(
    "sold, window, velocity",
    [
        (0, 7, D("0.00")),
        (7, 7, D("1.00")),
        (10, 7, D("1.43")),
        (45, 30, D("1.50")),
        (1, 30, D("0.03")),
        (-3, 7, D("0.00")),
    ],
)
def test_velocity_is_units_per_day_to_the_hundredth(sold, window, velocity):
    assert calculate_velocity(sold, window) == velocity


@pytest.mark.parametrize(
    "available, velocity, cover",
    [
        (30, D("1.50"), D("20.0")),
        (10, D("3.00"), D("3.3")),
        (0, D("2.00"), D("0.0")),
        (-2, D("1"), D("0.0")),
        (50, D("0"), None),
    ],
)
def test_days_of_cover_is_available_over_velocity(available, velocity, cover):
    assert calculate_days_of_cover(available, velocity) == cover


TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    "on_hand, inbound, age",
    [
        (10, [(date(2026, 11, 20), 10)], 3),  # one arrival covers it
        (15, [(date(2026, 11, 20), 10), (date(2026, 9, 24), 50)], 60),  # the older batch is still there
        (5, [(date(2026, 11, 20), 10), (date(2026, 9, 24), 50)], 3),  # sold down into the newest batch
        (80, [(date(2026, 11, 20), 10), (date(2026, 9, 24), 50)], 60),  # more than known arrivals: oldest
        (0, [(date(2026, 11, 20), 10)], None),
        (4, [], None),
    ],
)
def test_stock_age_is_fifo_age_of_the_oldest_unit_on_hand(on_hand, inbound, age):
    assert calculate_stock_age(on_hand, inbound, TODAY) == age


@pytest.mark.parametrize(
    "facts, action",
    [
        (CoverFacts(available=5, safety_stock=10, velocity=D("1"), days_of_cover=D("5"), age_days=3), "restock"),
        (CoverFacts(available=40, safety_stock=5, velocity=D("2"), days_of_cover=D("20"), age_days=10), "ok"),
        (CoverFacts(available=20, safety_stock=5, velocity=D("2"), days_of_cover=D("10"), age_days=10), "restock"),
        (CoverFacts(available=0, safety_stock=0, velocity=D("0"), days_of_cover=None, age_days=None), "watch"),
        (CoverFacts(available=100, safety_stock=0, velocity=D("0"), days_of_cover=None, age_days=90), "clear"),
        (CoverFacts(available=100, safety_stock=0, velocity=D("0"), days_of_cover=None, age_days=20), "promote"),
        (CoverFacts(available=500, safety_stock=0, velocity=D("1"), days_of_cover=D("500"), age_days=120), "clear"),
        (CoverFacts(available=200, safety_stock=0, velocity=D("1"), days_of_cover=D("200"), age_days=30), "promote"),
    ],
)
def test_suggested_action(facts, action):
    assert suggest_action(facts) == action


@pytest.mark.parametrize(
    "cover, age, percent",
    [
        (None, 200, 50),
        (None, 70, 30),
        (None, 10, 20),
        (D("400"), 10, 40),
        (D("200"), 30, 30),
        (D("100"), 70, 20),
        (D("100"), 10, 10),
        (D("30"), 10, 0),
    ],
)
def test_clearance_discount_grows_with_cover_and_age(cover, age, percent):
    assert calculate_clearance_discount_percent(cover, age) == percent


@pytest.mark.parametrize(
    "on_hand, cost, received, unit_cost, expected",
    [
        (10, D("20.00"), 10, D("30.00"), D("25.00")),
        (0, D("20.00"), 5, D("31.50"), D("31.50")),
        (-3, D("20.00"), 5, D("10.00"), D("10.00")),
        (3, D("10.00"), 1, D("11.00"), D("10.25")),
        (2, D("9.99"), 1, D("10.00"), D("9.99")),  # 29.98 / 3 = 9.9933 -> 9.99
    ],
)
def test_moving_average_cost(on_hand, cost, received, unit_cost, expected):
    assert calculate_moving_average_cost(on_hand, cost, received, unit_cost) == expected


def test_moving_average_refuses_nothing_received():
    with pytest.raises(ValueError):
        calculate_moving_average_cost(1, D("1"), 0, D("1"))


def test_variance_summary_counts_units_over_and_short_and_their_value():
    summary = summarize_variances(
        [
            Variance("A", 10, 12, D("5.00")),
            Variance("B", 10, 7, D("2.50")),
            Variance("C", 4, 4, D("9.00")),
        ]
    )
    assert (summary.lines_counted, summary.lines_with_variance, summary.units_over, summary.units_short) == (3, 2, 2, 3)
    assert summary.value == D("2.50")  # +10.00 − 7.50


@pytest.mark.parametrize(
    "raw, kwargs, value",
    [
        ("3", {}, 3),
        (" 12 ", {}, 12),
        (5, {}, 5),
        ("0", {}, None),
        ("0", {"allow_zero": True}, 0),
        ("-2", {}, None),
        ("-2", {"allow_negative": True}, -2),
        ("abc", {}, None),
        ("1.5", {}, None),
        ("", {}, None),
        (True, {}, None),
    ],
)
def test_quantities_typed_by_people(raw, kwargs, value):
    assert parse_quantity(raw, **kwargs) == value
