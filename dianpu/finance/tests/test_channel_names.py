"""The finance pages, the API and the exports name a sales channel as people know it: a connected
channel (whose orders carry its id) by its name, the web shop and marketplaces by their label."""

import io

import pytest
from openpyxl import load_workbook

from dianpu.catalog.tests.builders import make_product
from dianpu.channels.models import Channel
from dianpu.core import clock
from dianpu.finance.sales_channels import channel_names, order_channel
from dianpu.orders.models import Order
from dianpu.orders.services import transition_order
from dianpu.orders.tests.builders import place_test_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_channels(at):
    at(2026, 3, 5, 10, 0)
    shop = Channel.objects.create(kind="shopify", name="海外旗舰店", created_at=clock.now())
    make_product(price="100.00", cost_price="40.00", stock=10, skus=["TEA"])
    web = transition_order(order=place_test_order({"TEA": 1}), action="mark_paid")
    order = place_test_order({"TEA": 2})
    Order.objects.filter(pk=order.pk).update(channel=shop.order_channel)  # as the channel's intake stores it
    transition_order(order=Order.objects.get(pk=order.pk), action="mark_paid")
    return shop, web


def test_margins_by_channel_show_the_connected_channels_name_not_its_id(two_channels, staff_api):
    shop, _web = two_channels
    api = staff_api("finance", language="en")
    rows = api.get("finance/margins", by="channel", date_from="2026-03-01", date_to="2026-03-31").json()
    assert [(r["key"], r["name"], r["net_sales"]) for r in rows] == [
        (str(shop.pk), "海外旗舰店", "200.00"),
        ("web", "Online shop", "100.00"),
    ]


def test_journal_lines_name_their_channel_in_the_api(two_channels, staff_api):
    shop, _web = two_channels
    entries = staff_api("finance").get("finance/entries", date_from="2026-03-05", date_to="2026-03-05").json()
    named = {(ln["channel"], ln["channel_name"]) for e in entries for ln in e["lines"] if ln["channel"]}
    assert named == {(str(shop.pk), "海外旗舰店"), ("web", "网店")}


def test_the_ledger_page_names_the_channel(two_channels, client, staff):
    client.force_login(staff("finance"))
    page = client.get("/console/finance/ledger/", {"date_from": "2026-03-05", "date_to": "2026-03-05"})
    assert page.status_code == 200
    assert "海外旗舰店" in page.content.decode()


def test_margins_export_names_the_channel(two_channels, client, staff):
    client.force_login(staff("finance"))
    r = client.get(
        "/console/finance/margins/",
        {"by": "channel", "date_from": "2026-03-01", "date_to": "2026-03-31", "export": "xlsx"},
    )
    sheet = load_workbook(io.BytesIO(r.content)).active
    names = [row[0].value for row in sheet.iter_rows()]
    assert "海外旗舰店" in names and "网店" in names


def test_unknown_codes_show_as_they_are_and_orders_are_read_through_one_function(two_channels):
    shop, web = two_channels
    assert order_channel(web) == "web"
    assert channel_names(["web", "taobao", str(shop.pk), "kiosk", "999999"]) == {
        "web": "网店",
        "taobao": "淘宝/天猫",
        str(shop.pk): "海外旗舰店",
        "kiosk": "kiosk",
        "999999": "已删除的渠道 999999",
    }
