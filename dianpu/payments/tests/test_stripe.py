"""Stripe end to end against a local fake of Stripe's HTTP API and Stripe-signed webhooks."""

import json
import time
from decimal import Decimal

import pytest

from dianpu.audit.models import AuditEntry
from dianpu.catalog.tests.builders import make_product
from dianpu.orders.models import Order, OrderHistory
from dianpu.orders.tests.builders import ADDRESS
from dianpu.payments.models import GatewayEvent, Payment, PaymentSession, Refund

from .fake_stripe import WEBHOOK_SECRET, signed_headers, stripe_event

pytestmark = pytest.mark.django_db
WEBHOOK = "/api/v1/payments/stripe/webhook"


def checkout_body(**overrides):
    return {
        "email": "buyer@example.com",
        "lines": [{"sku": "TEE-M", "quantity": 2}],
        "shipping_address": dict(ADDRESS),
        "shipping_method": "standard",
        "payment_method": "stripe",
        **overrides,
    }


@pytest.fixture
def tee():
    return make_product(name="纯棉T恤", price="59.00", stock=5, skus=["TEE-M"])


@pytest.fixture
def stripe_order(api, tee, fake_stripe):
    body = api.post("checkout", checkout_body()).json()
    return Order.objects.get(number=body["number"]), body


def post_event(client, payload: bytes, headers=None):
    return client.post(
        WEBHOOK,
        data=payload,
        content_type="application/json",
        **(headers if headers is not None else signed_headers(payload)),
    )


def succeeded(fake, order, amount=None, event_id=None) -> bytes:
    intent = fake.pay(PaymentSession.objects.get(order=order).reference, amount)
    return stripe_event("payment_intent.succeeded", intent, event_id)


def test_stripe_is_offered_only_when_configured(api, settings, fake_stripe):
    assert "stripe" in [m["code"] for m in api.get("payment-methods").json()]
    settings.STRIPE_SECRET_KEY = ""
    assert "stripe" not in [m["code"] for m in api.get("payment-methods").json()]


def test_choosing_stripe_when_not_configured_is_refused_and_writes_nothing(api, tee, settings):
    settings.STRIPE_SECRET_KEY = ""
    response = api.post("checkout", checkout_body())
    assert response.status_code == 422
    assert "payment_method" in response.json()["errors"]
    assert Order.objects.count() == 0


def test_checkout_with_stripe_creates_a_payment_intent_for_the_total_in_fen(stripe_order, fake_stripe):
    order, body = stripe_order
    assert order.grand_total == Decimal("118.00") + order.shipping_total
    [request] = fake_stripe.paid_requests("/v1/payment_intents")
    assert request["auth"] == "Bearer sk_test_dianpu"
    assert request["content_type"] == "application/x-www-form-urlencoded"
    assert request["form"]["amount"] == str(int(order.grand_total * 100))
    assert request["form"]["currency"] == "cny"
    assert request["form"]["metadata"] == {"order_number": order.number}
    intent = fake_stripe.intents[body["payment"]["reference"]]
    assert body["payment"]["gateway"] == "stripe"
    assert body["payment"]["client_secret"] == intent["client_secret"]
    assert body["status"] == "pending_payment"
    assert PaymentSession.objects.get(order=order).reference == intent["id"]


def test_stripe_unreachable_at_checkout_keeps_the_order_awaiting_payment_with_a_retry(api, tee, settings, fake_stripe):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    response = api.post("checkout", checkout_body())
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "pending_payment"
    assert body["payment"] == {
        "gateway": "stripe",
        "reference": "",
        "started": False,
        "error_code": "payment_gateway_unavailable",
        "instructions": "暂时无法连接支付渠道，订单已保留，请稍后点击“重新支付”。",
        "client_secret": "",
        "redirect_url": "",
        "code_url": "",
        "retry_url": f"/api/v1/orders/{body['number']}/payments",
    }
    order = Order.objects.get(number=body["number"])
    assert order.status == "pending_payment"
    assert tee.variants.get().stock_levels.get().reserved == 2  # the goods stay held for the buyer
    [session] = PaymentSession.objects.filter(order=order)
    assert (session.status, session.reference) == ("starting", f"dianpu-order-{order.number}")


def test_succeeded_event_marks_the_order_paid_with_the_intent_as_reference(client, stripe_order, fake_stripe):
    order, body = stripe_order
    response = post_event(client, succeeded(fake_stripe, order))
    assert response.status_code == 200
    assert response.json() == {"received": True, "outcome": "confirmed"}
    order.refresh_from_db()
    assert order.status == "paid"
    payment = Payment.objects.get(order=order)
    assert (payment.gateway, payment.amount, payment.reference) == (
        "stripe",
        order.grand_total,
        body["payment"]["reference"],
    )
    assert OrderHistory.objects.filter(order=order, action="mark_paid").count() == 1


def test_the_same_event_ten_times_pays_once(client, stripe_order, fake_stripe):
    order, _body = stripe_order
    payload = succeeded(fake_stripe, order, event_id="evt_same")
    outcomes = [post_event(client, payload) for _ in range(10)]
    assert [r.status_code for r in outcomes] == [200] * 10
    assert [r.json()["outcome"] for r in outcomes] == ["confirmed"] + ["duplicate"] * 9
    assert Payment.objects.filter(order=order).count() == 1
    assert OrderHistory.objects.filter(order=order, action="mark_paid").count() == 1
    assert GatewayEvent.objects.filter(event_id="evt_same").count() == 1


def test_two_different_success_events_for_one_intent_pay_once(client, stripe_order, fake_stripe):
    order, _body = stripe_order
    post_event(client, succeeded(fake_stripe, order))
    assert post_event(client, succeeded(fake_stripe, order)).json()["outcome"] == "already_paid"
    assert Payment.objects.filter(order=order).count() == 1


@pytest.mark.parametrize(
    "header",
    [
        None,
        "t=1,v1=deadbeef",
        "garbage",
        "",
    ],
)
def test_bad_signature_is_refused_logged_and_changes_nothing(client, stripe_order, fake_stripe, header, caplog):
    order, _body = stripe_order
    payload = succeeded(fake_stripe, order)
    headers = signed_headers(payload, secret="whsec_wrong") if header is None else {"HTTP_STRIPE_SIGNATURE": header}
    response = post_event(client, payload, headers)
    assert response.status_code == 400
    assert response.json()["code"].startswith("signature_")
    assert "stripe webhook refused" in caplog.text
    order.refresh_from_db()
    assert (order.status, order.paid_at) == ("pending_payment", None)
    assert Payment.objects.count() == 0 and GatewayEvent.objects.count() == 0


@pytest.mark.parametrize("position", [0, 8, 63])
def test_a_signature_with_one_character_changed_is_refused_and_changes_nothing(
    client, stripe_order, fake_stripe, position
):
    order, _body = stripe_order
    payload = succeeded(fake_stripe, order)
    header = signed_headers(payload)["HTTP_STRIPE_SIGNATURE"]
    prefix, _sep, signature = header.partition("v1=")
    changed = "0" if signature[position] != "0" else "1"
    forged = prefix + "v1=" + signature[:position] + changed + signature[position + 1 :]
    assert len(forged) == len(header)
    response = post_event(client, payload, {"HTTP_STRIPE_SIGNATURE": forged})
    assert (response.status_code, response.json()["code"]) == (400, "signature_mismatch")
    order.refresh_from_db()
    assert (order.status, order.paid_at) == ("pending_payment", None)
    assert Payment.objects.count() == 0 and GatewayEvent.objects.count() == 0


def test_stale_signature_is_refused(client, stripe_order, fake_stripe):
    order, _body = stripe_order
    payload = succeeded(fake_stripe, order)
    response = post_event(client, payload, signed_headers(payload, timestamp=int(time.time()) - 301))
    assert response.status_code == 400
    assert response.json()["code"] == "signature_stale"
    order.refresh_from_db()
    assert order.status == "pending_payment"
    # The same event, correctly signed now, still goes through: the refused one left no trace.
    assert post_event(client, payload).json()["outcome"] == "confirmed"


def test_tampered_body_is_refused(client, stripe_order, fake_stripe):
    order, _body = stripe_order
    payload = succeeded(fake_stripe, order)
    headers = signed_headers(payload)
    tampered = payload.replace(b'"amount"', b'"amount_x"')
    assert post_event(client, tampered, headers).status_code == 400
    assert Payment.objects.count() == 0


def test_amount_mismatch_holds_the_order_instead_of_paying_it(client, stripe_order, fake_stripe):
    order, _body = stripe_order
    response = post_event(client, succeeded(fake_stripe, order, amount=100))
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == "pending_payment" and order.paid_at is None
    assert [r["code"] for r in order.hold_reasons] == ["payment_amount_mismatch"]
    assert Payment.objects.count() == 0


def test_failed_event_after_success_does_not_unpay(client, stripe_order, fake_stripe):
    order, _body = stripe_order
    payload = succeeded(fake_stripe, order)
    intent = json.loads(payload)["data"]["object"]
    assert post_event(client, payload).status_code == 200
    failed = post_event(client, stripe_event("payment_intent.payment_failed", {**intent, "status": "failed"}))
    assert failed.status_code == 200 and failed.json()["outcome"] == "ignored"
    order.refresh_from_db()
    assert order.status == "paid"
    assert PaymentSession.objects.get(order=order).status == "succeeded"


def test_failed_then_succeeded_pays(client, stripe_order, fake_stripe):
    order, _body = stripe_order
    reference = PaymentSession.objects.get(order=order).reference
    intent = dict(fake_stripe.intents[reference])
    assert post_event(client, stripe_event("payment_intent.payment_failed", intent)).json()["outcome"] == "failed"
    assert post_event(client, succeeded(fake_stripe, order)).json()["outcome"] == "confirmed"
    order.refresh_from_db()
    assert order.status == "paid"


def test_refund_event_before_the_payment_is_kept_and_applied_when_the_payment_arrives(
    client, stripe_order, fake_stripe
):
    order, _body = stripe_order
    reference = PaymentSession.objects.get(order=order).reference
    refund = {
        "id": "re_dash",
        "object": "refund",
        "amount": 1000,
        "currency": "cny",
        "payment_intent": reference,
        "status": "succeeded",
        "metadata": {},
    }
    early = stripe_event("refund.created", refund, "evt_refund_early")
    response = post_event(client, early)
    assert response.status_code == 200 and response.json()["outcome"] == "deferred"
    assert Refund.objects.count() == 0
    order.refresh_from_db()
    assert order.status == "pending_payment"
    post_event(client, succeeded(fake_stripe, order))
    [recorded] = Refund.objects.all()
    assert (recorded.amount, recorded.reference, recorded.status) == (Decimal("10.00"), "re_dash", "succeeded")
    assert post_event(client, early).json()["outcome"] == "duplicate"
    charge = {"id": "ch_1", "object": "charge", "payment_intent": reference, "refunds": {"data": [refund]}}
    assert post_event(client, stripe_event("charge.refunded", charge)).json()["outcome"] == "refund_succeeded"
    assert Refund.objects.count() == 1
    assert Payment.objects.get(order=order).refunded_total == Decimal("10.00")
    assert GatewayEvent.objects.get(event_id="evt_refund_early").outcome == "replayed:refund_recorded"


def test_refund_event_after_the_payment_records_a_dashboard_refund(client, stripe_order, fake_stripe):
    order, _body = stripe_order
    post_event(client, succeeded(fake_stripe, order))
    reference = PaymentSession.objects.get(order=order).reference
    refund = {
        "id": "re_late",
        "object": "refund",
        "amount": 500,
        "currency": "cny",
        "payment_intent": reference,
        "status": "succeeded",
        "metadata": {},
    }
    assert post_event(client, stripe_event("refund.updated", refund)).json()["outcome"] == "refund_recorded"
    order.refresh_from_db()
    assert order.status == "paid"
    assert Payment.objects.get(order=order).refunded_total == Decimal("5.00")


def paid_stripe_order(client, api, fake_stripe):
    body = api.post("checkout", checkout_body()).json()
    order = Order.objects.get(number=body["number"])
    post_event(client, succeeded(fake_stripe, order))
    order.refresh_from_db()
    return order


def test_partial_then_full_refund_through_stripe(client, api, tee, fake_stripe, staff_api):
    order = paid_stripe_order(client, api, fake_stripe)
    finance = staff_api("finance")
    first = finance.post(f"orders/{order.number}/refunds", {"amount": "30.00", "reason": "少发一件"})
    assert first.status_code == 201, first.content
    body = first.json()
    assert (body["amount"], body["status"], body["gateway"]) == ("30.00", "succeeded", "stripe")
    assert body["reference"].startswith("re_")
    [call] = fake_stripe.paid_requests("/v1/refunds")
    assert call["form"]["payment_intent"] == PaymentSession.objects.get(order=order).reference
    assert call["form"]["amount"] == "3000"
    rest = order.grand_total - Decimal("30.00")
    second = finance.post(f"orders/{order.number}/refunds", {"amount": str(rest), "reason": "全部退款"})
    assert second.status_code == 201
    payment = Payment.objects.get(order=order)
    assert (payment.refunded_total, payment.status) == (order.grand_total, "refunded")
    summary = finance.get(f"orders/{order.number}/refunds").json()
    assert (summary["refunded"], summary["refundable"]) == (str(order.grand_total), "0.00")
    assert AuditEntry.objects.filter(action="payment.refunded").count() == 2


def test_refund_above_what_was_paid_is_refused_and_moves_no_money(client, api, tee, fake_stripe, staff_api):
    order = paid_stripe_order(client, api, fake_stripe)
    finance = staff_api("finance")
    too_much = str(order.grand_total + Decimal("0.01"))
    response = finance.post(f"orders/{order.number}/refunds", {"amount": too_much, "reason": "x"})
    assert response.status_code == 422
    assert response.json()["code"] == "refund_exceeds_paid"
    assert fake_stripe.paid_requests("/v1/refunds") == []
    assert Refund.objects.count() == 0
    assert Payment.objects.get(order=order).refunded_total == Decimal("0.00")


def test_a_second_refund_of_the_same_money_is_refused(client, api, tee, fake_stripe, staff_api):
    order = paid_stripe_order(client, api, fake_stripe)
    finance = staff_api("finance", language="en")
    assert finance.post(f"orders/{order.number}/refunds", {"amount": str(order.grand_total)}).status_code == 201
    again = finance.post(f"orders/{order.number}/refunds", {"amount": str(order.grand_total)})
    assert again.status_code == 422
    assert again.json()["code"] == "refund_exceeds_paid"
    assert "exceeds" in again.json()["detail"]
    assert len(fake_stripe.paid_requests("/v1/refunds")) == 1
    assert Refund.objects.count() == 1


def test_gateway_refusal_gives_the_money_back_to_refundable(client, api, tee, fake_stripe, staff_api):
    order = paid_stripe_order(client, api, fake_stripe)
    fake_stripe.refuse_refunds_with = "charge_disputed"
    response = staff_api("finance").post(f"orders/{order.number}/refunds", {"amount": "10.00"})
    assert response.status_code == 502
    assert response.json()["code"] == "refund_gateway_refused"
    assert Refund.objects.get().status == "failed"
    assert Payment.objects.get(order=order).refunded_total == Decimal("0.00")


def test_refund_of_a_bank_transfer_is_recorded_as_manual(api, tee, staff_api):
    body = api.post("checkout", checkout_body(payment_method="bank_transfer")).json()
    owner = staff_api("owner")
    owner.post(f"orders/{body['number']}/transitions", {"action": "mark_paid", "reason": "到账"})
    response = owner.post(f"orders/{body['number']}/refunds", {"amount": "20.00", "reason": "差价"})
    assert response.status_code == 201
    assert response.json()["gateway"] == "bank_transfer"
    assert response.json()["status"] == "succeeded"
    assert Refund.objects.get().manual is True


def test_refund_needs_the_refund_permission(client, api, tee, fake_stripe, staff_api):
    order = paid_stripe_order(client, api, fake_stripe)
    response = staff_api("warehouse").post(f"orders/{order.number}/refunds", {"amount": "10.00"})
    assert response.status_code == 403
    assert Refund.objects.count() == 0


def test_refund_of_an_unpaid_order_is_refused(api, tee, staff_api):
    body = api.post("checkout", checkout_body(payment_method="bank_transfer")).json()
    response = staff_api("finance").post(f"orders/{body['number']}/refunds", {"amount": "1.00"})
    assert response.status_code == 422 and response.json()["code"] == "order_not_paid"


def test_confirmation_page_shows_the_payment_element_with_the_client_secret(client, tee, fake_stripe):
    from dianpu.checkout.services import place_order
    from dianpu.orders.tests.builders import checkout_request

    placed = place_order(checkout_request({"TEE-M": 1}, payment_method="stripe"))
    session = client.session
    session["placed_orders"] = [placed.order.number]  # storefront.views.SESSION_ORDERS
    session.save()
    page = client.get(f"/orders/{placed.order.number}/thanks/").content.decode()
    intent = fake_stripe.intents[placed.payment.reference]
    assert f'data-client-secret="{intent["client_secret"]}"' in page
    assert "js.stripe.com" not in page
    assert len(fake_stripe.paid_requests("/v1/payment_intents")) == 1  # the page fetched, did not create


def test_a_secret_key_without_a_webhook_secret_is_reported(settings):
    from dianpu.payments.checks import stripe_configuration

    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_test_x", ""
    assert [w.id for w in stripe_configuration(None)] == ["dianpu.payments.W001"]
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    assert stripe_configuration(None) == []


def test_a_lost_refund_answer_stays_pending_then_is_reconciled(client, api, tee, fake_stripe, staff_api):
    from datetime import timedelta

    from dianpu.core import clock
    from dianpu.payments.services import reconcile_pending_refunds

    order = paid_stripe_order(client, api, fake_stripe)
    fake_stripe.lose_refund_answers = True
    response = staff_api("finance").post(f"orders/{order.number}/refunds", {"amount": "20.00", "reason": "x"})
    assert response.status_code == 201 and response.json()["status"] == "pending"
    payment = Payment.objects.get(order=order)
    assert payment.refunded_total == Decimal("20.00")  # reserved: no second refund can take it
    assert reconcile_pending_refunds() == 0  # too recent to ask about
    Refund.objects.update(created_at=clock.now() - timedelta(minutes=11))
    assert reconcile_pending_refunds() == 1
    refund = Refund.objects.get()
    assert refund.status == "succeeded" and refund.reference.startswith("re_")
    assert len(fake_stripe.refunds) == 1


def test_payment_for_a_cancelled_order_holds_it_for_a_human(client, stripe_order, fake_stripe):
    from dianpu.orders.services import transition_order

    order, _body = stripe_order
    transition_order(order=order, action="cancel", reason="超时")
    assert post_event(client, succeeded(fake_stripe, order)).status_code == 200
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert [r["code"] for r in order.hold_reasons] == ["payment_for_closed_order"]
    assert Payment.objects.count() == 0


def test_the_confirmation_e_mail_of_a_stripe_order_has_no_bank_details(
    tee, fake_stripe, django_capture_on_commit_callbacks
):
    from django.core import mail

    from dianpu.checkout.services import place_order
    from dianpu.orders.tests.builders import checkout_request

    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(checkout_request({"TEE-M": 1}, payment_method="stripe")).order
    body = mail.outbox[-1].body
    assert order.number in body and "请转账" not in body and "Stripe" not in body


def test_a_retried_refund_request_with_the_same_idempotency_key_refunds_once(client, api, tee, fake_stripe, staff_api):
    order = paid_stripe_order(client, api, fake_stripe)
    finance = staff_api("finance")
    finance.headers["HTTP_IDEMPOTENCY_KEY"] = "refund-7f3a"
    first = finance.post(f"orders/{order.number}/refunds", {"amount": "30.00", "reason": "少发"})
    again = finance.post(f"orders/{order.number}/refunds", {"amount": "30.00", "reason": "少发"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["id"] == again.json()["id"]
    assert Refund.objects.count() == 1 and len(fake_stripe.paid_requests("/v1/refunds")) == 1
    assert Payment.objects.get(order=order).refunded_total == Decimal("30.00")


def test_gateways_post_notifications_without_a_csrf_token(fake_stripe):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    payload = b'{"id": "evt_x", "type": "ping", "data": {"object": {}}}'
    response = strict.post(WEBHOOK, data=payload, content_type="application/json", **signed_headers(payload))
    assert response.status_code == 200 and response.json()["outcome"] == "ignored"


def test_an_event_without_a_currency_still_pays_the_right_amount(client, stripe_order, fake_stripe):
    order, _body = stripe_order
    intent = fake_stripe.pay(PaymentSession.objects.get(order=order).reference)
    intent.pop("currency")
    assert post_event(client, stripe_event("payment_intent.succeeded", intent)).json()["outcome"] == "confirmed"
    order.refresh_from_db()
    assert order.status == "paid" and order.hold_reasons == []


def test_a_stripe_order_marked_paid_by_hand_refunds_its_payment_intent(api, tee, fake_stripe, staff_api):
    body = api.post("checkout", checkout_body()).json()
    fake_stripe.pay(body["payment"]["reference"])
    owner = staff_api("owner")
    owner.post(f"orders/{body['number']}/transitions", {"action": "mark_paid", "reason": "Stripe 后台已确认"})
    response = owner.post(f"orders/{body['number']}/refunds", {"amount": "5.00", "reason": "x"})
    assert response.status_code == 201 and response.json()["status"] == "succeeded"
    assert fake_stripe.paid_requests("/v1/refunds")[0]["form"]["payment_intent"] == body["payment"]["reference"]
