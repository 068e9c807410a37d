"""Console pages of analytics: who may open them, what they show, exports."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from dianpu.analytics.domain.tracking import Kind
from dianpu.catalog.tests.builders import make_product
from dianpu.orders.services import transition_order
from dianpu.orders.tests.builders import place_test_order

from .builders import fold, make_refund, track, visit

pytestmark = pytest.mark.django_db
PERIOD = {"date_from": "2026-03-01", "date_to": "2026-03-07"}


@pytest.fixture
def shop(at, staff):
    tee = make_product(name="纯棉T恤", price="120.00", stock=20, skus=["TEE-C"])
    at(2026, 3, 2, 10, 0)
    for n in range(3):
        track(visit(f"visitor-{n:04d}", channel="search", source="baidu.com"), Kind.PRODUCT_VIEW, product=tee)
    fold()
    order = place_test_order({"TEE-C": 1}, email="first@example.com")
    transition_order(order=order, action="mark_paid", actor=staff("finance"))
    make_refund(order, "20.00")
    at(2026, 3, 7, 12, 0)
    return {"tee": tee, "order": order}


def login(client, user):
    client.force_login(user)
    return client


def test_the_dashboard_shows_the_period_against_the_previous_one(client, staff, shop):
    page = login(client, staff("operator")).get("/console/analytics/", PERIOD)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="card-orders"' in html and "analytics-dashboard-data" in html
    assert "/console/orders/?date_from=2026-03-01&amp;date_to=2026-03-07" in html  # the rows behind the number
    assert page.context["cards"][1]["value"] == 1 and page.context["cards"][1]["previous"] == 0
    assert page.context["cards"][3]["value"] == 3  # visitors


def test_agents_cannot_open_analytics(client, staff):
    page = login(client, staff("agent")).get("/console/analytics/")
    assert page.status_code == 403


def test_every_page_opens(client, staff, shop):
    c = login(client, staff("owner"))
    for url, extra in (
        ("funnel/", {}),
        ("sources/", {}),
        ("sales/", {}),
        ("sales/", {"by": "hour"}),
        ("customers/", {}),
        ("rows/", {"kind": "visits"}),
        ("rows/", {"kind": "refunds"}),
        ("rows/", {"kind": "new"}),
        ("reports/", {}),
    ):
        assert c.get(f"/console/analytics/{url}", {**PERIOD, **extra}).status_code == 200, (url, extra)
    assert "baidu.com" in c.get("/console/analytics/sources/", PERIOD).content.decode()
    assert shop["order"].number in c.get("/console/analytics/rows/", {**PERIOD, "kind": "refunds"}).content.decode()


def test_the_bestseller_table_exports_to_csv_and_xlsx(client, staff, shop):
    c = login(client, staff("operator"))
    page = c.get("/console/analytics/bestsellers/", {"date": "2026-03-02"})
    assert "纯棉T恤" in page.content.decode()
    exported = c.get("/console/analytics/bestsellers/", {"date": "2026-03-02", "export": "csv", "table": "bestsellers"})
    assert exported["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["商品", "预警", "访客数"]
    assert rows[1][:3] == ["纯棉T恤", "", "3"]
    workbook = load_workbook(
        io.BytesIO(c.get("/console/analytics/bestsellers/", {"date": "2026-03-02", "export": "xlsx"}).content)
    )
    sheet = workbook.active
    assert [cell.value for cell in sheet[2]][:3] == ["纯棉T恤", None, 3]


def test_margins_show_only_to_finance_and_owners(client, staff, shop):
    assert "毛利" in login(client, staff("finance")).get("/console/analytics/sales/", PERIOD).content.decode()
    client.logout()
    assert "毛利" not in login(client, staff("marketing")).get("/console/analytics/sales/", PERIOD).content.decode()


def test_the_funnel_page_shows_user_paths(client, staff, at):
    at(2026, 3, 2, 10, 0)
    buyer, browser = visit("visitor-buyer"), visit("visitor-looker")
    for path in ("/", "/products/tee/", "/cart/", "/checkout/"):
        track(buyer, Kind.PAGE_VIEW, path=path)
    track(buyer, Kind.PURCHASE)
    for path in ("/c/shoes/", "/products/boot/"):
        track(browser, Kind.PAGE_VIEW, path=path)
    fold()
    page = login(client, staff("marketing")).get("/console/analytics/funnel/", PERIOD)
    tables = {t.key: t for t in page.context["tables"]}
    assert tables["paths_purchase"].rows == [{"pages": "商品详情页 → 购物车 → 结算页", "visits": 1, "share": 1.0}]
    assert tables["paths_leaving"].rows == [{"pages": "分类页 → 商品详情页", "visits": 1, "share": 1.0}]
    assert [s["visits"] for s in page.context["tables"][0].rows] == [2, 1, 1, 1, 1, 0]  # page views only


def test_a_table_shows_links_flags_rates_and_escaped_names_in_both_languages():
    """The rows of a console table as the operator reads them: the name links to its page (escaped,
    so a product called <b>… shows as typed), a flag as a badge, money and counts as numbers, rates as
    percentages, a missing figure as a dash; a table without rows says so."""
    from django.template.loader import render_to_string
    from django.test import RequestFactory
    from django.utils import translation

    from dianpu.core.tables import Column, Table

    table = Table(
        "t",
        "T",
        [
            Column("name", "N"),
            Column("flag_label", "F"),
            Column("sales", "S", numeric=True),
            Column("rate", "R", percent=True),
        ],
        [
            {
                "name": "<b>龙井</b>",
                "url": "/p/?a=1&b=2",
                "flag": "declining",
                "flag_label": "下滑",
                "sales": Decimal("1234.50"),
                "rate": 0.1234,
            },
            {"name": "x & y", "url": "", "flag": None, "flag_label": "", "sales": None, "rate": None},
        ],
        links={"name": "url"},
    )
    request = RequestFactory().get("/console/analytics/bestsellers/")
    for language in ("zh-hans", "en"):
        with translation.override(language):
            html = render_to_string("analytics/console/_table.html", {"table": table}, request=request)
        assert (
            '<tr><td><a href="/p/?a=1&amp;b=2">&lt;b&gt;龙井&lt;/b&gt;</a></td>'
            '<td><span class="badge badge-flag-declining">下滑</span></td>'
            '<td class="num">1234.50</td><td class="num">12.3%</td></tr>'
        ) in html
        assert '<tr><td>x &amp; y</td><td></td><td class="num">—</td><td class="num">—</td></tr>' in html
    empty = Table("e", "E", [Column("a", "A")], [])
    with translation.override("en"):
        assert '<td colspan="1" class="empty">No data for this period.</td>' in render_to_string(
            "analytics/console/_table.html", {"table": empty}, request=request
        )
