"""The owner's shop settings: saved, audited, used by the storefront, labels and the worker; the
environment's values stay the defaults; staff change their own passwords."""

import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from PIL import Image

from dianpu.accounts.tests.builders import PASSWORD, make_staff
from dianpu.audit.models import AuditEntry
from dianpu.catalog.tests.builders import make_product
from dianpu.core import clock
from dianpu.orders.models import Order
from dianpu.orders.services import cancel_expired_unpaid_orders
from dianpu.orders.tests.builders import place_test_order
from dianpu.shop.models import ShopSettings
from dianpu.shop.queries import get_shop_profile

pytestmark = pytest.mark.django_db

FORM = {
    "name": "小岛杂货铺",
    "contact_email": "hi@xiaodao.example",
    "contact_phone": "0571-88886666",
    "business_hours": "每天 9:00–21:00",
    "sender_name": "小岛仓",
    "sender_phone": "13900001111",
    "sender_address": "浙江省杭州市余杭区仓前街道 8 号",
    "currency": "CNY",
    "prices_include_tax": "on",
    "unpaid_timeout_hours": "24",
}


@pytest.fixture(autouse=True)
def fresh_profile():
    from dianpu.shop.queries import forget_shop_profile

    forget_shop_profile()
    yield
    forget_shop_profile()


def signed_in(role):
    user = make_staff(role, f"{role}-shop")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.login(username=user.username, password=PASSWORD)
    return client, user


def png(size=(64, 64)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (228, 57, 60)).save(out, "PNG")
    return out.getvalue()


def upload(data: bytes, name="logo.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/png")


def test_without_a_saved_row_the_environment_gives_the_values():
    profile = get_shop_profile()
    assert (profile.name, profile.currency, profile.unpaid_timeout_hours) == (
        settings.SHOP_NAME,
        settings.SHOP_CURRENCY,
        settings.UNPAID_ORDER_TIMEOUT_HOURS,
    )
    assert profile.sender_line == settings.SHOP_NAME


def test_the_owner_saves_the_settings_and_the_storefront_and_labels_use_them(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    client, owner = signed_in("owner")
    response = client.post("/console/shop/", {**FORM, "logo_upload": upload(png())})
    assert response.status_code == 302
    profile = get_shop_profile()
    assert (profile.name, profile.unpaid_timeout_hours, profile.business_hours) == ("小岛杂货铺", 24, "每天 9:00–21:00")
    assert profile.sender_line == "小岛仓 · 13900001111 · 浙江省杭州市余杭区仓前街道 8 号"
    assert profile.logo_url.endswith(".png")
    entry = AuditEntry.objects.get(action="shop.settings_changed")
    assert entry.actor_id == owner.pk and "name" in entry.changes and "logo" in entry.changes

    home = Client().get("/").content.decode()
    assert "小岛杂货铺" in home and profile.logo_url in home and "0571-88886666" in home and "每天 9:00–21:00" in home


def test_a_blank_field_falls_back_to_the_environment(settings):
    client, _owner = signed_in("owner")
    client.post("/console/shop/", {**FORM, "name": "", "unpaid_timeout_hours": ""})
    profile = get_shop_profile()
    assert (profile.name, profile.unpaid_timeout_hours) == (settings.SHOP_NAME, settings.UNPAID_ORDER_TIMEOUT_HOURS)


def test_only_the_owner_opens_the_settings_and_a_refusal_changes_nothing():
    for role in ("operator", "marketing", "agent", "warehouse", "finance", "designer"):
        client, _user = signed_in(role)
        assert client.get("/console/shop/").status_code == 403
        assert client.post("/console/shop/", FORM).status_code == 403
    assert not ShopSettings.objects.exists()
    assert not AuditEntry.objects.filter(action="shop.settings_changed").exists()


def test_a_logo_too_large_or_not_a_picture_is_refused_and_nothing_is_saved(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    client, _owner = signed_in("owner")
    too_large = client.post("/console/shop/", {**FORM, "logo_upload": upload(b"\x89PNG" + b"0" * 600_000)})
    assert too_large.status_code == 422
    assert "标志图片不能超过 512 KB。" in too_large.content.decode()
    not_a_picture = client.post("/console/shop/", {**FORM, "logo_upload": upload(b"<svg onload=alert(1)>", "logo.svg")})
    assert not_a_picture.status_code == 422
    assert "无法读取该图片文件" in not_a_picture.content.decode()
    assert not ShopSettings.objects.exists()
    assert list(tmp_path.rglob("*")) == []


def test_the_worker_cancels_unpaid_orders_after_the_shop_s_timeout():
    make_product(skus=["TEE-M"], stock=5)
    order = place_test_order({"TEE-M": 1})
    Order.objects.filter(pk=order.pk).update(placed_at=clock.now() - timedelta(hours=30))
    assert cancel_expired_unpaid_orders() == 0  # the environment's 72 hours
    client, _owner = signed_in("owner")
    client.post("/console/shop/", FORM)  # 24 hours
    assert cancel_expired_unpaid_orders() == 1
    assert Order.objects.get(pk=order.pk).status == "cancelled"


@pytest.mark.parametrize("role", ["owner", "operator", "marketing", "agent", "warehouse", "finance", "designer"])
def test_every_staff_member_changes_their_own_password(role):
    client, user = signed_in(role)
    wrong = client.post(
        "/console/staff/password/",
        {"old_password": "not-it", "new_password": "Lanmei-2026-xyz", "new_password_again": "Lanmei-2026-xyz"},
    )
    assert wrong.status_code == 422 and "当前密码不正确。" in wrong.content.decode()
    assert get_user_model().objects.get(pk=user.pk).check_password(PASSWORD)

    done = client.post(
        "/console/staff/password/",
        {"old_password": PASSWORD, "new_password": "Lanmei-2026-xyz", "new_password_again": "Lanmei-2026-xyz"},
    )
    assert done.status_code == 302
    assert get_user_model().objects.get(pk=user.pk).check_password("Lanmei-2026-xyz")
    assert client.get("/console/").status_code == 200  # still signed in
    assert AuditEntry.objects.filter(action="permissions.password_changed", actor_id=user.pk).count() == 1
