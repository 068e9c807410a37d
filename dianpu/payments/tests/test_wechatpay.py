"""WeChat Pay API v3 end to end against a local server that speaks it: it checks our request
signatures with the merchant's public key, signs its answers and notifications with its platform
key and seals notification resources with the APIv3 key — all keys made in the test."""

import json
import time
from datetime import timedelta
from decimal import Decimal

import pytest

from dianpu.catalog.tests.builders import make_product
from dianpu.core import clock
from dianpu.orders.models import Order, OrderHistory
from dianpu.orders.tests.builders import ADDRESS
from dianpu.payments.models import GatewayEvent, Payment, PaymentSession, Refund
from dianpu.payments.services import reconcile_pending_payments

from .fake_wechatpay import APPID, MCHID, PLATFORM_SERIAL

pytestmark = pytest.mark.django_db
NOTIFY = "/api/v1/payments/wechatpay/notify"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)


def checkout_body(**overrides):
    return {
        "email": "buyer@example.com",
        "lines": [{"sku": "TEA-1", "quantity": 2}],
        "shipping_address": dict(ADDRESS),
        "shipping_method": "standard",
        "payment_method": "wechatpay",
        **overrides,
    }


@pytest.fixture
def tea():
    return make_product(name="西湖龙井", price="88.00", stock=5, skus=["TEA-1"])


@pytest.fixture
def wechat_order(api, tea, fake_wechatpay):
    body = api.post("checkout", checkout_body()).json()
    return Order.objects.get(number=body["number"]), body


def notify(client, body: bytes, headers: dict):
    return client.post(NOTIFY, data=body, content_type="application/json", **headers)


def paid_notification(fake, order, **kwargs):
    return fake.notification("TRANSACTION.SUCCESS", fake.pay(order.number, kwargs.pop("paid", None)), **kwargs)


def test_wechat_pay_is_offered_only_when_configured(api, settings, fake_wechatpay):
    assert "wechatpay" in [m["code"] for m in api.get("payment-methods").json()]
    settings.WECHATPAY_APIV3_KEY = ""
    assert "wechatpay" not in [m["code"] for m in api.get("payment-methods").json()]


def test_desktop_checkout_makes_a_signed_native_order_in_fen_and_shows_its_qr_code(
    wechat_order, fake_wechatpay, client
):
    order, body = wechat_order
    [request] = fake_wechatpay.paid_requests("/v3/pay/transactions/native")
    assert request["verified"] is True  # the server checked our RSA-SHA256 signature
    assert (request["auth"]["mchid"], request["auth"]["serial_no"]) == (
        MCHID,
        "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
    )
    assert request["content_type"] == "application/json" and request["accept"] == "application/json"
    sent = request["body"]
    assert sent["amount"] == {"total": int(order.grand_total * 100), "currency": "CNY"}
    assert (sent["appid"], sent["mchid"], sent["out_trade_no"]) == (APPID, MCHID, order.number)
    assert sent["notify_url"] == "http://testserver/api/v1/payments/wechatpay/notify" or sent["notify_url"].endswith(
        "/api/v1/payments/wechatpay/notify"
    )
    code_url = fake_wechatpay.orders[order.number]["code_url"]
    assert body["payment"]["code_url"] == code_url and body["payment"]["started"] is True
    assert PaymentSession.objects.get(order=order).reference == order.number
    session = client.session
    session["placed_orders"] = [order.number]
    session.save()
    page = client.get(f"/orders/{order.number}/thanks/").content.decode()
    assert '<figure class="wechat-qr"' in page and "<svg" in page and "请使用微信“扫一扫”扫描二维码付款" in page
    assert "<img" not in page.split('class="wechat-qr"')[1].split("</figure>")[0]  # drawn here, no outside image
    # The page asked again with the same out_trade_no: WeChat Pay answered the same code.
    assert len(fake_wechatpay.orders) == 1 and len(fake_wechatpay.paid_requests("/v3/pay/transactions/native")) == 2


def test_a_phone_gets_h5_with_its_ip_and_is_sent_to_wechat(api, tea, fake_wechatpay):
    api.headers["HTTP_USER_AGENT"] = IPHONE
    body = api.post("checkout", checkout_body()).json()
    [request] = fake_wechatpay.paid_requests("/v3/pay/transactions/h5")
    assert request["verified"] is True
    assert request["body"]["scene_info"] == {"payer_client_ip": "127.0.0.1", "h5_info": {"type": "Wap"}}
    assert body["payment"]["redirect_url"] == fake_wechatpay.orders[body["number"]]["h5_url"]
    assert body["payment"]["redirect_url"].startswith("https://wx.tenpay.com/")


def test_the_storefront_on_a_phone_offers_wechat_pay_first(client, tea, fake_wechatpay, fake_stripe, settings):
    from dianpu.catalog.models import Variant

    client.post("/cart/add/", {"sku": Variant.objects.get().sku, "quantity": 1})
    desktop = client.get("/checkout/").content.decode()
    phone = client.get("/checkout/", HTTP_USER_AGENT=IPHONE).content.decode()

    def offered(page):
        import re

        return re.findall(r'name="payment_method" value="([a-z_]+)"', page)

    assert offered(desktop)[0] == "bank_transfer" and "wechatpay" in offered(desktop)
    assert offered(phone)[0] == "wechatpay"
    assert sorted(offered(phone)) == sorted(offered(desktop))
    assert 'name="payment_method" value="wechatpay" checked>' in phone  # and chosen for the buyer
    assert 'name="payment_method" value="wechatpay" checked>' not in desktop


def test_the_same_notification_ten_times_pays_once(client, wechat_order, fake_wechatpay):
    order, _body = wechat_order
    body, headers = paid_notification(fake_wechatpay, order, event_id="EV-2026120700001")
    answers = [notify(client, body, headers) for _ in range(10)]
    assert [a.status_code for a in answers] == [204] * 10
    order.refresh_from_db()
    assert order.status == "paid"
    payment = Payment.objects.get(order=order)
    tx = fake_wechatpay.orders[order.number]
    assert (payment.gateway, payment.amount, payment.reference) == (
        "wechatpay",
        order.grand_total,
        tx["transaction_id"],
    )
    assert OrderHistory.objects.filter(order=order, action="mark_paid").count() == 1
    assert list(GatewayEvent.objects.filter(gateway="wechatpay").values_list("outcome", flat=True)) == ["confirmed"]


@pytest.mark.parametrize("tamper", ["signature", "serial", "body", "stale", "apiv3_key"])
def test_a_notification_not_from_wechat_pay_is_refused_and_changes_nothing(
    client, wechat_order, fake_wechatpay, tamper, caplog
):
    order, _body = wechat_order
    kwargs = {"timestamp": int(time.time()) - 600} if tamper == "stale" else {}
    if tamper == "apiv3_key":
        kwargs["key"] = "0" * 32  # sealed with another merchant's key (and signed correctly)
    body, headers = paid_notification(fake_wechatpay, order, **kwargs)
    if tamper == "signature":
        headers["HTTP_WECHATPAY_SIGNATURE"] = fake_wechatpay.signed_headers(b"{}")["HTTP_WECHATPAY_SIGNATURE"]
    elif tamper == "serial":
        headers["HTTP_WECHATPAY_SERIAL"] = "PUB_KEY_ID_SOMEONE_ELSE"
    elif tamper == "body":
        body = body.replace(b'"TRANSACTION.SUCCESS"', b'"TRANSACTION.SUCCESS" ')
    response = notify(client, body, headers)
    assert response.status_code == 400
    expected = {
        "signature": "signature_mismatch",
        "serial": "signature_mismatch",
        "body": "signature_mismatch",
        "stale": "signature_stale",
        "apiv3_key": "webhook_malformed",
    }[tamper]
    assert response.json()["code"] == expected
    order.refresh_from_db()
    assert order.status == "pending_payment"
    assert Payment.objects.count() == 0 and GatewayEvent.objects.count() == 0


def test_a_payment_of_another_amount_holds_the_order_instead_of_paying_it(client, wechat_order, fake_wechatpay):
    order, _body = wechat_order
    body, headers = paid_notification(fake_wechatpay, order, paid=int(order.grand_total * 100) - 1)
    assert notify(client, body, headers).status_code == 204
    order.refresh_from_db()
    assert order.status == "pending_payment"
    assert [r["code"] for r in order.hold_reasons] == ["payment_amount_mismatch"]
    assert Payment.objects.count() == 0


def test_a_lost_notification_is_found_by_the_workers_query_and_pays_once(client, wechat_order, fake_wechatpay):
    order, _body = wechat_order
    assert reconcile_pending_payments() == 0  # too recent to ask about
    PaymentSession.objects.update(created_at=clock.now() - timedelta(minutes=6))
    assert reconcile_pending_payments() == 0  # asked: not paid yet
    query = fake_wechatpay.paid_requests("/v3/pay/transactions/out-trade-no/")[-1]
    assert query["path"] == f"/v3/pay/transactions/out-trade-no/{order.number}?mchid={MCHID}" and query["verified"]
    body, headers = paid_notification(fake_wechatpay, order)  # paid; the notification is lost
    assert reconcile_pending_payments() == 1
    order.refresh_from_db()
    assert order.status == "paid"
    assert Payment.objects.get(order=order).reference == fake_wechatpay.orders[order.number]["transaction_id"]
    assert notify(client, body, headers).status_code == 204  # it arrives after all: nothing more happens
    assert reconcile_pending_payments() == 0
    assert Payment.objects.filter(order=order).count() == 1
    assert OrderHistory.objects.filter(order=order, action="mark_paid").count() == 1


def test_a_closed_transaction_marks_the_attempt_failed(wechat_order, fake_wechatpay):
    order, _body = wechat_order
    fake_wechatpay.orders[order.number]["trade_state"] = "CLOSED"
    PaymentSession.objects.update(created_at=clock.now() - timedelta(minutes=6))
    assert reconcile_pending_payments() == 0
    assert PaymentSession.objects.get().status == "failed"
    assert Order.objects.get(pk=order.pk).status == "pending_payment"


def paid_wechat_order(client, api, fake):
    body = api.post("checkout", checkout_body()).json()
    order = Order.objects.get(number=body["number"])
    notify(client, *paid_notification(fake, order))
    order.refresh_from_db()
    assert order.status == "paid"
    return order


def test_a_refund_goes_to_wechat_pay_signed_and_is_settled_by_its_notification(
    client, api, tea, fake_wechatpay, staff_api
):
    order = paid_wechat_order(client, api, fake_wechatpay)
    response = staff_api("finance").post(f"orders/{order.number}/refunds", {"amount": "30.00", "reason": "少发"})
    assert response.status_code == 201
    refund = Refund.objects.get()
    assert (response.json()["status"], refund.status) == ("pending", "pending")  # WeChat Pay: PROCESSING
    [sent] = fake_wechatpay.paid_requests("/v3/refund/domestic/refunds")
    tx = fake_wechatpay.orders[order.number]
    assert sent["verified"] is True
    assert sent["body"]["transaction_id"] == tx["transaction_id"]
    assert sent["body"]["out_refund_no"] == f"dianpu-refund-{refund.pk}"
    assert sent["body"]["amount"] == {"refund": 3000, "total": int(order.grand_total * 100), "currency": "CNY"}
    wechat_refund = fake_wechatpay.refunds[f"dianpu-refund-{refund.pk}"]
    assert refund.reference == wechat_refund["refund_id"]
    assert Payment.objects.get(order=order).refunded_total == Decimal("30.00")
    body, headers = fake_wechatpay.refund_notification(f"dianpu-refund-{refund.pk}", "SUCCESS")
    for _ in range(3):
        assert notify(client, body, headers).status_code == 204
    refund.refresh_from_db()
    assert refund.status == "succeeded"
    assert Payment.objects.get(order=order).refunded_total == Decimal("30.00")
    assert list(GatewayEvent.objects.filter(event_type="REFUND.SUCCESS").values_list("outcome", flat=True)) == [
        "refund_succeeded"
    ]


def test_a_refund_wechat_pay_closes_gives_the_money_back_to_refundable(client, api, tea, fake_wechatpay, staff_api):
    order = paid_wechat_order(client, api, fake_wechatpay)
    staff_api("finance").post(f"orders/{order.number}/refunds", {"amount": "30.00", "reason": "x"})
    refund = Refund.objects.get()
    notify(client, *fake_wechatpay.refund_notification(f"dianpu-refund-{refund.pk}", "ABNORMAL"))
    refund.refresh_from_db()
    assert refund.status == "failed"
    assert Payment.objects.get(order=order).refunded_total == Decimal("0.00")


def test_a_refund_above_what_wechat_pay_holds_is_refused_and_moves_no_money(
    client, api, tea, fake_wechatpay, staff_api
):
    order = paid_wechat_order(client, api, fake_wechatpay)
    fake_wechatpay.refunds["someone-else"] = {  # refunded in the merchant platform, unknown to us
        "transaction_id": fake_wechatpay.orders[order.number]["transaction_id"],
        "amount": {"refund": int(order.grand_total * 100)},
    }
    response = staff_api("finance").post(f"orders/{order.number}/refunds", {"amount": "10.00", "reason": "x"})
    assert response.status_code == 502 and response.json()["code"] == "refund_gateway_refused"
    assert Payment.objects.get(order=order).refunded_total == Decimal("0.00")
    assert Refund.objects.get().status == "failed"


def test_a_request_wechat_pay_cannot_verify_leaves_the_order_awaiting_payment(
    api, tea, fake_wechatpay, settings, wechatpay_keys
):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    settings.WECHATPAY_PRIVATE_KEY = other.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    body = api.post("checkout", checkout_body()).json()
    assert body["status"] == "pending_payment" and body["payment"]["started"] is False
    assert [r["verified"] for r in fake_wechatpay.requests] == [False]
    assert PaymentSession.objects.get().status == "failed"  # refused: the next attempt is a new one
    settings.WECHATPAY_PRIVATE_KEY = wechatpay_keys.merchant_private_pem
    again = api.post(body["payment"]["retry_url"], {"email": "buyer@example.com"}).json()
    assert again["started"] is True and again["code_url"].startswith("weixin://wxpay/bizpayurl?pr=")


def test_an_answer_not_signed_by_wechat_pay_is_not_believed(api, tea, fake_wechatpay, settings):
    settings.WECHATPAY_PLATFORM_SERIAL = "PUB_KEY_ID_OTHER"
    body = api.post("checkout", checkout_body()).json()
    assert body["payment"]["started"] is False and body["payment"]["code_url"] == ""
    assert PaymentSession.objects.get().status == "starting"  # unknown outcome: retried with the same number


def test_notifications_are_posted_without_a_csrf_token(fake_wechatpay, wechat_order):
    from django.test import Client

    order, _body = wechat_order
    body, headers = paid_notification(fake_wechatpay, order)
    assert notify(Client(enforce_csrf_checks=True), body, headers).status_code == 204


def test_notification_serial_header_names_the_platform_key(fake_wechatpay):
    _body, headers = fake_wechatpay.notification("TRANSACTION.SUCCESS", {"mchid": MCHID})
    assert headers["HTTP_WECHATPAY_SERIAL"] == PLATFORM_SERIAL
    assert json.loads(_body)["resource"]["algorithm"] == "AEAD_AES_256_GCM"


def test_a_half_configured_wechat_pay_is_reported(fake_wechatpay, settings):
    from dianpu.payments.checks import wechatpay_configuration

    assert wechatpay_configuration(None) == []
    settings.WECHATPAY_APIV3_KEY = "short"
    [warning] = wechatpay_configuration(None)
    assert warning.id == "dianpu.payments.W002" and "WECHATPAY_APIV3_KEY (32 characters)" in warning.msg


def test_a_refund_whose_notification_was_lost_is_settled_by_the_workers_query(
    client, api, tea, fake_wechatpay, staff_api
):
    from dianpu.payments.services import reconcile_wechatpay_refunds

    order = paid_wechat_order(client, api, fake_wechatpay)
    staff_api("finance").post(f"orders/{order.number}/refunds", {"amount": "30.00", "reason": "x"})
    refund = Refund.objects.get()
    assert reconcile_wechatpay_refunds() == 0  # too recent to ask about
    Refund.objects.update(created_at=clock.now() - timedelta(minutes=11))
    assert reconcile_wechatpay_refunds() == 0  # WeChat Pay: still processing
    fake_wechatpay.refunds[f"dianpu-refund-{refund.pk}"]["status"] = "SUCCESS"  # done; the notification lost
    assert reconcile_wechatpay_refunds() == 1
    refund.refresh_from_db()
    assert (refund.status, refund.reference) == (
        "succeeded",
        fake_wechatpay.refunds[f"dianpu-refund-{refund.pk}"]["refund_id"],
    )
    query = fake_wechatpay.paid_requests(f"/v3/refund/domestic/refunds/dianpu-refund-{refund.pk}")[-1]
    assert query["verified"] is True
    assert reconcile_wechatpay_refunds() == 0
