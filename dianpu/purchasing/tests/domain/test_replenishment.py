"""Reorder quantity and purchase-order statuses: pure rules."""

from decimal import Decimal

import pytest

from dianpu.purchasing.domain.replenishment import calculate_reorder_quantity
from dianpu.purchasing.domain.states import can, status_after_receipt


@pytest.mark.parametrize(
    "velocity, lead, cover, safety, available, on_order, moq, quantity",
    [
        # 2/day × (7 + 14) + 10 = 52 target; 12 available → 40
        (Decimal("2"), 7, 14, 10, 12, 0, 1, 40),
        (Decimal("2"), 7, 14, 10, 12, 30, 1, 10),  # on order counts
        (Decimal("2"), 7, 14, 10, 60, 0, 1, 0),  # enough already
        (Decimal("0.5"), 5, 10, 0, 3, 0, 1, 5),  # 7.5 − 3 = 4.5 → 5
        (Decimal("0.5"), 5, 10, 0, 3, 0, 24, 24),  # minimum order quantity
        (Decimal("0"), 7, 14, 5, 2, 0, 1, 3),  # no sales: back up to safety stock only
        (Decimal("1"), 7, 14, 0, -4, 0, 1, 25),  # oversold
    ],
)
def test_reorder_quantity(velocity, lead, cover, safety, available, on_order, moq, quantity):
    assert (
        calculate_reorder_quantity(
            velocity=velocity,
            lead_time_days=lead,
            cover_days=cover,
            safety_stock=safety,
            available=available,
            on_order=on_order,
            min_order_quantity=moq,
        )
        == quantity
    )


@pytest.mark.parametrize(
    "lines, status",
    [
        ([(10, 10), (5, 5)], "received"),
        ([(10, 12)], "received"),
        ([(10, 3), (5, 0)], "partially_received"),
        ([(10, 0)], "sent"),
    ],
)
def test_status_after_receipt(lines, status):
    assert status_after_receipt(lines) == status


@pytest.mark.parametrize(
    "action, status, allowed",
    [
        ("send", "draft", True),
        ("send", "sent", False),
        ("receive", "sent", True),
        ("receive", "partially_received", True),
        ("receive", "draft", False),
        ("receive", "received", False),
        ("cancel", "sent", True),
        ("cancel", "partially_received", False),
    ],
)
def test_what_each_status_allows(action, status, allowed):
    assert can(action, status) is allowed
