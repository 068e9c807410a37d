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
