"""Shopify delivers the same cancellation or refund twice at once (its retries, two webhook
subscriptions): real threads released together at a barrier, on SQLite and PostgreSQL. The order is
cancelled once (its unit released once), the refund recorded once."""

import json
from decimal import Decimal

import pytest

from dianpu.catalog.tests.builders import make_product
from dianpu.channels import sync
from dianpu.channels.connectors.shopify_api import sign_webhook
from dianpu.inventory.models import StockLevel
from dianpu.orders.models import Order, OrderHistory
from dianpu.payments.models import Refund

from .racing import run_in_threads

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.concurrency]
SECRET = "race-secret"


def _placed(sku: str, order_id: int):
    variant = make_product(stock=5, skus=[sku]).variants.get()
    channel = sync.create_channel(
        actor=None,
        kind="shopify",
        name="Shopify",
        shop_domain="race.myshopify.com",
        access_token="shpat_x",
        webhook_secret=SECRET,
        location_id="1",
    )
    body = json.dumps(
        {
            "id": order_id,
            "name": f"#{order_id}",
            "email": "far@example.com",
            "financial_status": "paid",
            "created_at": "2026-12-07T10:00:00+08:00",
            "line_items": [{"variant_id": 1, "sku": sku, "title": "T恤", "quantity": 2, "price": "50.00"}],
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
    assert (
        sync.receive_shopify_webhook(
            channel_id=channel.pk, body=body, topic="orders/create", signature=sign_webhook(body, SECRET)
        )
        == "created"
    )
    return channel, variant, Order.objects.get(channel=str(channel.pk))


def _deliver(channel, topic: str, payload: dict, webhook_id: str) -> str:
    body = json.dumps(payload).encode()
    return sync.receive_shopify_webhook(
        channel_id=channel.pk, body=body, topic=topic, signature=sign_webhook(body, SECRET), webhook_id=webhook_id
    )


@pytest.mark.parametrize("same_id", [True, False])
def test_two_deliveries_of_one_cancellation_cancel_once(same_id):
    channel, variant, order = _placed(f"CANCEL-{same_id}", 7000 + same_id)
    payload = {"id": 7000 + same_id, "cancelled_at": "2026-12-07T11:00:00+08:00", "cancel_reason": "customer"}
    outcomes = run_in_threads(
        2, lambda i: _deliver(channel, "orders/cancelled", payload, "wh-1" if same_id else f"wh-{i}")
    )
    assert sorted(outcomes) == ["cancelled", "duplicate"], outcomes
    assert Order.objects.get(pk=order.pk).status == "cancelled"
    assert OrderHistory.objects.filter(order=order, action="cancel").count() == 1
    level = StockLevel.objects.get(variant=variant)
    assert (level.on_hand, level.reserved) == (5, 0)


@pytest.mark.parametrize("same_id", [True, False])
def test_two_deliveries_of_one_refund_record_it_once(same_id):
    channel, _variant, order = _placed(f"REFUND-{same_id}", 8000 + same_id)
    payload = {
        "id": 990 + same_id,
        "order_id": 8000 + same_id,
        "transactions": [{"kind": "refund", "status": "success", "amount": "30.00"}],
    }
    outcomes = run_in_threads(
        2, lambda i: _deliver(channel, "refunds/create", payload, "rf-1" if same_id else f"rf-{i}")
    )
    assert "refunded" in outcomes and not any(isinstance(o, Exception) for o in outcomes), outcomes
    assert list(Refund.objects.filter(order=order).values_list("amount", flat=True)) == [Decimal("30.00")]
