"""Money under concurrency: refunds racing for the same payment, the same Stripe event delivered
at once by several connections, an after-sales refund clicked twice. Real threads, real database,
Stripe faked by a local server speaking its HTTP protocol."""

from decimal import Decimal

import pytest
from django.test import Client

from dianpu.catalog.tests.builders import make_product
from dianpu.core.errors import DomainError
from dianpu.orders.models import Order, OrderHistory
from dianpu.orders.tests.builders import place_test_order
from dianpu.payments.models import GatewayEvent, Payment, PaymentSession, Refund
from dianpu.payments.services import refund_order
from dianpu.payments.tests.fake_stripe import fake_stripe, signed_headers, stripe_event  # noqa: F401 (fixture)
from dianpu.returns.services import approve_return, receive_return, refund_return, request_return
from dianpu.returns.tests.builders import delivered_order

from .racing import run_in_threads

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.concurrency]
WEBHOOK = "/api/v1/payments/stripe/webhook"


def stripe_paid_order(fake):
    make_product(price="59.00", stock=5, skus=["TEE-M"])
    order = place_test_order({"TEE-M": 2}, payment_method="stripe")
    reference = PaymentSession.objects.get(order=order).reference
    return order, reference, stripe_event("payment_intent.succeeded", fake.pay(reference), "evt_race")


def test_the_same_event_delivered_at_once_pays_once(fake_stripe):  # noqa: F811
    order, reference, payload = stripe_paid_order(fake_stripe)

    def deliver(_i):
        return (
            Client().post(WEBHOOK, data=payload, content_type="application/json", **signed_headers(payload)).status_code
        )

    statuses = run_in_threads(8, deliver)
    # Every delivery is acknowledged or, if it lost a lock race, answered so that Stripe retries.
    assert all(s in (200, 409) for s in statuses), statuses
    assert statuses.count(200) >= 1
    assert Payment.objects.filter(order=order).count() == 1
    assert Payment.objects.get(order=order).reference == reference
    assert OrderHistory.objects.filter(order=order, action="mark_paid").count() == 1
    assert GatewayEvent.objects.filter(event_id="evt_race").count() == 1
    assert Order.objects.get(pk=order.pk).status == "paid"


def test_concurrent_refunds_never_exceed_what_was_paid(fake_stripe):  # noqa: F811
    order, _reference, payload = stripe_paid_order(fake_stripe)
    Client().post(WEBHOOK, data=payload, content_type="application/json", **signed_headers(payload))
    order.refresh_from_db()
    share = (order.grand_total * Decimal("0.6")).quantize(Decimal("0.01"))  # two of these do not fit

    def refund(_i):
        try:
            refund_order(order=order, amount=share, reason="race")
            return "ok"
        except DomainError as exc:
            return exc.code

    results = run_in_threads(6, refund)
    assert sorted(map(str, results)) == ["ok"] + ["refund_exceeds_paid"] * 5
    assert Payment.objects.get(order=order).refunded_total == share
    assert Refund.objects.filter(status="succeeded").count() == 1
    assert len(fake_stripe.paid_requests("/v1/refunds")) == 1


def test_an_after_sales_refund_clicked_twice_refunds_once():
    make_product(price="50.00", stock=5, skus=["TEE-1"])
    order = delivered_order({"TEE-1": 2})
    request = request_return(order=order, kind="return", reason="damaged", lines={order.lines.get().pk: 2})
    approve_return(request=request)
    receive_return(request=request, inspections={request.lines.get().pk: (2, 0, "")})

    copies = [type(request).objects.get(pk=request.pk) for _ in range(4)]  # four agents' pages

    def click(i):
        try:
            refund_return(request=copies[i])
            return "ok"
        except DomainError as exc:
            return exc.code

    results = run_in_threads(4, click)
    assert sorted(map(str, results)) == ["ok"] + ["return_changed"] * 3
    assert Refund.objects.count() == 1
    assert Payment.objects.get(order=order).refunded_total == Decimal("100.00")


def test_the_same_units_requested_twice_at_once_are_returned_once():
    make_product(price="50.00", stock=5, skus=["TEE-2"])
    order = delivered_order({"TEE-2": 1})
    line_id = order.lines.get().pk

    def ask(_i):
        try:
            return request_return(
                order=Order.objects.get(pk=order.pk), kind="return", reason="damaged", lines={line_id: 1}
            ).status
        except DomainError as exc:
            return exc.code
        except Exception as exc:  # SQLite may refuse the loser's write outright ("database is locked")
            return type(exc).__name__

    results = run_in_threads(4, ask)
    assert results.count("requested") == 1, results
    from dianpu.returns.models import ReturnRequest

    assert ReturnRequest.objects.filter(order=order).count() == 1


def test_racing_refunds_of_exactly_what_is_left_refund_it_once():
    from dianpu.payments.services import record_payment

    make_product(price="10.00", stock=5, skus=["FEN-R"])
    order = place_test_order({"FEN-R": 1})
    record_payment(order_id=order.pk, gateway="bank_transfer", amount=Decimal("75.00"))
    refund_order(order=order, amount="0.02", reason="差价")

    def refund(_i):
        try:
            return refund_order(order=order, amount="74.98", reason="race").status
        except DomainError as exc:
            return exc.code
        except Exception as exc:  # SQLite may refuse the loser's write outright ("database is locked")
            return type(exc).__name__

    results = run_in_threads(6, refund)
    assert results.count("succeeded") == 1, results
    payment = Payment.objects.get(order=order)
    assert (payment.refunded_total, payment.refunded_fen, payment.status) == (Decimal("75.00"), 7500, "refunded")
    assert sorted(Refund.objects.filter(order=order).values_list("amount", flat=True)) == [
        Decimal("0.02"),
        Decimal("74.98"),
    ]
