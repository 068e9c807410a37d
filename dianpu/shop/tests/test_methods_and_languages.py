"""Shop settings, second part: payment methods switched on and off with their fees (keys stay in the
environment, the page says which are set), shipping methods added and retired, storefront languages."""

from decimal import Decimal

import pytest
from django.test import Client

from dianpu.audit.models import AuditEntry
from dianpu.catalog.tests.builders import make_product
from dianpu.fulfillment.models import ShippingMethod
from dianpu.orders.models import Order
from dianpu.orders.tests.builders import ADDRESS
from dianpu.payments.queries import list_payment_methods
from dianpu.shop.models import ShopSettings
from dianpu.shop.queries import forget_shop_profile, get_shop_profile
from dianpu.shop.tests.test_shop_settings import FORM, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_profile():
    forget_shop_profile()
    yield
    forget_shop_profile()


def settings_form(**payment):
    """The whole settings form; `payment` gives pay_<code>_on/_percent/_fixed fields."""
    return {**FORM, **payment}


def checkout_body(payment_method="bank_transfer"):
    return {
        "email": "buyer@example.com",
        "lines": [{"sku": "PEN-1", "quantity": 1}],
        "coupon_codes": [],
        "shipping_method": "standard",
        "shipping_address": ADDRESS,
        "payment_method": payment_method,
    }


def test_the_page_lists_every_gateway_with_which_of_its_keys_are_set(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    settings.STRIPE_WEBHOOK_SECRET = ""
    client, _owner = signed_in("owner")
    page = client.get("/console/shop/").content.decode()
    assert 'data-gateway="stripe"' in page and 'data-gateway="bank_transfer"' in page
    assert '<div class="key" data-key="STRIPE_SECRET_KEY"><code>STRIPE_SECRET_KEY</code> 已设置</div>' in page
    assert (
        '<div class="key" data-key="STRIPE_WEBHOOK_SECRET"><code>STRIPE_WEBHOOK_SECRET</code> <strong>未设置</strong></div>'
        in page
    )
    assert "sk_test_123" not in page  # the key itself is never shown
    # WeChat Pay's JSAPI (inside WeChat's browser) needs the official account's AppSecret too
    assert 'data-key="WECHATPAY_APP_SECRET"' in page


def test_a_method_switched_off_is_not_offered_and_checkout_refuses_it_with_422(api):
    make_product(skus=["PEN-1"], stock=5)
    client, owner = signed_in("owner")
    response = client.post(
        "/console/shop/",
        settings_form(pay_bank_transfer_percent="1.5", pay_bank_transfer_fixed="", pay_cod_on="on", pay_cod_fixed="5"),
    )
    assert response.status_code == 302
    row = ShopSettings.objects.get()
    assert row.payment_methods["bank_transfer"] == {"on": False, "fee_percent": "1.50", "fee_fixed": "0.00"}
    assert row.payment_methods["cod"] == {"on": True, "fee_percent": "0.00", "fee_fixed": "5.00"}
    entry = AuditEntry.objects.get(action="shop.settings_changed")
    assert entry.actor_id == owner.pk and "payment_methods" in entry.changes

    codes = [m["code"] for m in list_payment_methods()]
    assert "bank_transfer" not in codes and "cod" in codes
    cod = next(m for m in list_payment_methods() if m["code"] == "cod")
    assert (cod["fee_percent"], cod["fee_fixed"]) == (Decimal("0.00"), Decimal("5.00"))

    refused = api.post("checkout", checkout_body("bank_transfer"))
    assert refused.status_code == 422
    assert refused.json()["error_codes"]["payment_method"] == "payment_method_off"
    assert not Order.objects.exists()
    placed = api.post("checkout", checkout_body("cod"))
    assert placed.status_code == 201, placed.json()


def test_the_storefront_checkout_offers_only_the_methods_switched_on():
    ShopSettings.objects.create(pk=1, payment_methods={"bank_transfer": {"on": False}})
    make_product(skus=["PEN-1"], stock=5)
    shop = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")

    shop.post("/cart/add/", {"sku": "PEN-1", "quantity": 1})
    page = shop.get("/checkout/").content.decode()
    assert 'value="cod"' in page
    assert 'value="bank_transfer"' not in page


def test_a_fee_out_of_range_is_refused_and_nothing_changes():
    client, _owner = signed_in("owner")
    response = client.post("/console/shop/", settings_form(pay_bank_transfer_on="on", pay_bank_transfer_percent="-1"))
    assert response.status_code == 422
    assert not ShopSettings.objects.exists()
    assert not AuditEntry.objects.filter(action="shop.settings_changed").exists()


def test_the_owner_adds_retires_and_reactivates_a_shipping_method():
    client, owner = signed_in("owner")
    response = client.post(
        "/console/shop/shipping-methods/",
        {
            "method-code": "same-day",
            "method-name": "同城当日达",
            "method-name_en": "Same-day",
            "method-fee": "15.00",
            "method-free_over": "",
            "method-delivery_days_min": "0",
            "method-delivery_days_max": "1",
        },
    )
    assert response.status_code == 302
    method = ShippingMethod.objects.get(code="same-day")
    assert (method.name, method.name_en, method.fee, method.is_active) == (
        "同城当日达",
        "Same-day",
        Decimal("15.00"),
        True,
    )
    assert AuditEntry.objects.get(action="shipping_method.created").actor_id == owner.pk

    assert client.post("/console/shop/shipping-methods/same-day/active/", {"active": "0"}).status_code == 302
    assert ShippingMethod.objects.get(code="same-day").is_active is False
    assert 'data-method="same-day"' in client.get("/console/shop/").content.decode()
    assert client.post("/console/shop/shipping-methods/same-day/active/", {"active": "1"}).status_code == 302
    assert ShippingMethod.objects.get(code="same-day").is_active is True
    assert AuditEntry.objects.filter(action="shipping_method.updated").count() == 2


def test_a_taken_code_is_refused_and_nothing_changes():
    client, _owner = signed_in("owner")
    before = list(ShippingMethod.objects.values_list("code", "name", "fee").order_by("code"))
    taken = before[0][0]
    response = client.post(
        "/console/shop/shipping-methods/",
        {
            "method-code": taken,
            "method-name": "另一个",
            "method-fee": "1.00",
            "method-delivery_days_min": "1",
            "method-delivery_days_max": "2",
        },
    )
    assert response.status_code == 422
    assert "这个编码的配送方式已存在。" in response.content.decode()
    assert list(ShippingMethod.objects.values_list("code", "name", "fee").order_by("code")) == before
    assert not AuditEntry.objects.filter(action="shipping_method.created").exists()


def test_other_roles_cannot_add_or_retire_shipping_methods():
    client, _operator = signed_in("operator")
    assert client.post("/console/shop/shipping-methods/standard/active/", {"active": "0"}).status_code == 403
    assert ShippingMethod.objects.get(code="standard").is_active is True


def test_languages_offered_and_default_drive_the_storefront_and_its_switcher():
    client, _owner = signed_in("owner")
    response = client.post("/console/shop/", settings_form(shop_languages=["en"], shop_default_language="en"))
    assert response.status_code == 302
    assert get_shop_profile().languages == ("en",) and get_shop_profile().default_language == "en"
    page = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/")
    html = page.content.decode()
    assert page["Content-Language"] == "en"
    assert '<option value="en" selected>English</option>' in html
    assert 'value="zh-hans"' not in html


def test_the_default_must_be_among_the_languages_offered():
    client, _owner = signed_in("owner")
    response = client.post("/console/shop/", settings_form(shop_languages=["en"], shop_default_language="zh-hans"))
    assert response.status_code == 422
    assert "默认语言必须是店面提供的语言之一。" in response.content.decode()
    assert not ShopSettings.objects.exists()


def test_with_no_choice_the_visitor_s_language_is_kept():
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get("/")
    assert page["Content-Language"] == "en"
    html = page.content.decode()
    assert 'value="zh-hans"' in html and '<option value="en" selected>English</option>' in html
