"""A Shopify order (its signed webhook) and a storefront checkout race for the last unit: real
threads released together at a barrier, on SQLite and PostgreSQL. Exactly one gets the unit;
the channel order that lost is recorded as held (out of stock), nothing oversold."""

import json

import pytest

from dianpu.catalog.tests.builders import make_product
from dianpu.channels import sync
from dianpu.channels.connectors.shopify_api import sign_webhook
from dianpu.channels.models import ChannelOrderIntake
from dianpu.inventory.models import Reservation, StockLevel
from dianpu.inventory.services import InsufficientStockError
from dianpu.orders.models import Order
from dianpu.orders.tests.builders import place_test_order

from .racing import run_in_threads

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.concurrency]
SECRET = "race-secret"


def shopify_order(order_id: int, sku: str) -> bytes:
    return json.dumps(
        {
            "id": order_id,
            "name": f"#{order_id}",
            "email": "far@example.com",
            "financial_status": "paid",
            "created_at": "2026-12-07T10:00:00+08:00",
            "line_items": [{"variant_id": 1, "sku": sku, "title": "最后一件", "quantity": 1, "price": "99.00"}],
            "shipping_address": {
                "name": "Far",
                "address1": "路 1 号",
                "city": "杭州",
                "province": "浙江",
                "country_code": "CN",
                "phone": "13900000002",
            },
        }
    ).encode()


@pytest.mark.parametrize("round_", range(3))
def test_a_channel_order_and_a_checkout_cannot_both_take_the_last_unit(round_):
    sku = f"LAST-CH-{round_}"
    variant = make_product(stock=1, skus=[sku]).variants.get()
    channel = sync.create_channel(
        actor=None,
        kind="shopify",
        name="Shopify",
        shop_domain="race.myshopify.com",
        access_token="shpat_x",
        webhook_secret=SECRET,
        location_id="1",
    )
    body = shopify_order(5000 + round_, sku)

    def buy(i):
        if i == 0:
            return sync.receive_shopify_webhook(
                channel_id=channel.pk, body=body, topic="orders/create", signature=sign_webhook(body, SECRET)
            )
        return place_test_order({sku: 1}, email="here@example.com").number

    webhook, checkout = run_in_threads(2, buy)
    channel_won = webhook == "created"
    assert channel_won != isinstance(checkout, str), (webhook, checkout)
    if channel_won:
        assert isinstance(checkout, InsufficientStockError)
    else:
        assert webhook == "held"
        intake = ChannelOrderIntake.objects.get(channel=channel)
        assert (intake.state, intake.problem_code) == ("problem", "out_of_stock")
    assert Order.objects.filter(lines__sku=sku).count() == 1
    level = StockLevel.objects.get(variant=variant)
    assert (level.on_hand, level.reserved) == (1, 1)
    assert sum(Reservation.objects.filter(stock_level=level, state="active").values_list("quantity", flat=True)) == 1
