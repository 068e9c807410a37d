"""Operating budget per month and category against the ledger's actuals (campaign budgets rolled
into ads); margins and contribution per product, category, channel and campaign."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from dianpu.catalog.tests.builders import make_category, make_product
from dianpu.finance.models import Budget
from dianpu.marketing.models import Campaign
from dianpu.marketing.traffic import import_ad_spend
from dianpu.orders.models import Order
from dianpu.orders.services import transition_order
from dianpu.orders.tests.builders import place_test_order

from .builders import paid_order

pytestmark = pytest.mark.django_db


def test_budget_actuals_and_variance(staff_api, at):
    at(2026, 3, 5, 10, 0)
    api = staff_api("finance")
    r = api._call("put", "finance/budgets/2026-03", {"amounts": {"ads": "1000", "staff": "8000.00", "tools": "50"}})
    assert r.status_code == 200, r.content
    api.post("finance/expenses", {"date": "2026-03-10", "category": "staff", "amount": "8200.00"})
    api.post("finance/expenses", {"date": "2026-03-11", "category": "tools", "amount": "20.00"})
    import_ad_spend(content=b"date,channel,spend\n2026-03-04,douyin,300.00\n", filename="s.csv")
    Campaign.objects.create(
        name="春季上新",
        starts_at=datetime(2026, 3, 20, tzinfo=ZoneInfo("Asia/Shanghai")),
        ends_at=datetime(2026, 3, 25, tzinfo=ZoneInfo("Asia/Shanghai")),
        budget=Decimal("500.00"),
        created_at=datetime(2026, 3, 1, tzinfo=ZoneInfo("Asia/Shanghai")),
    )
    body = api.get("finance/budgets/2026-03").json()
    rows = {row["category"]: row for row in body["rows"]}
    assert rows["ads"] == {
        "category": "ads",
        "budget": "1000.00",
        "campaign_budget": "500.00",
        "actual": "300.00",
        "variance": "1200.00",
        "used_percent": "20.0",
    }
    assert (rows["staff"]["actual"], rows["staff"]["variance"]) == ("8200.00", "-200.00")  # over budget
    assert (rows["tools"]["variance"], rows["logistics"]["budget"]) == ("30.00", "0.00")
    assert body["totals"]["actual"] == "8520.00"


def test_bad_budget_is_refused_and_nothing_saved(staff_api):
    api = staff_api("owner")
    r = api._call("put", "finance/budgets/2026-03", {"amounts": {"ads": "-5"}})
    assert (r.status_code, r.json()["code"]) == (422, "amount_invalid")
    r = api._call("put", "finance/budgets/2026-03", {"amounts": {"yachts": "5"}})
    assert (r.status_code, r.json()["code"]) == (422, "category_invalid")
    assert Budget.objects.count() == 0
    assert staff_api("marketing")._call("put", "finance/budgets/2026-03", {"amounts": {"ads": "5"}}).status_code == 403


def test_margin_and_contribution_per_product_category_and_channel(staff_api, at):
    at(2026, 3, 5, 10, 0)
    tea_cat = make_category("茶叶", "Tea")
    tea = make_product(name="龙井", price="100.00", cost_price="40.00", stock=10, skus=["TEA"], category=tea_cat)
    make_product(name="杯子", price="50.00", cost_price="10.00", stock=10, skus=["CUP"], category=tea_cat)
    order = paid_order({"TEA": 1, "CUP": 1})
    transition_order(
        order=order, action="ship", carrier="sf", tracking_number="SF1234567890123", shipping_cost=Decimal("12.00")
    )
    api = staff_api("finance")
    products = api.get("finance/margins", by="product", date_from="2026-03-01", date_to="2026-03-31").json()
    tea_row = next(r for r in products if r["key"] == str(tea.pk))
    assert (
        tea_row["name"],
        tea_row["net_sales"],
        tea_row["cost_of_goods"],
        tea_row["gross_profit"],
        tea_row["gross_margin_percent"],
    ) == ("龙井", "100.00", "40.00", "60.00", "60.0")
    categories = api.get("finance/margins", by="category", date_from="2026-03-01", date_to="2026-03-31").json()
    tea_total = next(r for r in categories if r["key"] == str(tea_cat.pk))
    assert (tea_total["net_sales"], tea_total["gross_profit"]) == ("150.00", "100.00")
    channels = api.get("finance/margins", by="channel", date_from="2026-03-01", date_to="2026-03-31").json()
    assert [(r["key"], r["net_sales"], r["shipping_cost"], r["contribution"]) for r in channels] == [
        ("web", "150.00", "12.00", "88.00")
    ]
    bad = api.get("finance/margins", by="weather", date_from="2026-03-01", date_to="2026-03-31")
    assert (bad.status_code, bad.json()["code"]) == (422, "dimension_invalid")


def test_pnl_series_by_month(staff_api, at):
    at(2026, 3, 5, 10, 0)
    make_product(price="100.00", stock=10, skus=["TEA"])
    paid_order({"TEA": 1})
    r = staff_api("owner").get("finance/pnl/series", date_from="2026-01-01", date_to="2026-12-31", grain="quarter")
    assert [(p["period"], p["figures"]["net_sales"]) for p in r.json()] == [("2026-Q1", "100.00")]


def test_marketing_sees_campaign_results_and_nothing_else_of_the_books(staff_api, at):
    at(2026, 3, 5, 10, 0)
    make_product(price="100.00", cost_price="40.00", stock=10, skus=["TEA"])
    order = place_test_order({"TEA": 2})
    Order.objects.filter(pk=order.pk).update(utm_campaign="spring")  # attribution, as the storefront records it
    transition_order(order=Order.objects.get(pk=order.pk), action="mark_paid")
    import_ad_spend(content=b"date,channel,spend,campaign\n2026-03-05,douyin,50.00,spring\n", filename="s.csv")
    api = staff_api("marketing")
    r = api.get("finance/campaign-results", date_from="2026-03-01", date_to="2026-03-31")
    assert r.status_code == 200, r.content
    assert r.json() == [
        {
            "campaign": "spring",
            "net_sales": "200.00",
            "gross_profit": "200.00",
            "ad_spend": "50.00",
            "contribution": "150.00",
            "roas": "4.00",
        }
    ]
    assert api.get("finance/pnl", date_from="2026-03-01", date_to="2026-03-31").status_code == 403
    assert (
        staff_api("operator").get("finance/campaign-results", date_from="2026-03-01", date_to="2026-03-31").status_code
        == 403
    )
