"""The pure rules under the connectors: the Link header's next cursor, how long to wait before a
retry, the figure a channel is told, credentials shown back masked, the webhook signature; and the
debounced push queue (one queued push for a burst of stock changes)."""

import json

import pytest
from django.test import Client

from dianpu.catalog.tests.builders import make_product
from dianpu.channels import handlers, sync
from dianpu.channels.connectors.shopify_api import (
    bucket_pause,
    next_page_info,
    order_from_payload,
    retry_wait,
    sign_webhook,
    verify_webhook,
)
from dianpu.channels.domain.stock import channel_quantity, mask_secret
from dianpu.channels.models import ChannelListing
from dianpu.orders.tests.builders import place_test_order


def test_the_next_cursor_comes_from_the_link_header_rel_next_only():
    link = (
        '<https://s.myshopify.com/admin/api/2024-10/products.json?limit=250&page_info=prev123>; rel="previous", '
        '<https://s.myshopify.com/admin/api/2024-10/products.json?limit=250&page_info=next456>; rel="next"'
    )
    assert next_page_info(link) == "next456"
    assert next_page_info('<https://x/products.json?page_info=p>; rel="previous"') == ""
    assert next_page_info("") == ""


def test_retry_waits_honour_retry_after_capped_and_back_off_on_5xx():
    assert retry_wait(429, "2.0", 0) == 2.0
    assert retry_wait(429, "3600", 0) == 30.0
    assert retry_wait(429, "soon", 0) == 2.0
    assert [retry_wait(500, "", a) for a in range(4)] == [0.5, 1.0, 2.0, 4.0]


def test_the_client_slows_down_when_shopifys_call_bucket_is_nearly_full():
    assert bucket_pause("39/40") == 0.5 and bucket_pause("32/40") == 0.5
    assert bucket_pause("10/40") == 0.0 and bucket_pause("") == 0.0 and bucket_pause("x/y") == 0.0


@pytest.mark.parametrize(
    "available, buffer, share, told",
    [
        (10, 2, 100, 8),
        (1, 2, 100, 0),
        (0, 0, 100, 0),
        (10, 0, 50, 5),
        (9, 2, 50, 3),
        (10, 0, 0, 0),
        (-3, 0, 100, 0),
    ],
)
def test_a_channel_is_told_available_minus_buffer_times_its_share(available, buffer, share, told):
    assert channel_quantity(available, buffer=buffer, share_percent=share) == told


def test_credentials_are_shown_back_masked():
    assert mask_secret("shpat_0123456789abcd") == "••••abcd"
    assert mask_secret("short") == "••••" and mask_secret("") == ""


def test_the_webhook_signature_is_the_base64_hmac_of_the_raw_body():
    body = b'{"id":1}'
    signature = sign_webhook(body, "secret")
    assert verify_webhook(body, "secret", signature)
    assert not verify_webhook(body + b" ", "secret", signature)
    assert not verify_webhook(body, "other", signature)
    assert not verify_webhook(body, "", signature) and not verify_webhook(body, "secret", "")


def test_a_shopify_order_without_an_address_or_email_still_reads():
    order = order_from_payload({"id": 42, "line_items": [{"sku": "A", "quantity": "2", "price": "9.90"}]})
    assert order.number == "42" and order.email == "shopify-42@orders.invalid"
    assert order.lines[0].quantity == 2 and str(order.lines[0].unit_price) == "9.90"


@pytest.mark.django_db
def test_a_burst_of_stock_changes_queues_one_debounced_push(settings, monkeypatch, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    from dianpu.channels import tasks

    settings.CHANNEL_PUSH_DEBOUNCE_SECONDS = 3
    cache.delete(handlers.PUSH_QUEUED_KEY)
    queued = []
    monkeypatch.setattr(tasks.push_channel_stock, "schedule", lambda **kw: queued.append(kw))
    variant = make_product(skus=["BURST"], stock=10).variants.get()
    channel = sync.create_channel(
        actor=None,
        kind="shopify",
        name="S",
        shop_domain="s.myshopify.com",
        access_token="t",
        webhook_secret="w",
        location_id="1",
    )
    ChannelListing.objects.create(
        channel=channel, variant=variant, external_sku="BURST", external_variant_id="1", inventory_item_id="2"
    )
    with django_capture_on_commit_callbacks(execute=True):
        place_test_order({"BURST": 1})
    ChannelListing.objects.update(push_pending=False)  # as if the queued push had run
    with django_capture_on_commit_callbacks(execute=True):
        place_test_order({"BURST": 1})
    assert queued == [{"delay": 3}]  # the second change is collected by the push already queued
    assert ChannelListing.objects.get().push_pending
    cache.delete(handlers.PUSH_QUEUED_KEY)


@pytest.mark.django_db
def test_a_webhook_body_too_large_is_refused_before_it_is_read():
    channel = sync.create_channel(
        actor=None,
        kind="shopify",
        name="S",
        shop_domain="s.myshopify.com",
        access_token="t",
        webhook_secret="w",
        location_id="1",
    )
    body = json.dumps({"id": 1, "pad": "x" * (sync.MAX_WEBHOOK_BYTES + 10)}).encode()
    response = Client().post(
        f"/api/v1/channels/{channel.pk}/webhooks/shopify",
        body,
        content_type="application/json",
        HTTP_X_SHOPIFY_HMAC_SHA256=sign_webhook(body, "w"),
        HTTP_X_SHOPIFY_TOPIC="orders/create",
    )
    assert response.status_code == 413 and response.json()["code"] == "payload_too_large"


def test_the_worker_sweeps_flagged_stock_every_minute_and_polls_orders_every_ten():
    from datetime import datetime

    from dianpu.channels.tasks import poll_channel_orders, sweep_channel_stock

    minutes = [datetime(2026, 12, 7, 10, m) for m in range(60)]
    assert all(sweep_channel_stock.task_class().validate_datetime(m) for m in minutes)
    assert sum(poll_channel_orders.task_class().validate_datetime(m) for m in minutes) == 6
