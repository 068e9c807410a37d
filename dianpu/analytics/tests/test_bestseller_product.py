"""The bestseller table's day and ranges, its conversion (never above 100 %), and one product's
page day by day against its flags."""

from decimal import Decimal

import pytest

from dianpu.analytics.domain.tracking import Kind
from dianpu.catalog.tests.builders import make_product
from dianpu.orders.services import transition_order
from dianpu.orders.tests.builders import place_test_order

from .builders import fold, track, visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def tee(at, staff):
    """2 March: two tracked visitors view the tee, one of them buys it; two more buyers order it
    without being tracked (blocked tracking) — 3 paying buyers, 2 visitors."""
    tee = make_product(name="纯棉T恤", price="120.00", stock=20, skus=["TEE-C"])
    at(2026, 3, 2, 10, 0)
    looker, buyer = visit("visitor-looker"), visit("visitor-buyer")
    track(looker, Kind.PRODUCT_VIEW, product=tee)
    track(looker, Kind.LEAVE, product=tee, dwell_ms=20_000)
    track(buyer, Kind.PRODUCT_VIEW, product=tee)
    track(buyer, Kind.LEAVE, product=tee, dwell_ms=40_000)
    for n, email in enumerate(("tracked@example.com", "a@example.com", "b@example.com")):
        order = place_test_order({"TEE-C": 1}, email=email)
        transition_order(order=order, action="mark_paid", actor=staff("finance"))
        if n == 0:
            track(buyer, Kind.PURCHASE, order_id=order.pk)
    fold()
    at(2026, 3, 3, 9, 0)
    return tee


def login(client, user):
    client.force_login(user)
    return client


def test_the_table_defaults_to_yesterday_and_conversion_counts_buyers_among_visitors(client, staff, tee):
    page = login(client, staff("operator")).get("/console/analytics/bestsellers/")
    assert page.status_code == 200
    assert (str(page.context["date_from"]), str(page.context["day"])) == ("2026-03-02", "2026-03-02")  # yesterday
    row = page.context["tables"][0].rows[0]
    assert (row["name"], row["visitors"], row["buyers"], row["converted_visitors"]) == ("纯棉T恤", 2, 3, 1)
    assert row["conversion_rate"] == 0.5  # 1 of the 2 visitors bought; it was 3 ÷ 2 = 150 % before
    assert row["avg_dwell_seconds"] == 30.0 and row["sales"] == Decimal("360.00")
    assert row["url"] == f"/console/analytics/bestsellers/{tee.slug}/"
    html = page.content.decode()
    assert f'href="/console/analytics/bestsellers/{tee.slug}/"' in html
    assert "echarts" not in html  # the chart library only where a chart is drawn


def test_quick_ranges_end_yesterday(client, staff, tee, at):
    at(2026, 3, 9, 9, 0)
    c = login(client, staff("marketing"))
    assert c.get("/console/analytics/bestsellers/").context["tables"][0].rows[0]["buyers"] == 0  # 8 March
    week = c.get("/console/analytics/bestsellers/", {"range": "7d"})
    assert (str(week.context["date_from"]), str(week.context["day"])) == ("2026-03-02", "2026-03-08")
    row = week.context["tables"][0].rows[0]
    assert (row["visitors"], row["buyers"], row["conversion_rate"], row["sales"]) == (2, 3, 0.5, Decimal("360.00"))
    month = c.get("/console/analytics/bestsellers/", {"range": "30d"})
    assert str(month.context["date_from"]) == "2026-02-07"
    assert c.get("/console/analytics/bestsellers/", {"range": "yesterday"}).context["day"] == week.context["day"]


def test_the_product_page_shows_each_day_with_its_flag(client, staff, tee):
    page = login(client, staff("finance")).get(
        f"/console/analytics/bestsellers/{tee.slug}/", {"date_from": "2026-03-01", "date_to": "2026-03-03"}
    )
    assert page.status_code == 200
    rows = page.context["tables"][0].rows  # newest first
    assert [r["date"] for r in rows] == ["2026-03-03", "2026-03-02", "2026-03-01"]
    day = rows[1]
    assert (
        day["visitors"],
        day["avg_dwell_seconds"],
        day["buyers"],
        day["converted_visitors"],
        day["conversion_rate"],
        day["units"],
        day["sales"],
    ) == (2, 30.0, 3, 1, 0.5, 3, Decimal("360.00"))
    assert (rows[0]["visitors"], rows[0]["sales"], rows[0]["conversion_rate"]) == (0, Decimal("0.00"), 0.0)
    assert [r["flag"] for r in rows] == [None, None, None]
    chart = page.context["chart"]
    assert chart["visitors"] == [0, 2, 0] and chart["sales"] == ["0.00", "360.00", "0.00"]
    assert chart["conversion"] == [0.0, 50.0, 0.0]
    html = page.content.decode()
    assert 'id="analytics-product-track-data" type="application/json"' in html
    assert "vendor/echarts.min.js" in html and "analytics/bestseller-product.js" in html
    assert "<script>" not in html


def test_the_product_page_marks_a_decline_three_days_running(client, staff, at):
    tee = make_product(name="纯棉T恤", price="120.00", stock=20, skus=["TEE-C"])
    for day, visitors in ((1, 4), (2, 3), (3, 2), (4, 1)):
        at(2026, 3, day, 10, 0)
        for n in range(visitors):
            track(visit(f"v-{day}-{n}"), Kind.PRODUCT_VIEW, product=tee)
    fold()
    at(2026, 3, 5, 9, 0)
    page = login(client, staff("owner")).get(f"/console/analytics/bestsellers/{tee.slug}/")
    days = {r["date"]: r for r in page.context["tables"][0].rows}
    assert len(days) == 30 and max(days) == "2026-03-04"  # the last 30 days, ending yesterday
    assert [days[f"2026-03-0{d}"]["flag"] for d in (1, 2, 3, 4)] == [None, None, None, "declining"]
    assert days["2026-03-04"]["flag_label"] == "下滑"
    assert page.context["chart"]["flags"][-1] == "declining"


def test_the_product_page_needs_the_bestseller_permission(client, staff, tee):
    assert login(client, staff("agent")).get(f"/console/analytics/bestsellers/{tee.slug}/").status_code == 403
    client.logout()
    assert login(client, staff("owner")).get("/console/analytics/bestsellers/no-such-product/").status_code == 404
