"""Online payments start after the order is committed: a gateway that is slow, down or refuses
leaves the order awaiting payment, with a way to pay again; retries reuse the idempotency key."""

from decimal import Decimal

import pytest

from dianpu.catalog.tests.builders import make_product
from dianpu.orders.models import Order
from dianpu.orders.tests.builders import ADDRESS
from dianpu.payments.models import PaymentSession

pytestmark = pytest.mark.django_db


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


def test_paying_again_after_the_gateway_was_down_starts_the_payment_once(api, tee, settings, fake_stripe):
    base = settings.STRIPE_API_BASE
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    body = api.post("checkout", checkout_body()).json()
    retry = body["payment"]["retry_url"]
    assert api.post(retry, {"email": "buyer@example.com"}).status_code == 502  # still down: nothing changes
    assert PaymentSession.objects.get().status == "starting"
    settings.STRIPE_API_BASE = base
    response = api.post(retry, {"email": "BUYER@example.com"})
    assert response.status_code == 201
    payment = response.json()
    [intent] = fake_stripe.intents.values()
    assert (payment["started"], payment["reference"], payment["client_secret"]) == (
        True,
        intent["id"],
        intent["client_secret"],
    )
    assert intent["amount"] == int(Order.objects.get().grand_total * 100)
    [request] = fake_stripe.paid_requests("/v1/payment_intents")
    assert request["idempotency_key"] == f"dianpu-order-{body['number']}"
    session = PaymentSession.objects.get()
    assert (session.status, session.reference) == ("pending", intent["id"])
    again = api.post(retry, {"email": "buyer@example.com"}).json()  # a second click fetches the same payment
    assert again["reference"] == intent["id"] and len(fake_stripe.intents) == 1


def test_a_start_that_timed_out_is_retried_with_the_same_key_and_makes_one_intent(api, tee, settings, fake_stripe):
    settings.PAYMENT_GATEWAY_TIMEOUT_SECONDS = 0.5
    fake_stripe.gate.clear()  # Stripe takes longer than we wait
    body = api.post("checkout", checkout_body()).json()
    assert body["payment"]["started"] is False and body["status"] == "pending_payment"
    fake_stripe.gate.set()  # ... and then makes the intent anyway
    assert fake_stripe.finished.wait(10)
    assert len(fake_stripe.intents) == 1
    payment = api.post(body["payment"]["retry_url"], {"email": "buyer@example.com"}).json()
    [intent] = fake_stripe.intents.values()
    assert payment["reference"] == intent["id"] and len(fake_stripe.intents) == 1
    keys = [r["idempotency_key"] for r in fake_stripe.paid_requests("/v1/payment_intents")]
    assert keys == [f"dianpu-order-{body['number']}"] * 2


def test_a_refused_start_is_retried_as_a_new_attempt_with_a_new_key(api, tee, fake_stripe, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_wrong"  # Stripe answers 401: nothing was made there
    body = api.post("checkout", checkout_body()).json()
    assert body["payment"]["started"] is False
    assert PaymentSession.objects.get().status == "failed"
    settings.STRIPE_SECRET_KEY = "sk_test_dianpu"
    payment = api.post(body["payment"]["retry_url"], {"email": "buyer@example.com"}).json()
    assert payment["started"] is True
    keys = [r["idempotency_key"] for r in fake_stripe.paid_requests("/v1/payment_intents")]
    assert keys == [f"dianpu-order-{body['number']}", f"dianpu-order-{body['number']}-2"]


def test_paying_again_needs_the_orders_email_and_an_order_awaiting_payment(api, tee, fake_stripe):
    body = api.post("checkout", checkout_body(payment_method="bank_transfer")).json()
    url = f"/api/v1/orders/{body['number']}/payments"
    wrong = api.post(url, {"email": "someone@example.com"})
    assert (wrong.status_code, wrong.json()["code"]) == (404, "order_not_found")
    offline = api.post(url, {"email": "buyer@example.com"})
    assert offline.status_code == 201 and "请转账" in offline.json()["instructions"]
    Order.objects.filter(number=body["number"]).update(status="cancelled")
    refused = api.post(url, {"email": "buyer@example.com"})
    assert (refused.status_code, refused.json()["code"]) == (409, "payment_not_due")
    assert PaymentSession.objects.count() == 0 and fake_stripe.requests == []


def test_the_confirmation_page_offers_to_pay_again_and_the_button_starts_the_payment(
    client, tee, settings, fake_stripe
):
    from dianpu.checkout.services import place_order
    from dianpu.orders.tests.builders import checkout_request

    base = settings.STRIPE_API_BASE
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    placed = place_order(checkout_request({"TEE-M": 1}, payment_method="stripe"))
    assert placed.payment is None and placed.payment_error.code == "payment_gateway_unavailable"
    session = client.session
    session["placed_orders"] = [placed.order.number]
    session.save()
    page = client.get(f"/orders/{placed.order.number}/thanks/").content.decode()
    assert 'id="pay-again"' in page and "支付渠道暂时没有响应" in page
    settings.STRIPE_API_BASE = base
    response = client.post(f"/orders/{placed.order.number}/pay/")
    assert response.status_code == 302 and response["Location"] == f"/orders/{placed.order.number}/thanks/"
    page = client.get(response["Location"]).content.decode()
    [intent] = fake_stripe.intents.values()
    assert f'data-client-secret="{intent["client_secret"]}"' in page and 'id="pay-again"' not in page
    assert placed.order.grand_total == Decimal(intent["amount"]) / 100


def test_the_order_page_of_an_unpaid_stripe_order_has_a_pay_button(client, api, tee, fake_stripe):
    body = api.post("checkout", checkout_body()).json()
    page = client.post("/orders/status/", {"number": body["number"], "email": "buyer@example.com"}).content.decode()
    assert 'id="pay-again"' in page and f'action="/orders/{body["number"]}/pay/"' in page
    response = client.post(f"/orders/{body['number']}/pay/", {"email": "buyer@example.com"})
    assert response["Location"] == f"/orders/{body['number']}/thanks/"
    assert len(fake_stripe.intents) == 1  # the payment started at checkout, fetched again
    stranger = client.__class__().post(f"/orders/{body['number']}/pay/", {"email": "x@example.com"})
    assert stranger.status_code == 404
