"""Shopify through its Admin REST API, against a local server that speaks it: connect a channel,
sync (paging by the Link header, SKU mapping, stock pushed as available − buffer), 429 with
Retry-After, 500, 401 shown on the channel; the signed orders/create webhook (bad signature,
replay, unknown SKU), the polling safety net, stock pushed after a sale, tracking back."""

import json

import pytest
from django.test import Client

from dianpu.accounts.tests.builders import make_staff, token_for
from dianpu.audit.models import AuditEntry
from dianpu.catalog.tests.builders import make_product
from dianpu.channels.connectors import shopify_api
from dianpu.channels.models import Channel, ChannelListing, ChannelOrderIntake
from dianpu.inventory.models import StockLevel
from dianpu.orders.models import Order
from dianpu.orders.tests.builders import place_test_order

from .fake_shopify import FakeShopify, running

pytestmark = pytest.mark.django_db
SECRET = "whsec_0123456789abcdef"


def auth(role="operator"):
    return {"HTTP_AUTHORIZATION": f"Bearer {token_for(make_staff(role))}"}


@pytest.fixture
def waits(monkeypatch):
    """The pauses the client would have taken (recorded, not slept)."""
    recorded = []
    monkeypatch.setattr(shopify_api, "_sleep", recorded.append)
    return recorded


@pytest.fixture
def shop(settings, waits):
    settings.CHANNEL_PUSH_DEBOUNCE_SECONDS = 0
    fake = FakeShopify()
    fake.add_product(1, "T恤", [(11, "TEE-S", 111), (12, "TEE-M", 112)])
    fake.add_product(2, "帽子", [(21, "CAP", 211)])
    fake.add_product(3, "别家的", [(31, "NOT-OURS", 311)])
    with running(fake):
        yield fake


@pytest.fixture
def ours(db):
    make_product(skus=["TEE-S", "TEE-M"], price="59.00", stock=10)
    make_product(skus=["CAP"], price="30.00", stock=3)


def connect(shop, headers, **extra):
    body = {
        "kind": "shopify",
        "name": "Shopify 海外店",
        "shop_domain": "dianpu-test.myshopify.com",
        "access_token": shop.token,
        "webhook_secret": SECRET,
        "location_id": 905,
        "stock_buffer": 2,
        "api_base": shop.base,
        **extra,
    }
    response = Client().post("/api/v1/channels", body, content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_connect_defaults_the_api_base_and_never_shows_the_token_back(ours):
    headers = auth("owner")
    response = Client().post(
        "/api/v1/channels",
        {
            "kind": "shopify",
            "name": "Shop",
            "shop_domain": "dianpu-test.myshopify.com",
            "access_token": "shpat_secret_9876",
            "webhook_secret": SECRET,
            "location_id": "905",
            "stock_buffer": 1,
        },
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201
    channel = Channel.objects.get(pk=response.json()["id"])
    assert channel.api_base == "https://dianpu-test.myshopify.com/admin/api/2024-10"
    listed = Client().get("/api/v1/channels", **headers).json()["items"]
    assert [c["name"] for c in listed] == ["Shop"]
    assert "shpat_secret_9876" not in json.dumps(listed) and listed[0]["access_token"].endswith("9876")
    assert SECRET not in json.dumps(listed)
    assert AuditEntry.objects.filter(action="channel.connected").count() == 1


def test_connect_refuses_missing_fields_and_roles_without_the_permission(ours):
    response = Client().post(
        "/api/v1/channels", {"kind": "shopify", "name": ""}, content_type="application/json", **auth("owner")
    )
    assert response.status_code == 422
    assert {"name", "shop_domain", "access_token", "webhook_secret", "location_id"} <= set(response.json()["errors"])
    response = Client().post(
        "/api/v1/channels", {"kind": "shopify", "name": "x"}, content_type="application/json", **auth("marketing")
    )
    assert response.status_code == 403
    assert not Channel.objects.exists()


def test_sync_pages_through_products_maps_by_sku_and_pushes_available_minus_buffer(shop, ours):
    headers = auth()
    channel_id = connect(shop, headers)
    response = Client().post(f"/api/v1/channels/{channel_id}/sync", **headers)
    assert response.status_code == 200, response.content
    assert response.json() | {} == {"mapped": 3, "pushed": 3, "unmapped": 1, "failed": 0}
    # three products at two a page: two Link-header hops
    assert sum(1 for m, p in shop.requests if p.startswith("/admin/api/2024-10/products.json")) == 2
    assert shop.levels == {111: 8, 112: 8, 211: 1}
    assert all(w["location_id"] == 905 for w in shop.level_writes)
    assert ChannelListing.objects.get(external_sku="NOT-OURS").variant is None
    channel = Client().get(f"/api/v1/channels/{channel_id}", **headers).json()
    assert channel["last_synced_at"] and channel["last_error"] == "" and channel["mapped"] == 3


def test_a_429_is_retried_after_its_retry_after_and_a_500_with_backoff(shop, ours, waits):
    headers = auth()
    channel_id = connect(shop, headers)
    shop.fail_next = [(429, {"Retry-After": "2.0"}), (500, {}), (503, {})]
    response = Client().post(f"/api/v1/channels/{channel_id}/sync", **headers)
    assert response.status_code == 200
    assert response.json()["pushed"] == 3
    assert waits == [2.0, 1.0, 2.0]  # Retry-After, then 0.5 s doubling (third attempt: 1 s, fourth: 2 s)


def test_a_nearly_full_call_bucket_slows_the_client_down(shop, ours, waits):
    headers = auth()
    channel_id = connect(shop, headers)
    shop.calls_in_bucket = 38
    assert Client().post(f"/api/v1/channels/{channel_id}/sync", **headers).json()["pushed"] == 3
    assert waits and set(waits) == {0.5}


def test_a_platform_that_stays_down_is_a_clear_error_on_the_channel_and_nothing_is_pushed(shop, ours, waits):
    headers = auth()
    channel_id = connect(shop, headers)
    shop.fail_next = [(500, {})] * shopify_api.MAX_ATTEMPTS
    response = Client().post(f"/api/v1/channels/{channel_id}/sync", **headers)
    assert response.status_code == 424 and response.json()["code"] == "channel_unavailable"
    assert shop.level_writes == [] and len(waits) == shopify_api.MAX_ATTEMPTS - 1
    assert Channel.objects.get(pk=channel_id).last_error_code == "unavailable"


def test_a_401_is_not_retried_and_is_shown_on_the_channel(shop, ours, waits):
    headers = auth()
    channel_id = connect(shop, headers, access_token="shpat_revoked")
    response = Client().post(f"/api/v1/channels/{channel_id}/sync", **headers)
    assert response.status_code == 424 and response.json()["code"] == "channel_auth_failed"
    assert waits == [] and shop.level_writes == []
    channel = Channel.objects.get(pk=channel_id)
    assert channel.last_error_code == "auth_failed" and "401" in channel.last_error
    page = Client()
    page.force_login(make_staff("owner", "boss"))
    assert "401" in page.get(f"/console/channels/{channel_id}/").content.decode()


# --- the webhook --------------------------------------------------------------------------------


def shopify_order(order_id=820982911946154508, *, sku="TEE-M", quantity=1, variant_id=12, name="#1001"):
    return {
        "id": order_id,
        "name": name,
        "email": "jon@example.com",
        "financial_status": "paid",
        "created_at": "2026-12-07T10:00:00-05:00",
        "total_discounts": "0.00",
        "currency": "CNY",
        "line_items": [
            {"id": 1, "variant_id": variant_id, "sku": sku, "title": "T恤", "quantity": quantity, "price": "59.00"}
        ],
        "shipping_lines": [{"price": "10.00"}],
        "shipping_address": {
            "first_name": "Jon",
            "last_name": "Snow",
            "address1": "淮海中路 1 号",
            "city": "上海",
            "province": "上海",
            "zip": "200000",
            "country_code": "CN",
            "phone": "13900000001",
        },
    }


def deliver(channel_id, payload, *, secret=SECRET, topic="orders/create", signature=None):
    body = json.dumps(payload).encode()
    signature = signature if signature is not None else shopify_api.sign_webhook(body, secret)
    return Client().post(
        f"/api/v1/channels/{channel_id}/webhooks/shopify",
        body,
        content_type="application/json",
        HTTP_X_SHOPIFY_HMAC_SHA256=signature,
        HTTP_X_SHOPIFY_TOPIC=topic,
        HTTP_X_SHOPIFY_WEBHOOK_ID="b54557e4",
    )


def test_orders_create_places_one_order_reserving_stock_and_a_replay_creates_nothing(shop, ours):
    headers = auth()
    channel_id = connect(shop, headers)
    response = deliver(channel_id, shopify_order(quantity=2))
    assert response.status_code == 200 and response.json() == {"outcome": "created"}
    order = Order.objects.get(channel=str(channel_id))
    assert order.channel_order_number == "#1001" and order.is_paid
    assert order.ship_name == "Jon Snow" and order.ship_city == "上海"
    assert "shipping_address" not in ChannelOrderIntake.objects.get().payload  # the order holds it now
    assert StockLevel.objects.get(variant__sku="TEE-M").reserved == 2
    assert deliver(channel_id, shopify_order(quantity=2)).json() == {"outcome": "duplicate"}
    assert Order.objects.filter(channel=str(channel_id)).count() == 1
    assert StockLevel.objects.get(variant__sku="TEE-M").reserved == 2
    listed = Client().get(f"/api/v1/orders?channel={channel_id}", **headers).json()
    assert [o["number"] for o in listed["items"]] == [order.number]
    assert Client().get("/api/v1/orders?channel=web", **headers).json()["items"] == []


def test_a_bad_signature_is_401_and_writes_nothing(shop, ours):
    channel_id = connect(shop, auth())
    assert deliver(channel_id, shopify_order(), secret="wrong-secret").status_code == 401
    assert deliver(channel_id, shopify_order(), signature="").status_code == 401
    response = deliver(999999, shopify_order())
    assert response.status_code == 401 and response.json()["code"] == "signature_invalid"
    assert not Order.objects.exists() and not ChannelOrderIntake.objects.exists()
    assert StockLevel.objects.get(variant__sku="TEE-M").reserved == 0


def test_an_unknown_sku_is_held_with_a_clear_problem_and_placed_on_retry_once_mapped(shop, ours):
    headers = auth()
    channel_id = connect(shop, headers)
    assert deliver(channel_id, shopify_order(sku="NOT-OURS", variant_id=31)).json() == {"outcome": "held"}
    assert not Order.objects.exists()
    held = Client().get(f"/api/v1/channels/{channel_id}/orders?problems=true", **headers).json()["items"]
    assert [(h["external_number"], h["problem_code"]) for h in held] == [("#1001", "sku_unknown")]
    assert "NOT-OURS" in held[0]["problem"]
    # the operator maps the channel's variant to one of ours, then retries
    Client().post(f"/api/v1/channels/{channel_id}/sync", **headers)
    unmapped = Client().get(f"/api/v1/channels/{channel_id}/listings?unmapped=true", **headers).json()["items"]
    assert [u["external_sku"] for u in unmapped] == ["NOT-OURS"]
    refused = Client().post(
        f"/api/v1/channels/{channel_id}/listings/{unmapped[0]['id']}/map",
        {"sku": "NOPE"},
        content_type="application/json",
        **headers,
    )
    assert refused.status_code == 422 and ChannelListing.objects.get(external_sku="NOT-OURS").variant is None
    mapped = Client().post(
        f"/api/v1/channels/{channel_id}/listings/{unmapped[0]['id']}/map",
        {"sku": "CAP"},
        content_type="application/json",
        **headers,
    )
    assert mapped.status_code == 200 and mapped.json()["sku"] == "CAP"
    response = Client().post(f"/api/v1/channels/{channel_id}/orders/{held[0]['id']}/retry", **headers)
    assert response.json() == {"outcome": "created"}
    assert Order.objects.get().lines.get().sku == "CAP"


def test_other_topics_are_acknowledged_and_ignored(shop, ours):
    channel_id = connect(shop, auth())
    assert deliver(channel_id, {"id": 5}, topic="products/update").json() == {"outcome": "ignored"}
    assert not ChannelOrderIntake.objects.exists()


def test_polling_takes_the_orders_a_webhook_missed_once(shop, ours):
    from dianpu.channels import sync

    channel_id = connect(shop, auth())
    shop.orders = [
        shopify_order(1001, name="#1001"),
        shopify_order(1002, name="#1002", sku="CAP", variant_id=21),
        shopify_order(1003, name="#1003"),
    ]
    deliver(channel_id, shopify_order(1001, name="#1001"))
    assert sync.poll_all_orders() == 2
    assert Channel.objects.get(pk=channel_id).last_order_id == "1003"
    assert sync.poll_all_orders() == 0
    assert sorted(Order.objects.values_list("channel_order_number", flat=True)) == ["#1001", "#1002", "#1003"]


def test_a_sale_here_pushes_the_new_figure_to_the_channel(shop, ours, django_capture_on_commit_callbacks):
    headers = auth()
    channel_id = connect(shop, headers)
    Client().post(f"/api/v1/channels/{channel_id}/sync", **headers)
    assert shop.levels[211] == 1
    with django_capture_on_commit_callbacks(execute=True):
        place_test_order({"CAP": 1})
    assert shop.levels[211] == 0  # 3 − 1 sold − 2 buffer
    assert not ChannelListing.objects.filter(push_pending=True).exists()


def test_a_failed_push_stays_pending_and_the_sweep_pushes_it(shop, ours, django_capture_on_commit_callbacks):
    from dianpu.channels.tasks import sweep_channel_stock

    headers = auth()
    channel_id = connect(shop, headers)
    Client().post(f"/api/v1/channels/{channel_id}/sync", **headers)
    shop.fail_next = [(500, {})] * shopify_api.MAX_ATTEMPTS
    with django_capture_on_commit_callbacks(execute=True):
        place_test_order({"TEE-M": 3})
    assert shop.levels[112] == 8
    assert ChannelListing.objects.get(external_sku="TEE-M").push_pending
    sweep_channel_stock.call_local()
    assert shop.levels[112] == 5


def test_buffer_and_share_change_every_figure(shop, ours):
    from dianpu.channels import sync

    headers = auth()
    channel_id = connect(shop, headers)
    Client().post(f"/api/v1/channels/{channel_id}/sync", **headers)
    response = Client().patch(
        f"/api/v1/channels/{channel_id}",
        {"stock_buffer": 0, "stock_share_percent": 50},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200
    sync.push_pending_stock()
    assert shop.levels == {111: 5, 112: 5, 211: 1}


def test_tracking_goes_back_to_the_shopify_order_when_shipped(shop, ours, django_capture_on_commit_callbacks):
    from dianpu.orders.services import transition_order

    channel_id = connect(shop, auth())
    deliver(channel_id, shopify_order(777, name="#1077"))
    order = Order.objects.get()
    order = transition_order(order=order, action="review", actor=None)
    order = transition_order(order=order, action="start_picking", actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        transition_order(order=order, action="ship", actor=None, carrier="sf", tracking_number="SF1234567890123")
    assert len(shop.fulfillments) == 1
    sent = shop.fulfillments[0]
    assert sent["tracking_info"]["number"] == "SF1234567890123"
    assert sent["line_items_by_fulfillment_order"] == [{"fulfillment_order_id": 7770}]


def test_a_held_order_forgets_the_buyer_when_they_are_erased(shop, ours):
    from dianpu import events
    from dianpu.core import clock

    channel_id = connect(shop, auth())
    deliver(channel_id, shopify_order(sku="NOT-OURS"))
    events.publish(
        events.CustomerErased(
            customer_id=0, email="JON@example.com", placeholder="erased@invalid", erased_at=clock.now()
        )
    )
    payload = ChannelOrderIntake.objects.get().payload
    assert payload == {"id": 820982911946154508, "name": "#1001", "created_at": "2026-12-07T10:00:00-05:00"}
