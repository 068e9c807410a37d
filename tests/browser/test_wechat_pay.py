"""WeChat Pay in a real browser: WeChat Pay's service is down when the buyer checks out, the order
is kept and the confirmation page offers "Pay again"; once the service is back the button brings
the QR code (an inline SVG the shop draws). A phone sees WeChat Pay first. Inside WeChat (its
user agent, WeixinJSBridge stood in for) the order page goes by WeChat's OAuth and hands the
signed JSAPI parameters to getBrandWCPayRequest. Any JavaScript error or
CSP violation fails the test (tests/browser/conftest.py)."""

import sys
from pathlib import Path

import pytest

from dianpu.catalog.tests.builders import make_product
from dianpu.orders.models import Order
from dianpu.payments.tests.fake_wechatpay import fake_wechatpay, wechatpay_keys  # noqa: F401 (fixtures)

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import browser  # noqa: E402  (scripts/browser.py: launches Debian's Chromium)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (make install)")
if browser.chromium_path() is None:
    pytest.skip(
        "no Chromium at /usr/bin/chromium: run `make browser-deps` (apt-get install chromium)", allow_module_level=True
    )

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)


def fill_address(page):
    page.fill("#id_email", "han.meimei@example.com")
    page.fill("#id_name", "韩梅梅")
    page.fill("#id_phone", "13900139000")
    page.fill("#id_country", "CN")
    page.fill("#id_province", "上海市")
    page.fill("#id_city", "上海市")
    page.fill("#id_line1", "徐汇区漕溪北路 88 号")


def add_tea(page, base, product):
    page.goto(f"{base}/products/{product.slug}/")
    page.click("form.add-to-cart button[type=submit]")
    page.wait_for_selector("#cart-feedback :is(a, p, div)")


def test_wechat_pay_down_then_pay_again_shows_the_qr_code(
    chromium,
    live_server,
    fake_wechatpay,  # noqa: F811
    settings,
):
    tea = make_product(name="西湖龙井", price="88.00", stock=5, skus=["TEA-1"])
    base = live_server.url
    page = chromium.new_context().new_page()
    add_tea(page, base, tea)
    page.goto(f"{base}/checkout/")
    fill_address(page)
    page.check("input[name=payment_method][value=wechatpay]")
    working = settings.WECHATPAY_API_BASE
    settings.WECHATPAY_API_BASE = "http://127.0.0.1:9"  # WeChat Pay cannot be reached
    page.click("form.checkout button[type=submit]")
    page.wait_for_url("**/thanks/")
    number = page.inner_text(".order-number").strip()
    assert Order.objects.get(number=number).status == "pending_payment"
    assert "支付渠道暂时没有响应" in page.inner_text(".pay-again")
    assert page.locator(".wechat-qr svg").count() == 0

    settings.WECHATPAY_API_BASE = working
    page.click("#pay-again")
    page.wait_for_selector(".wechat-qr svg")
    assert page.locator("#pay-again").count() == 0
    assert "请使用微信“扫一扫”扫描二维码付款" in page.inner_text(".wechat-qr")
    box = page.locator(".wechat-qr svg").bounding_box()
    assert box["width"] >= 150 and box["height"] >= 150
    assert list(fake_wechatpay.orders) == [number]


def test_a_phone_sees_wechat_pay_first_and_chosen(chromium, live_server, fake_wechatpay):  # noqa: F811
    tea = make_product(name="西湖龙井", price="88.00", stock=5, skus=["TEA-1"])
    base = live_server.url
    page = chromium.new_context(user_agent=IPHONE, viewport={"width": 390, "height": 844}).new_page()
    add_tea(page, base, tea)
    page.goto(f"{base}/checkout/")
    methods = page.locator("input[name=payment_method]")
    assert methods.first.get_attribute("value") == "wechatpay"
    assert page.is_checked("input[name=payment_method][value=wechatpay]")


WECHAT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148 MicroMessenger/8.0.50(0x1800323c) NetType/WIFI Language/zh_CN"
)
# WeChat's browser injects WeixinJSBridge a moment after the page loads and fires WeixinJSBridgeReady;
# this stand-in records what the page hands getBrandWCPayRequest and answers as WeChat does.
BRIDGE = """
window.__wechatCalls = [];
setTimeout(function () {
  window.WeixinJSBridge = {invoke: function (name, params, callback) {
    window.__wechatCalls.push({name: name, params: params});
    setTimeout(function () { callback({err_msg: "get_brand_wcpay_request:ok"}); }, 50);
  }};
  document.dispatchEvent(new Event("WeixinJSBridgeReady"));
}, 300);
"""


def test_inside_wechat_the_page_hands_the_signed_order_to_wechat_and_follows_the_status(
    chromium, live_server, fake_wechatpay, wechatpay_keys
):
    import base64
    from urllib.parse import urlsplit

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    from django.test import Client

    from dianpu.payments.tests.test_wechatpay import notify, paid_notification

    tea = make_product(name="西湖龙井", price="88.00", stock=5, skus=["TEA-1"])
    base = live_server.url
    context = chromium.new_context(user_agent=WECHAT, viewport={"width": 390, "height": 844})
    context.add_init_script(BRIDGE)
    page = context.new_page()
    add_tea(page, base, tea)
    page.goto(f"{base}/checkout/")
    assert page.locator("input[name=payment_method]").first.get_attribute("value") == "wechatpay"
    fill_address(page)
    page.click("form.checkout button[type=submit]")  # the order page → WeChat's OAuth (the local server) → back
    for _ in range(120):  # (wait_for_function would evaluate a string: the page's CSP forbids eval)
        try:
            if page.evaluate("(window.__wechatCalls || []).length"):
                break
        except sync_api.Error:  # between two pages of the round trip
            pass
        page.wait_for_timeout(250)
    assert urlsplit(page.url).path.endswith("/thanks/")  # (the "#wechat_redirect" fragment rides along)
    [call] = page.evaluate("window.__wechatCalls")
    order = Order.objects.get()
    params = call["params"]
    assert call["name"] == "getBrandWCPayRequest"
    assert params["package"] == f"prepay_id={fake_wechatpay.orders[order.number]['prepay_id']}"
    message = f"{params['appId']}\n{params['timeStamp']}\n{params['nonceStr']}\n{params['package']}\n".encode()
    wechatpay_keys.merchant.public_key().verify(
        base64.b64decode(params["paySign"]), message, padding.PKCS1v15(), hashes.SHA256()
    )  # raises unless the merchant key signed it
    page.wait_for_selector("#wechat-jsapi-checking:not([hidden])")
    assert Order.objects.get().status == "pending_payment"  # WeChat's "ok" in the page pays nothing
    notify(Client(), *paid_notification(fake_wechatpay, order))
    page.wait_for_url("**/orders/status/**", timeout=30_000)
    assert page.locator(".status-paid").count() == 1
