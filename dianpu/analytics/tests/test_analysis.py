"""RFM segments of hand-made customers, cohorts and the sales breakdowns."""

from datetime import date
from decimal import Decimal

import pytest

from dianpu.analytics import queries
from dianpu.catalog.tests.builders import make_category, make_product
from dianpu.orders.services import transition_order
from dianpu.orders.tests.builders import place_test_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def products():
    shoes = make_category("鞋", "Shoes")
    return {
        "boot": make_product(
            name="皮靴", price="1200.00", stock=100, skus=["BOOT"], category=shoes, cost_price="700.00"
        ),
        "sock": make_product(name="袜子", price="20.00", stock=100, skus=["SOCK"], cost_price="5.00"),
    }


def test_rfm_segments_of_hand_made_customers(at, products, staff):
    # as of 2026-06-30: high-value (recent, ≥2000), loyal (recent, 3 orders), at risk (120 days), lost (200 days)
    at(2026, 6, 1, 10, 0)
    place_test_order({"BOOT": 2}, email="rich@example.com")
    for day in (10, 20, 25):
        at(2026, 6, day, 10, 0)
        place_test_order({"SOCK": 5}, email="loyal@example.com")
    at(2026, 3, 2, 10, 0)  # 120 days before 30 June
    place_test_order({"SOCK": 5}, email="quiet@example.com")
    at(2025, 12, 12, 10, 0)  # 200 days before
    place_test_order({"SOCK": 5}, email="gone@example.com")
    at(2026, 6, 28, 10, 0)
    cancelled = place_test_order({"BOOT": 5}, email="cancelled@example.com")
    transition_order(order=cancelled, action="cancel", actor=staff("agent"))

    result = queries.get_rfm_segments(date(2026, 6, 30))  # from the buyer summaries
    assert result["segments"] == queries.raw_rfm_segments(date(2026, 6, 30))["segments"]
    assert queries.raw_rfm_segments(date(2026, 6, 30))["members"] == {
        "rich@example.com": "high_value",
        "loyal@example.com": "loyal",
        "quiet@example.com": "at_risk",
        "gone@example.com": "lost",
    }
    by_segment = {s["segment"]: s for s in result["segments"]}
    assert (by_segment["high_value"]["customers"], by_segment["high_value"]["revenue"]) == (1, Decimal("2400.00"))
    assert by_segment["loyal"]["customers"] == 1  # one customer with three orders
    assert by_segment["other"]["customers"] == 0


def test_sales_by_category_price_band_and_margin(at, products):
    at(2026, 6, 1, 21, 30)
    place_test_order({"BOOT": 1, "SOCK": 3})
    rows = queries.get_sales_breakdown(date(2026, 6, 1), date(2026, 6, 1), by="category", with_margin=True)
    assert rows == [
        {"key": "鞋", "orders": 1, "units": 1, "sales": Decimal("1200.00"), "margin": Decimal("500.00")},
        {"key": "—", "orders": 1, "units": 3, "sales": Decimal("60.00"), "margin": Decimal("45.00")},
    ]
    bands = queries.get_sales_breakdown(date(2026, 6, 1), date(2026, 6, 1), by="price_band")
    assert [(r["key"], r["sales"]) for r in bands] == [("1000+", Decimal("1200.00")), ("0–50", Decimal("60.00"))]
    assert "margin" not in bands[0]
    hours = queries.get_sales_breakdown(date(2026, 6, 1), date(2026, 6, 1), by="hour")
    assert [r["key"] for r in hours] == [21]  # the shop's hour, not UTC's 13


def test_cohorts_show_repurchase_by_first_order_month(at, products):
    at(2026, 1, 5, 10, 0)
    place_test_order({"SOCK": 1}, email="a@example.com")
    place_test_order({"SOCK": 1}, email="b@example.com")
    at(2026, 3, 5, 10, 0)
    place_test_order({"SOCK": 1}, email="a@example.com")
    place_test_order({"SOCK": 1}, email="c@example.com")
    cohorts = queries.get_cohorts(date(2026, 1, 1), date(2026, 3, 31))
    assert cohorts == [
        {"month": "2026-01", "customers": 2, "repurchase_rate": 0.5, "returned": [0, 1]},
        {"month": "2026-03", "customers": 1, "repurchase_rate": 0.0, "returned": []},
    ]
