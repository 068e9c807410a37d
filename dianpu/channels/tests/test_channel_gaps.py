"""What the last stop left of the channels: Shopify's orders/cancelled and refunds/create webhooks
(signed, once per webhook id), stock per channel counted over its own warehouses, and "sync now"
run by the worker with its progress on the channel's page."""

import json
from decimal import Decimal

import pytest
from django.test import Client

from dianpu.audit.models import AuditEntry
from dianpu.catalog.tests.builders import make_product
from dianpu.channels import sync
from dianpu.channels.connectors import shopify_api
from dianpu.channels.models import Channel, ChannelOrderIntake, ChannelSyncJob
from dianpu.finance.models import JournalEntry
from dianpu.inventory.models import StockLevel, Warehouse
from dianpu.inventory.services import adjust_stock
from dianpu.orders.models import Order
from dianpu.payments.models import Refund

from .fake_shopify import FakeShopify, running
from .test_shopify_api import SECRET, auth, connect, shopify_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(settings, monkeypatch):
    settings.CHANNEL_PUSH_DEBOUNCE_SECONDS = 0
    monkeypatch.setattr(shopify_api, "_sleep", lambda seconds: None)
    fake = FakeShopify()
    fake.add_product(1, "T恤", [(11, "TEE-S", 111), (12, "TEE-M", 112)])
    fake.add_product(2, "帽子", [(21, "CAP", 211)])
    with running(fake):
        yield fake


@pytest.fixture
def ours(db):
    make_product(skus=["TEE-S", "TEE-M"], price="59.00", stock=10)
    make_product(skus=["CAP"], price="30.00", stock=3)


def deliver(channel_id, payload, *, topic, webhook_id, secret=SECRET):
    body = json.dumps(payload).encode()
    return Client().post(
        f"/api/v1/channels/{channel_id}/webhooks/shopify",
        body,
        content_type="application/json",
        HTTP_X_SHOPIFY_HMAC_SHA256=shopify_api.sign_webhook(body, secret),
        HTTP_X_SHOPIFY_TOPIC=topic,
        HTTP_X_SHOPIFY_WEBHOOK_ID=webhook_id,
    )


def placed(channel_id, **kwargs):
    response = deliver(channel_id, shopify_order(**kwargs), topic="orders/create", webhook_id="create-1")
    assert response.json() == {"outcome": "created"}
    return Order.objects.get(channel=str(channel_id))


def cancelled_body(order_id=820982911946154508):
    return {**shopify_order(order_id), "cancelled_at": "2026-12-07T11:00:00-05:00", "cancel_reason": "customer"}


def refund_body(refund_id=509562969, order_id=820982911946154508, amount="20.00"):
    return {
        "id": refund_id,
        "order_id": order_id,
        "created_at": "2026-12-07T12:00:00-05:00",
        "note": "尺码不合适",
        "refund_line_items": [],
        "transactions": [
            {
                "id": 1,
                "order_id": order_id,
                "kind": "refund",
                "status": "success",
                "amount": amount,
                "gateway": "shopify_payments",
            },
            {"id": 2, "order_id": order_id, "kind": "refund", "status": "failure", "amount": "99.00"},
        ],
    }


# --- orders/cancelled --------------------------------------------------------------------------


def test_a_cancel_on_shopify_cancels_our_order_and_gives_its_stock_back_once(shop, ours):
    channel_id = connect(shop, auth())
    order = placed(channel_id, quantity=2)
    assert StockLevel.objects.get(variant__sku="TEE-M").reserved == 2
    response = deliver(channel_id, cancelled_body(), topic="orders/cancelled", webhook_id="cancel-1")
    assert response.status_code == 200 and response.json() == {"outcome": "cancelled"}
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert StockLevel.objects.get(variant__sku="TEE-M").reserved == 0
    assert StockLevel.objects.get(variant__sku="TEE-M").on_hand == 10
    # Shopify delivers the same webhook again: nothing more happens
    assert deliver(channel_id, cancelled_body(), topic="orders/cancelled", webhook_id="cancel-1").json() == {
        "outcome": "duplicate"
    }
    assert order.history.filter(action="cancel").count() == 1


def test_a_cancel_with_a_bad_signature_is_401_and_cancels_nothing(shop, ours):
    channel_id = connect(shop, auth())
    order = placed(channel_id)
    response = deliver(channel_id, cancelled_body(), topic="orders/cancelled", webhook_id="c", secret="wrong")
    assert response.status_code == 401 and response.json()["code"] == "signature_invalid"
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert StockLevel.objects.get(variant__sku="TEE-M").reserved == 1


def test_a_held_order_cancelled_on_shopify_is_never_placed_by_a_retry(shop, ours):
    headers = auth()
    channel_id = connect(shop, headers)
    deliver(channel_id, shopify_order(sku="NOT-OURS", variant_id=31), topic="orders/create", webhook_id="x")
    assert deliver(channel_id, cancelled_body(), topic="orders/cancelled", webhook_id="cancel-2").json() == {
        "outcome": "cancelled"
    }
    intake = ChannelOrderIntake.objects.get()
    assert intake.state == ChannelOrderIntake.State.CANCELLED
    response = Client().post(f"/api/v1/channels/{channel_id}/orders/{intake.pk}/retry", **headers)
    assert response.json() == {"outcome": "cancelled"}
    assert not Order.objects.exists()


def test_a_shipped_order_is_not_cancelled_by_the_platform(shop, ours):
    from dianpu.orders.services import transition_order

    channel_id = connect(shop, auth())
    order = placed(channel_id)
    order = transition_order(order=order, action="ship", actor=None, carrier="sf", tracking_number="SF1234567890123")
    assert deliver(channel_id, cancelled_body(), topic="orders/cancelled", webhook_id="late").json() == {
        "outcome": "refused"
    }
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED
    assert AuditEntry.objects.filter(action="channel.cancel_refused").count() == 1


def test_a_cancel_for_an_order_never_received_is_acknowledged_and_writes_no_order(shop, ours):
    channel_id = connect(shop, auth())
    assert deliver(channel_id, cancelled_body(42), topic="orders/cancelled", webhook_id="u").json() == {
        "outcome": "unknown"
    }
    assert not Order.objects.exists() and not ChannelOrderIntake.objects.exists()


# --- refunds/create ----------------------------------------------------------------------------


def test_a_refund_on_shopify_is_recorded_on_our_order_and_booked_once(shop, ours):
    channel_id = connect(shop, auth())
    order = placed(channel_id)  # 59.00 + 10.00 shipping, paid
    response = deliver(channel_id, refund_body(), topic="refunds/create", webhook_id="refund-1")
    assert response.json() == {"outcome": "refunded"}
    refund = Refund.objects.get(order=order)
    assert refund.amount == Decimal("20.00") and refund.manual and refund.status == Refund.Status.SUCCEEDED
    assert "尺码不合适" in refund.reason
    assert JournalEntry.objects.filter(source_kind="refund").count() == 1
    # the same webhook again, and the same refund under a new webhook id: still one refund
    assert deliver(channel_id, refund_body(), topic="refunds/create", webhook_id="refund-1").json() == {
        "outcome": "duplicate"
    }
    assert deliver(channel_id, refund_body(), topic="refunds/create", webhook_id="refund-1-again").json() == {
        "outcome": "duplicate"
    }
    assert Refund.objects.filter(order=order).count() == 1
    assert JournalEntry.objects.filter(source_kind="refund").count() == 1


def test_a_refund_above_what_was_paid_is_refused_and_records_nothing(shop, ours):
    channel_id = connect(shop, auth())
    order = placed(channel_id)
    assert deliver(channel_id, refund_body(amount="500.00"), topic="refunds/create", webhook_id="r").json() == {
        "outcome": "refused"
    }
    assert not Refund.objects.filter(order=order).exists()
    assert AuditEntry.objects.filter(action="channel.refund_refused").count() == 1


def test_refund_amount_counts_successful_refund_transactions_exactly():
    body = refund_body(amount="0.10")
    body["transactions"].append({"kind": "refund", "status": "success", "amount": "0.20"})
    body["transactions"].append({"kind": "sale", "status": "success", "amount": "5.00"})
    body["transactions"].append({"kind": "refund", "status": "success", "amount": "NaN"})
    assert sync.refund_amount(body) == Decimal("0.30")


# --- stock per channel over its warehouses ------------------------------------------------------


def test_a_channel_is_given_only_the_stock_of_its_own_warehouses(shop, ours):
    headers = auth()
    beijing = Warehouse.objects.create(code="bj", name="北京仓")
    from dianpu.catalog.models import Variant

    adjust_stock(variant=Variant.objects.get(sku="CAP"), delta=20, reason="到货", warehouse=beijing)
    channel_id = connect(shop, headers, stock_buffer=1, stock_share_percent=50)
    assert Client().post(f"/api/v1/channels/{channel_id}/sync", **headers).status_code == 200
    assert shop.levels[211] == 11  # every warehouse: (3 + 20 − 1) × 50 %
    response = Client().patch(
        f"/api/v1/channels/{channel_id}", {"warehouses": ["bj"]}, content_type="application/json", **headers
    )
    assert response.status_code == 200 and response.json()["warehouses"] == ["bj"]
    sync.push_pending_stock()
    assert shop.levels[211] == 9  # Beijing alone: (20 − 1) × 50 %
    assert shop.levels[111] == 0  # T-shirts are only in the default warehouse
    back = Client().patch(
        f"/api/v1/channels/{channel_id}", {"warehouses": []}, content_type="application/json", **headers
    )
    assert back.json()["warehouses"] == []
    sync.push_pending_stock()
    assert shop.levels[211] == 11


def test_an_unknown_warehouse_is_refused_and_changes_nothing(shop, ours):
    headers = auth()
    channel_id = connect(shop, headers)
    response = Client().patch(
        f"/api/v1/channels/{channel_id}",
        {"warehouses": ["nowhere"], "stock_buffer": 9},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 422 and response.json()["errors"]["warehouses"]
    channel = Channel.objects.get(pk=channel_id)
    assert channel.stock_buffer == 2 and not channel.warehouses.exists()


# --- sync now in the worker ---------------------------------------------------------------------


def console(role="operator"):
    from dianpu.accounts.tests.builders import make_staff

    client = Client()
    client.force_login(make_staff(role, f"{role}-page"))
    return client


def test_sync_now_queues_a_job_for_the_worker_and_the_page_shows_its_progress(
    shop, ours, settings, django_capture_on_commit_callbacks
):
    headers = auth()
    channel_id = connect(shop, headers)
    page = console()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = page.post(f"/console/channels/{channel_id}/", {"action": "sync"})
    job = ChannelSyncJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"?job={job.pk}")
    assert job.state == ChannelSyncJob.State.QUEUED and shop.level_writes == []  # nothing ran in the request
    shown = page.get(response["Location"]).content.decode()
    assert 'id="sync-progress"' in shown and 'hx-trigger="every 1s"' in shown
    # a second click while it waits does not queue another
    page.post(f"/console/channels/{channel_id}/", {"action": "sync"})
    assert ChannelSyncJob.objects.count() == 1
    for callback in queued:  # the worker (huey immediate in tests) runs it
        callback()
    job.refresh_from_db()
    assert job.state == ChannelSyncJob.State.DONE
    assert (job.mapped, job.pushed, job.unmapped, job.total, job.done, job.percent) == (3, 3, 0, 3, 3, 100)
    partial = page.get(f"/console/channels/{channel_id}/sync-jobs/{job.pk}/").content.decode()
    assert "hx-trigger" not in partial and "3" in partial
    assert shop.levels == {111: 8, 112: 8, 211: 1}
    api = Client().get(f"/api/v1/channels/{channel_id}/sync-jobs/{job.pk}", **headers).json()
    assert api["state"] == "done" and api["pushed"] == 3


def test_a_sync_job_that_meets_a_dead_platform_says_so(shop, ours, django_capture_on_commit_callbacks):
    channel_id = connect(shop, auth())
    shop.fail_next = [(500, {})] * shopify_api.MAX_ATTEMPTS
    with django_capture_on_commit_callbacks(execute=True):
        job = sync.start_sync(channel=Channel.objects.get(pk=channel_id))
    job.refresh_from_db()
    assert job.state == ChannelSyncJob.State.FAILED and job.error
    assert shop.level_writes == []
    assert "sync-progress" in console().get(f"/console/channels/{channel_id}/?job={job.pk}").content.decode()


def test_sync_jobs_are_the_channel_managers_own(shop, ours):
    headers = auth()
    channel_id = connect(shop, headers)
    response = Client().post(f"/api/v1/channels/{channel_id}/sync-jobs", **auth("marketing"))
    assert response.status_code == 403 and not ChannelSyncJob.objects.exists()
    assert Client().get(f"/api/v1/channels/{channel_id}/sync-jobs/999", **headers).status_code == 404
