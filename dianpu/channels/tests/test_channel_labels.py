"""Order.channel keeps what it stored (web, a connected channel's id, a file import's code); every
page, export and API that shows the channel shows its name through one function."""

import pytest
from django.test import Client

from dianpu.accounts.tests.builders import make_staff, token_for
from dianpu.catalog.tests.builders import make_product
from dianpu.channels.models import Channel
from dianpu.channels.queries import channel_label, channel_labels
from dianpu.core import clock
from dianpu.orders.models import Order
from dianpu.orders.tests.builders import place_test_order

pytestmark = pytest.mark.django_db


def connected(name="Shopify 海外店") -> Channel:
    return Channel.objects.create(kind="shopify", name=name, created_at=clock.now())


def test_stored_values_map_to_names_in_one_query(django_assert_num_queries):
    shop = connected()
    with django_assert_num_queries(1):
        labels = channel_labels(["web", str(shop.pk), "shopify", "taobao", "my-csv", "99999", ""])
    assert labels == {
        "web": "网店",
        str(shop.pk): "Shopify 海外店",
        "shopify": "Shopify",
        "taobao": "淘宝/天猫",
        "my-csv": "my-csv",
        "99999": "已删除的渠道 99999",
        "": "—",
    }
    with django_assert_num_queries(0):
        assert channel_label("jd") == "京东"


def test_names_follow_the_language(settings):
    from django.utils import translation

    with translation.override("en"):
        assert channel_label("web") == "Online shop"
        assert channel_label("pdd") == "Pinduoduo"


def _channel_order(channel: str) -> Order:
    make_product(skus=["LBL-1"], stock=5)
    order = place_test_order({"LBL-1": 1})
    Order.objects.filter(pk=order.pk).update(channel=channel, channel_order_number="#1001")
    order.refresh_from_db()
    return order


def test_the_order_list_its_export_and_the_order_page_show_the_channel_name():
    shop = connected("抖店一号")
    order = _channel_order(str(shop.pk))
    client = Client()
    client.force_login(make_staff("owner", "boss"))
    listed = client.get("/console/orders/").content.decode()
    assert "抖店一号" in listed
    exported = b"".join(client.get("/console/orders/?export=csv").streaming_content).decode("utf-8-sig")
    assert "抖店一号" in exported and f",{shop.pk}," not in exported
    page = client.get(f"/console/orders/{order.number}/").content.decode()
    assert "抖店一号" in page and "#1001" in page


def test_the_order_api_keeps_the_id_and_adds_the_name():
    shop = connected("抖店一号")
    order = _channel_order(str(shop.pk))
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(make_staff('owner'))}"}
    data = Client().get(f"/api/v1/orders/{order.number}", **headers).json()
    assert (data["channel"], data["channel_name"]) == (str(shop.pk), "抖店一号")
    listed = Client().get(f"/api/v1/orders?channel={shop.pk}", **headers).json()["items"]
    assert [o["number"] for o in listed] == [order.number]


def test_a_file_import_code_still_filters_and_shows_as_itself():
    order = _channel_order("taobao")
    client = Client()
    client.force_login(make_staff("owner", "boss"))
    listed = client.get("/console/orders/?channel=taobao").content.decode()
    assert order.number in listed and "淘宝/天猫" in listed
