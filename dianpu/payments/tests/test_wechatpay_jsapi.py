"""WeChat Pay JSAPI for a buyer inside WeChat's own browser, through the storefront pages, against
the local WeChat Pay server: WeChat's web OAuth gives the buyer's openid (state bound to the
session and the order), the JSAPI order is signed with the merchant key and verified by the
server, the page's paySign verifies with the merchant's public key, and only the notification
pays the order."""

import base64
import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from django.test import Client

from dianpu.catalog.tests.builders import make_product
from dianpu.core import clock
from dianpu.customers.models import Customer
from dianpu.orders.models import Order
from dianpu.payments.models import Payment, PaymentSession

from .fake_wechatpay import APPID, BUYER_OPENID, MCHID

pytestmark = pytest.mark.django_db
WECHAT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148 MicroMessenger/8.0.50(0x1800323c) NetType/WIFI Language/zh_CN"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)
FORM = {
    "email": "buyer@example.com",
    "name": "张三",
    "phone": "13800138000",
    "country": "CN",
    "province": "上海市",
    "city": "上海市",
    "district": "黄浦区",
    "line1": "南京东路 100 号",
    "postcode": "200001",
    "shipping_method": "standard",
    "payment_method": "wechatpay",
}


@pytest.fixture
def tea():
    return make_product(name="西湖龙井", price="88.00", stock=5, skus=["TEA-1"])


@pytest.fixture
def alipay_on(settings):
    settings.ALIPAY_APP_ID = "2021000000000001"
    settings.ALIPAY_PRIVATE_KEY = "set"
    settings.ALIPAY_PUBLIC_KEY = "set"


@pytest.fixture
def wechat():
    return Client(HTTP_USER_AGENT=WECHAT)


def offered(page: str) -> list[str]:
    return re.findall(r'name="payment_method" value="([a-z_]+)"', page)


def oauth_link(page: str) -> str:
    [href] = re.findall(r'<a class="btn btn-primary" id="wechat-oauth" href="([^"]+)"', page)
    return href


def place_in_wechat(client) -> tuple[Order, str]:
    """Checkout inside WeChat: the order, and where the order page sends the buyer's browser."""
    client.post("/cart/add/", {"sku": "TEA-1", "quantity": 2})
    response = client.post("/checkout/", FORM)
    assert response.status_code == 302 and response["Location"].endswith("/thanks/")
    order = Order.objects.get()
    start = client.get(oauth_link(client.get(response["Location"]).content.decode()))
    assert start.status_code == 302
    return order, start["Location"]


def jsapi_button(page: str) -> dict:
    [tag] = re.findall(r'<button type="button" class="btn btn-primary" id="wechat-jsapi-pay"(.*?)>', page, re.S)
    return {k: unescape(v) for k, v in re.findall(r'data-([a-z-]+)="([^"]*)"', tag)}


def pay_sign_verifies(params: dict, public_key) -> bool:
    message = f"{params['app-id']}\n{params['time-stamp']}\n{params['nonce-str']}\n{params['package']}\n".encode()
    try:
        public_key.verify(base64.b64decode(params["pay-sign"]), message, padding.PKCS1v15(), hashes.SHA256())
    except Exception:  # noqa: BLE001 (InvalidSignature and malformed input alike)
        return False
    return True


def test_inside_wechat_the_buyer_pays_by_jsapi_after_oauth_and_only_the_notification_pays(
    wechat, tea, fake_wechatpay, wechatpay_keys, alipay_on
):
    from .test_wechatpay import notify, paid_notification

    wechat.post("/cart/add/", {"sku": "TEA-1", "quantity": 2})
    page = wechat.get("/checkout/").content.decode()
    assert offered(page) == ["wechatpay", "bank_transfer", "cod"]  # first, and Alipay (blocked by WeChat) not offered
    assert "微信内无法使用支付宝" in page

    response = wechat.post("/checkout/", FORM)
    order = Order.objects.get()
    assert order.status == "pending_payment" and order.payment_method == "wechatpay"
    assert fake_wechatpay.paid_requests("/v3/") == []  # no H5 order made for a browser that cannot use it
    # The order page leads to WeChat's OAuth by a link (a form may not end on another site: CSP),
    # which wechat-pay.js follows at once inside WeChat.
    assert response["Location"] == f"/orders/{order.number}/thanks/"
    page = wechat.get(response["Location"]).content.decode()
    assert oauth_link(page) == f"/orders/{order.number}/wechat-pay/" and 'data-auto="1"' in page
    assert 'id="pay-again"' not in page and '<script src="/static/storefront/wechat-pay.js" defer></script>' in page
    response = wechat.get(oauth_link(page))
    authorize = urlsplit(response["Location"])
    query = {k: v[0] for k, v in parse_qs(authorize.query).items()}
    assert (
        f"{authorize.scheme}://{authorize.netloc}{authorize.path}" == f"{fake_wechatpay.url}/connect/oauth2/authorize"
    )
    assert authorize.fragment == "wechat_redirect"
    assert (query["appid"], query["response_type"], query["scope"]) == (APPID, "code", "snsapi_base")
    assert query["redirect_uri"] == "http://testserver/pay/wechat/oauth/"
    assert re.fullmatch(r"[0-9a-f]{56}", query["state"])  # WeChat passes back up to 128 of [A-Za-z0-9]

    back = fake_wechatpay.follow_authorize(response["Location"])
    landed = wechat.get(back.removeprefix("http://testserver"))
    assert landed.status_code == 302 and landed["Location"] == f"/orders/{order.number}/thanks/"
    [exchange] = fake_wechatpay.paid_requests("/sns/oauth2/access_token")
    assert exchange["query"]["grant_type"] == "authorization_code" and exchange["query"]["appid"] == APPID
    assert wechat.session["wechat_openid"] == BUYER_OPENID

    [jsapi] = fake_wechatpay.paid_requests("/v3/pay/transactions/jsapi")
    assert jsapi["verified"] is True  # the server checked our RSA-SHA256 request signature
    assert jsapi["body"]["payer"] == {"openid": BUYER_OPENID}
    assert (jsapi["body"]["appid"], jsapi["body"]["mchid"], jsapi["body"]["out_trade_no"]) == (
        APPID,
        MCHID,
        order.number,
    )
    assert jsapi["body"]["amount"] == {"total": 17600 + int(order.shipping_total * 100), "currency": "CNY"}

    page = wechat.get(f"/orders/{order.number}/thanks/").content.decode()
    params = jsapi_button(page)
    prepay_id = fake_wechatpay.orders[order.number]["prepay_id"]
    assert (params["app-id"], params["package"], params["sign-type"]) == (APPID, f"prepay_id={prepay_id}", "RSA")
    assert pay_sign_verifies(params, wechatpay_keys.merchant.public_key())
    assert not pay_sign_verifies({**params, "package": "prepay_id=wx_another"}, wechatpay_keys.merchant.public_key())
    assert params["status-url"].startswith("/orders/status/?number=")
    assert '<script src="/static/storefront/wechat-pay.js" defer></script>' in page
    assert "<script>" not in page and "onclick" not in page  # CSP: behaviour only in the static file
    assert "使用微信支付 ¥" in page
    assert len(fake_wechatpay.orders) == 1  # the page asked again: the same out_trade_no, the same prepay_id
    assert Order.objects.get().status == "pending_payment"  # the page shown (or its JS callback) pays nothing

    body, headers = paid_notification(fake_wechatpay, order)
    assert notify(Client(), body, headers).status_code == 204
    order.refresh_from_db()
    assert order.status == "paid"
    assert Payment.objects.get(order=order).reference == fake_wechatpay.orders[order.number]["transaction_id"]
    status_page = wechat.get(params["status-url"]).content.decode()
    assert (
        "status-paid" in status_page
        and "wechat-jsapi-pay" not in wechat.get(f"/orders/{order.number}/thanks/").content.decode()
    )


@pytest.mark.parametrize("case", ["missing", "forged", "other_session", "replayed", "expired"])
def test_an_oauth_return_not_started_by_this_session_for_this_order_is_refused(wechat, tea, fake_wechatpay, case):
    order, location = place_in_wechat(wechat)
    back = urlsplit(fake_wechatpay.follow_authorize(location))
    query = {k: v[0] for k, v in parse_qs(back.query).items()}
    client, state = wechat, query["state"]
    if case == "missing":
        state = ""
    elif case == "forged":
        state = state[:16] + ("0" if state[16] != "0" else "1") + state[17:]
    elif case == "other_session":
        client = Client(HTTP_USER_AGENT=WECHAT)  # someone else's browser with this buyer's link
    elif case == "replayed":
        assert wechat.get(back.path, {"code": query["code"], "state": state}).status_code == 302
        Payment.objects.all().delete()
    elif case == "expired":
        clock.freeze(clock.now() + timedelta(minutes=11))
    try:
        before = len(fake_wechatpay.requests)
        response = client.get(back.path, {"code": query["code"], "state": state})
    finally:
        clock.freeze(None)
    assert response.status_code == 400
    expected = "wechat_oauth_state_expired" if case == "expired" else "wechat_oauth_state_invalid"
    assert f'data-code="{expected}"' in response.content.decode()
    assert len(fake_wechatpay.requests) == before  # no code exchanged, no payment made
    assert "wechat_openid" not in client.session or case == "replayed"
    assert Order.objects.get().status == "pending_payment"
    if case != "replayed":
        assert PaymentSession.objects.count() == 0


def test_a_code_wechat_refuses_keeps_the_order_and_offers_to_pay_again(wechat, tea, fake_wechatpay):
    order, location = place_in_wechat(wechat)
    back = urlsplit(fake_wechatpay.follow_authorize(location))
    query = {k: v[0] for k, v in parse_qs(back.query).items()}
    fake_wechatpay.codes.clear()  # used up, or older than five minutes
    response = wechat.get(back.path, {"code": query["code"], "state": query["state"]}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/orders/{order.number}/thanks/"
    assert "暂时无法从微信获取您的身份" in page and oauth_link(page)
    assert 'data-auto="1"' not in page  # the page does not send the buyer round again by itself
    assert "wechat_openid" not in wechat.session and fake_wechatpay.paid_requests("/v3/") == []
    assert wechat.post(f"/orders/{order.number}/pay/")["Location"] == f"/orders/{order.number}/thanks/"
    # The buyer taps the button: round WeChat's OAuth once more.
    again = wechat.get(oauth_link(wechat.get(f"/orders/{order.number}/thanks/").content.decode()))
    assert again["Location"].startswith(f"{fake_wechatpay.url}/connect/oauth2/authorize?")
    wechat.get(fake_wechatpay.follow_authorize(again["Location"]).removeprefix("http://testserver"))
    assert fake_wechatpay.paid_requests("/v3/pay/transactions/jsapi")[0]["verified"] is True


def test_a_signed_in_customer_keeps_the_openid_and_the_next_order_needs_no_oauth(wechat, tea, fake_wechatpay):
    from dianpu.customers.tests.builders import PASSWORD, make_account

    customer = make_account(email="buyer@example.com")

    def sign_in(client):
        signed = client.post("/account/sign-in/", {"login": "buyer@example.com", "password": PASSWORD})
        assert signed.status_code == 302

    sign_in(wechat)
    _order, location = place_in_wechat(wechat)
    wechat.get(fake_wechatpay.follow_authorize(location).removeprefix("http://testserver"))
    assert Customer.objects.get(pk=customer.pk).wechat_openid == BUYER_OPENID

    later = Client(HTTP_USER_AGENT=WECHAT)  # another day, another session
    sign_in(later)
    later.post("/cart/add/", {"sku": "TEA-1", "quantity": 1})
    response = later.post("/checkout/", FORM)
    second = Order.objects.order_by("-id").first()
    assert response["Location"] == f"/orders/{second.number}/thanks/"  # straight to paying
    assert fake_wechatpay.paid_requests("/v3/pay/transactions/jsapi")[-1]["body"]["out_trade_no"] == second.number
    assert len(fake_wechatpay.paid_requests("/sns/oauth2/access_token")) == 1


def test_only_the_sessions_own_orders_go_to_wechat_oauth(wechat, tea, fake_wechatpay):
    order, _location = place_in_wechat(wechat)
    stranger = Client(HTTP_USER_AGENT=WECHAT)
    assert stranger.get(f"/orders/{order.number}/wechat-pay/").status_code == 404
    assert "wechat_oauth" not in stranger.session


def test_outside_wechat_nothing_changes(client, tea, fake_wechatpay, alipay_on):
    client.post("/cart/add/", {"sku": "TEA-1", "quantity": 1})
    phone = client.get("/checkout/", HTTP_USER_AGENT=IPHONE).content.decode()
    assert offered(phone) == ["wechatpay", "alipay", "bank_transfer", "cod"]
    assert "微信内无法使用支付宝" not in phone
    response = client.post("/checkout/", FORM, HTTP_USER_AGENT=IPHONE)
    assert response["Location"].startswith("/orders/")
    assert [r["path"] for r in fake_wechatpay.requests] == ["/v3/pay/transactions/h5"]


def test_the_wechat_pages_speak_english(tea, fake_wechatpay, alipay_on):
    english = Client(HTTP_USER_AGENT=WECHAT, HTTP_ACCEPT_LANGUAGE="en")
    english.post("/cart/add/", {"sku": "TEA-1", "quantity": 1})
    assert "Alipay cannot be used inside WeChat" in english.get("/checkout/").content.decode()
    _order, location = place_in_wechat(english)
    back = fake_wechatpay.follow_authorize(location).removeprefix("http://testserver")
    refused = english.get(back.split("state=")[0] + "state=0").content.decode()
    assert "This WeChat sign-in link is not valid" in refused
    english.get(back)
    page = english.get(f"/orders/{Order.objects.get().number}/thanks/").content.decode()
    assert "Pay with WeChat Pay ¥" in page and "Tap the button below to pay with WeChat Pay." in page
