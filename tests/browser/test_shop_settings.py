"""The owner sets the shop's name, logo and label address in the console; the storefront shows them."""

import io

import pytest
from PIL import Image

from dianpu.accounts.tests.builders import make_staff
from dianpu.shop.queries import forget_shop_profile, get_shop_profile
from tests.browser.conftest import console_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_owner_names_the_shop_and_uploads_its_logo(page, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    forget_shop_profile()
    make_staff("owner")
    console_login(page, live_server.url, "owner", then="/console/shop/")
    logo = io.BytesIO()
    Image.new("RGB", (96, 96), (20, 120, 200)).save(logo, "PNG")

    page.fill("#id_name", "小岛杂货铺")
    page.fill("#id_sender_address", "浙江省杭州市余杭区仓前街道 8 号")
    page.fill("#id_unpaid_timeout_hours", "24")
    page.set_input_files("#id_logo_upload", {"name": "logo.png", "mimeType": "image/png", "buffer": logo.getvalue()})
    page.click("#shop-settings button[type=submit]")
    page.wait_for_selector(".msg-success, .msg.success, [role=status]")
    assert "店铺设置已保存。" in page.inner_text("main")
    assert page.locator("#current-logo").evaluate("img => img.naturalWidth") == 96
    assert page.input_value("#id_unpaid_timeout_hours") == "24"
    assert get_shop_profile().unpaid_timeout_hours == 24

    page.goto(f"{live_server.url}/")
    assert "小岛杂货铺" in page.inner_text("header")
    assert page.locator("header img.logo-image").evaluate("img => img.naturalWidth") == 96
    forget_shop_profile()


def test_the_owner_switches_a_payment_method_off_and_retires_a_shipping_method(page, live_server):
    from dianpu.fulfillment.models import ShippingMethod

    forget_shop_profile()
    make_staff("owner")
    console_login(page, live_server.url, "owner", then="/console/shop/")
    assert "STRIPE_SECRET_KEY" in page.inner_text("#payment-methods")
    page.uncheck("#id_pay_bank_transfer_on")
    page.fill("#id_pay_cod_fixed", "5")
    page.click("#shop-settings button[type=submit]")
    page.wait_for_selector(".msg-success, .msg.success, [role=status]")
    assert get_shop_profile().payment_method_on("bank_transfer") is False
    assert page.is_checked("#id_pay_bank_transfer_on") is False
    assert page.input_value("#id_pay_cod_fixed") == "5.00"

    page.fill("#id_method-code", "same-day")
    page.fill("#id_method-name", "同城当日达")
    page.fill("#id_method-fee", "15")
    page.click("#shipping-method-add button[type=submit]")
    page.wait_for_selector('[data-method="same-day"]')
    page.click('[data-method="same-day"] button[type=submit]')
    page.wait_for_selector('[data-method="same-day"] >> text=已停用')
    assert ShippingMethod.objects.get(code="same-day").is_active is False
    forget_shop_profile()
