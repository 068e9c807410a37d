"""Campaigns: from a festival template, the live page (sales vs goal, cost vs budget, stock), the report."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from dianpu.accounts.tests.builders import PASSWORD, make_staff
from dianpu.catalog.tests.builders import make_product
from dianpu.core import clock
from dianpu.core.errors import ValidationFailed
from dianpu.marketing.models import Campaign
from dianpu.marketing.queries import get_campaign_live, get_campaign_report
from dianpu.marketing.services import create_campaign
from dianpu.orders.tests.builders import place_test_order
from dianpu.promotions.models import Promotion
from dianpu.promotions.tests.builders import make_promotion

pytestmark = pytest.mark.django_db


def test_double_eleven_template_schedules_its_promotions(staff_api):
    response = staff_api("marketing").post(
        "campaigns/from-template", {"template": "double11", "year": 2026, "budget": "5000", "sales_goal": "100000"}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "双十一 2026" and body["utm_campaign"] == "double11-2026"
    kinds = sorted(Promotion.objects.filter(pk__in=body["promotions"]).values_list("kind", flat=True))
    assert kinds == ["buy_x_get_y", "free_shipping", "spend_x_save_y"]
    assert staff_api("warehouse").post("campaigns/from-template", {"template": "618", "year": 2026}).status_code == 403
    assert Campaign.objects.count() == 1


def test_campaign_ending_before_start_is_refused():
    now = clock.now()
    with pytest.raises(ValidationFailed):
        create_campaign(name="x", starts_at=now, ends_at=now - timedelta(hours=1))
    assert not Campaign.objects.exists()


def test_live_page_shows_sales_against_goal_cost_against_budget_and_low_stock():
    product = make_product(name="保温杯", price="100.00", skus=["CUP-L"], stock=12)
    promotion = make_promotion("percent_off", name="杯子九折", percent=10, scope={"skus": ["CUP-L"]})
    now = clock.now()
    campaign = create_campaign(
        name="秋季上新",
        starts_at=now - timedelta(hours=2),
        ends_at=now + timedelta(hours=22),
        budget="100",
        sales_goal="1000",
        product_slugs=[product.slug],
        promotion_ids=[promotion.pk],
    )
    place_test_order({"CUP-L": 3})
    live = get_campaign_live(campaign)
    assert live["sales"] == Decimal("270.00") and live["orders"] == 1 and live["units"] == 3
    assert live["attainment"] == Decimal("27.0")
    assert live["promotion_cost"] == Decimal("30.00") and live["budget_used"] == Decimal("30.0")
    assert live["running_out"] == [{"sku": "CUP-L", "name": "保温杯", "available": 9}]
    assert "restock" in live["suggestions"]
    assert sum(Decimal(x) for x in live["chart"]["sales"]) == Decimal("270.00")

    user = make_staff("marketing", "mk")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.login(username=user.username, password=PASSWORD)
    page = client.get(f"/console/marketing/campaigns/{campaign.pk}/").content.decode()
    assert 'id="campaign-sales">¥270.00' in page and "库存告急" in page and "campaign-data" in page
    report = get_campaign_report(campaign)
    assert report["sales"] == Decimal("270.00") and report["within_budget"] is True
    page = client.get(f"/console/marketing/campaigns/{campaign.pk}/report/").content.decode()
    assert 'id="report-cost">¥30.00' in page
    from dianpu.core.testing_exports import csv_rows, xlsx_rows

    url = f"/console/marketing/campaigns/{campaign.pk}/report/"
    daily = csv_rows(client.get(url, {"export": "csv", "table": "by_day"}))
    assert [(r[0], r[1]) for r in daily[1:]] == [(str(day), str(amount)) for day, amount in report["by_day"]]
    assert sum(Decimal(r[1]) for r in daily[1:]) == Decimal("270.00")
    products = xlsx_rows(client.get(url, {"export": "xlsx", "table": "top_products"}))
    assert [(r[0], r[2]) for r in products[1:]] == [(p["sku"], p["units"]) for p in report["top_products"]]
    costs = csv_rows(client.get(url, {"export": "csv", "table": "promotion_costs"}))
    assert sum(Decimal(r[2]) for r in costs[1:]) == Decimal("30.00")
    warehouse = make_staff("warehouse", "wh")
    client.force_login(warehouse)
    assert client.get(url, {"export": "csv"}).status_code == 403


def test_console_calendar_creates_from_a_template():
    user = make_staff("owner", "boss")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.login(username=user.username, password=PASSWORD)
    response = client.post(
        "/console/marketing/campaigns/",
        {"action": "template", "template": "black_friday", "year": "2026", "budget": "800"},
    )
    assert response.status_code == 302
    assert Campaign.objects.get().template == "black_friday"
    assert "黑色星期五 2026" in client.get("/console/marketing/campaigns/").content.decode()


def test_console_manual_campaign_with_promotions():
    promotion = make_promotion("percent_off", name="秋季九折", percent=10)
    user = make_staff("marketing", "mk5")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.login(username=user.username, password=PASSWORD)
    assert "秋季九折" in client.get("/console/marketing/campaigns/").content.decode()
    response = client.post(
        "/console/marketing/campaigns/",
        {
            "action": "manual",
            "name": "秋季上新",
            "starts_at": "2026-09-01T00:00",
            "ends_at": "2026-09-08T00:00",
            "budget": "500",
            "sales_goal": "20000",
            "promotions": [str(promotion.pk)],
        },
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert list(campaign.promotions.all()) == [promotion] and campaign.sales_goal == Decimal("20000.00")
    refused = client.post(
        "/console/marketing/campaigns/",
        {"action": "manual", "name": "倒置", "starts_at": "2026-09-08T00:00", "ends_at": "2026-09-01T00:00"},
    )
    assert refused.status_code == 422 and Campaign.objects.count() == 1
