"""A slow payment gateway holds up nobody but its own buyer: the order is committed before Stripe
is asked, so while one checkout waits on Stripe the shop's other checkouts (which write the same
stock rows, and on SQLite need its one write lock) go on at full speed. Real threads, the real
database, Stripe faked by a local server that holds its answer until the test lets it go."""

import json
import threading
import time

import pytest
from django.db import connections
from django.test import Client

from dianpu.catalog.tests.builders import make_product
from dianpu.inventory.models import StockLevel
from dianpu.orders.models import Order
from dianpu.orders.tests.builders import ADDRESS
from dianpu.payments.models import PaymentSession
from dianpu.payments.tests.fake_stripe import fake_stripe  # noqa: F401 (fixture)

from .racing import run_in_threads

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.concurrency]
OTHER_BUYERS = 4
ORDERS_EACH = 3


def checkout(email: str, method: str) -> tuple[int, dict]:
    body = {
        "email": email,
        "lines": [{"sku": "TEA-1", "quantity": 1}],
        "shipping_address": ADDRESS,
        "shipping_method": "standard",
        "payment_method": method,
    }
    response = Client().post("/api/v1/checkout", json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def test_other_checkouts_complete_while_one_waits_on_a_slow_gateway(fake_stripe):  # noqa: F811
    make_product(price="38.00", stock=50, skus=["TEA-1"])
    fake_stripe.gate.clear()  # Stripe does not answer until the test says so
    slow: dict = {}

    def pay_by_card():
        try:
            slow["result"] = checkout("card@example.com", "stripe")
        finally:
            connections.close_all()

    card_buyer = threading.Thread(target=pay_by_card)
    card_buyer.start()
    assert fake_stripe.waiting.wait(30)  # the card buyer's checkout is now waiting on Stripe

    def buy(i):
        timings = []
        for n in range(ORDERS_EACH):
            started = time.monotonic()
            status, body = checkout(f"buyer{i}-{n}@example.com", "bank_transfer")
            timings.append(time.monotonic() - started)
            assert status == 201, body
        return timings

    started = time.monotonic()
    results = run_in_threads(OTHER_BUYERS, buy)
    elapsed = time.monotonic() - started
    assert not [r for r in results if isinstance(r, Exception)], results
    # All of them placed while the Stripe call was still open: nobody waited for it.
    assert card_buyer.is_alive() and "result" not in slow
    assert (
        Order.objects.filter(payment_method="bank_transfer", status="pending_payment").count()
        == OTHER_BUYERS * ORDERS_EACH
    )
    # The card buyer's order is committed already, awaiting payment, its stock held.
    card_order = Order.objects.get(email="card@example.com")
    assert card_order.status == "pending_payment"
    assert PaymentSession.objects.get(order=card_order).status == "starting"
    assert StockLevel.objects.get(variant__sku="TEA-1").reserved == OTHER_BUYERS * ORDERS_EACH + 1
    slowest = max(t for r in results for t in r)
    print(
        f"\n{OTHER_BUYERS * ORDERS_EACH} checkouts in {elapsed:.2f} s while Stripe held one; "
        f"slowest {slowest * 1000:.0f} ms"
    )

    fake_stripe.gate.set()
    card_buyer.join(30)
    status, body = slow["result"]
    assert status == 201 and body["payment"]["started"] is True
    [intent] = fake_stripe.intents.values()
    assert body["payment"]["client_secret"] == intent["client_secret"]
    assert PaymentSession.objects.get(order=card_order).reference == intent["id"]


def test_a_gateway_that_never_answers_in_time_leaves_the_order_payable(fake_stripe, settings):  # noqa: F811
    make_product(price="38.00", stock=5, skus=["TEA-1"])
    settings.PAYMENT_GATEWAY_TIMEOUT_SECONDS = 1
    fake_stripe.gate.clear()
    status, body = checkout("card@example.com", "stripe")
    assert status == 201 and body["payment"]["started"] is False
    assert body["status"] == "pending_payment"
    fake_stripe.gate.set()
    assert fake_stripe.finished.wait(10)
    again = Client().post(
        body["payment"]["retry_url"], json.dumps({"email": "card@example.com"}), content_type="application/json"
    )
    assert again.status_code == 201 and again.json()["started"] is True
    assert len(fake_stripe.intents) == 1
