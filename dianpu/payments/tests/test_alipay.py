"""Alipay RSA2: keys made by openssl in the test; notifications signed with openssl, as Alipay
signs them; our page-pay request checked with openssl against the app's public key."""

import base64
import logging
import shutil
import subprocess
from urllib.parse import parse_qsl, urlsplit

import pytest

from dianpu.catalog.tests.builders import make_product
from dianpu.orders.models import Order
from dianpu.orders.tests.builders import checkout_request
from dianpu.payments.domain.alipay import signing_string
from dianpu.payments.domain.rsa import parse_private_key, parse_public_key, sign_sha256, verify_sha256
from dianpu.payments.models import GatewayEvent, Payment

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command"),
]
NOTIFY = "/api/v1/payments/alipay/notify"


def make_keys(folder):
    private, public = folder / "private.pem", folder / "public.pem"
    subprocess.run(
        ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", str(private)],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["openssl", "pkey", "-in", str(private), "-pubout", "-out", str(public)], check=True, capture_output=True
    )
    return private, public


def openssl_sign(private, text: str, folder) -> str:
    message = folder / "message"
    message.write_bytes(text.encode())
    out = subprocess.run(
        ["openssl", "dgst", "-sha256", "-sign", str(private), str(message)], check=True, capture_output=True
    ).stdout
    return base64.b64encode(out).decode()


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    folder = tmp_path_factory.mktemp("alipay-keys")
    return {"alipay": make_keys(folder), "app": make_keys(tmp_path_factory.mktemp("app-keys")), "folder": folder}


@pytest.fixture
def alipay(settings, keys):
    settings.ALIPAY_APP_ID = "2021000000000001"
    settings.ALIPAY_PRIVATE_KEY = keys["app"][0].read_text()
    # Alipay's console shows its public key as bare base64: accept that form.
    settings.ALIPAY_PUBLIC_KEY = "".join(keys["alipay"][1].read_text().splitlines()[1:-1])
    return keys


@pytest.fixture
def order(alipay):
    from dianpu.checkout.services import place_order

    make_product(price="59.00", stock=5, skus=["TEE-M"])
    return place_order(checkout_request({"TEE-M": 2}, payment_method="alipay"))


def notification(order, keys, **overrides):
    params = {
        "notify_id": "ntf_1",
        "notify_type": "trade_status_sync",
        "app_id": "2021000000000001",
        "charset": "utf-8",
        "version": "1.0",
        "trade_no": "2026112322001400000000000001",
        "out_trade_no": order.number,
        "total_amount": f"{order.grand_total:.2f}",
        "trade_status": "TRADE_SUCCESS",
        "notify_time": "2026-11-23 21:00:00",
        "sign_type": "RSA2",
        **overrides,
    }
    params["sign"] = openssl_sign(keys["alipay"][0], signing_string(params), keys["folder"])
    return params


def test_our_signer_and_verifier_agree_with_openssl(keys):
    private, public = keys["alipay"]
    text = "a=1&b=中文"
    signature = base64.b64decode(openssl_sign(private, text, keys["folder"]))
    assert verify_sha256(text.encode(), signature, parse_public_key(public.read_text()))
    assert not verify_sha256(b"a=1&b=2", signature, parse_public_key(public.read_text()))
    assert sign_sha256(text.encode(), parse_private_key(private.read_text())) == signature


def test_checkout_sends_the_buyer_to_a_page_pay_request_signed_with_rsa2(order, alipay):
    url = order.payment.client_data["redirect_url"]
    assert url.startswith("https://openapi.alipay.com/gateway.do?")
    params = dict(parse_qsl(urlsplit(url).query))
    assert (params["method"], params["sign_type"], params["app_id"]) == (
        "alipay.trade.page.pay",
        "RSA2",
        "2021000000000001",
    )
    assert f'"out_trade_no":"{order.order.number}"' in params["biz_content"]
    assert f'"total_amount":"{order.order.grand_total:.2f}"' in params["biz_content"]
    folder = alipay["folder"]
    (folder / "request").write_bytes(signing_string(params, exclude=("sign",)).encode())
    (folder / "request.sig").write_bytes(base64.b64decode(params["sign"]))
    check = subprocess.run(
        [
            "openssl",
            "dgst",
            "-sha256",
            "-verify",
            str(alipay["app"][1]),
            "-signature",
            str(folder / "request.sig"),
            str(folder / "request"),
        ],
        capture_output=True,
        text=True,
    )
    assert check.stdout.strip() == "Verified OK"


def test_a_signed_success_notification_pays_once(client, order, alipay):
    params = notification(order.order, alipay)
    answers = [client.post(NOTIFY, params) for _ in range(3)]
    assert [(a.status_code, a.content) for a in answers] == [(200, b"success")] * 3
    placed = Order.objects.get(pk=order.order.pk)
    assert placed.status == "paid"
    payment = Payment.objects.get(order=placed)
    assert (payment.gateway, payment.amount, payment.reference) == (
        "alipay",
        placed.grand_total,
        "2026112322001400000000000001",
    )
    assert GatewayEvent.objects.filter(gateway="alipay").count() == 1


def test_a_forged_or_tampered_notification_is_refused(client, order, alipay, caplog):
    params = notification(order.order, alipay)
    params["total_amount"] = "0.01"
    with caplog.at_level(logging.WARNING, logger="dianpu.payments.services"):
        response = client.post(NOTIFY, params)
    assert response.status_code == 400 and response.json()["code"] == "signature_mismatch"
    assert "alipay notification refused" in caplog.text
    other_app = notification(order.order, alipay, app_id="2021999999999999")
    assert client.post(NOTIFY, other_app).status_code == 400
    assert Order.objects.get(pk=order.order.pk).status == "pending_payment"
    assert Payment.objects.count() == 0


def test_a_different_amount_holds_the_order(client, order, alipay):
    client.post(NOTIFY, notification(order.order, alipay, total_amount="1.00"))
    placed = Order.objects.get(pk=order.order.pk)
    assert placed.status == "pending_payment"
    assert [r["code"] for r in placed.hold_reasons] == ["payment_amount_mismatch"]
    assert Payment.objects.count() == 0


def test_checkout_api_gives_the_redirect_and_the_page_links_to_it(api, client, alipay):
    make_product(price="59.00", stock=5, skus=["TEE-A"])
    from dianpu.orders.tests.builders import ADDRESS

    body = api.post(
        "checkout",
        {
            "email": "buyer@example.com",
            "lines": [{"sku": "TEE-A", "quantity": 1}],
            "shipping_address": dict(ADDRESS),
            "shipping_method": "standard",
            "payment_method": "alipay",
        },
    ).json()
    assert body["payment"]["gateway"] == "alipay"
    assert body["payment"]["redirect_url"].startswith("https://openapi.alipay.com/gateway.do?")
    session = client.session
    session["placed_orders"] = [body["number"]]  # storefront.views.SESSION_ORDERS
    session.save()
    page = client.get(f"/orders/{body['number']}/thanks/").content.decode()
    assert 'id="pay-redirect" href="https://openapi.alipay.com/gateway.do?' in page


class FakeAlipay:
    """Alipay's gateway for alipay.trade.refund: checks our RSA2 request signature with the app's
    public key, answers JSON whose response object is signed with Alipay's private key."""

    def __init__(self, keys):
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        from dianpu.payments.domain.alipay import signing_string

        self.requests, self.refuse_with = [], ""
        app_public = parse_public_key(keys["app"][1].read_text())
        alipay_private = parse_private_key(keys["alipay"][0].read_text())
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                form = dict(parse_qsl(raw))
                fake.requests.append(form)
                signed = signing_string(form, exclude=("sign",)).encode()
                if not verify_sha256(signed, base64.b64decode(form.get("sign", "")), app_public):
                    answer = {"code": "40002", "msg": "Invalid Arguments", "sub_code": "isv.invalid-signature"}
                elif fake.refuse_with:
                    answer = {
                        "code": "40004",
                        "msg": "Business Failed",
                        "sub_code": fake.refuse_with,
                        "sub_msg": "交易已关闭",
                    }
                else:
                    biz = json.loads(form["biz_content"])
                    answer = {
                        "code": "10000",
                        "msg": "Success",
                        "trade_no": biz["trade_no"],
                        "refund_fee": biz["refund_amount"],
                        "fund_change": "Y",
                    }
                part = json.dumps(answer, ensure_ascii=False, separators=(",", ":"))
                sign = base64.b64encode(sign_sha256(part.encode(), alipay_private)).decode()
                data = ('{"alipay_trade_refund_response":' + part + f',"sign":"{sign}"}}').encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/gateway.do"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def fake_alipay(alipay, settings):
    fake = FakeAlipay(alipay)
    settings.ALIPAY_GATEWAY_URL = fake.url
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def test_refunds_go_through_alipay_trade_refund(client, order, alipay, fake_alipay, staff_api):
    from dianpu.payments.models import Refund

    client.post(NOTIFY, notification(order.order, alipay))
    finance = staff_api("finance")
    response = finance.post(f"orders/{order.order.number}/refunds", {"amount": "20.00", "reason": "少发"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["gateway"], body["status"], body["amount"]) == ("alipay", "succeeded", "20.00")
    [sent] = fake_alipay.requests
    assert sent["method"] == "alipay.trade.refund"
    assert '"trade_no":"2026112322001400000000000001"' in sent["biz_content"]
    assert '"refund_amount":"20.00"' in sent["biz_content"]
    assert f'"out_request_no":"dianpu-refund-{body["id"]}"' in sent["biz_content"]
    assert Payment.objects.get().refunded_total.to_eng_string() == "20.00"

    fake_alipay.refuse_with = "ACQ.TRADE_STATUS_ERROR"
    refused = finance.post(f"orders/{order.order.number}/refunds", {"amount": "5.00"})
    assert refused.status_code == 502 and refused.json()["code"] == "refund_gateway_refused"
    assert Refund.objects.filter(status="failed").count() == 1
    assert Payment.objects.get().refunded_total.to_eng_string() == "20.00"


def test_an_alipay_answer_with_a_bad_signature_is_not_trusted(
    client, order, alipay, fake_alipay, staff_api, settings, keys
):
    from dianpu.payments.models import Refund

    client.post(NOTIFY, notification(order.order, alipay))
    # Someone else's key: the answer cannot be verified, so the refund stays pending (money reserved).
    settings.ALIPAY_PUBLIC_KEY = keys["app"][1].read_text()
    response = staff_api("finance").post(f"orders/{order.order.number}/refunds", {"amount": "20.00"})
    assert response.status_code == 201 and response.json()["status"] == "pending"
    assert Refund.objects.get().status == "pending"
