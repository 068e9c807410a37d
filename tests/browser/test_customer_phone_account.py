"""A shopper opens an account with a mobile number: asks for a code (texted through Alibaba Cloud,
a local server checking the signature), signs up with it, checks in for points and exchanges
points for a coupon that shows among "my coupons"."""

import json
from decimal import Decimal

import pytest

from dianpu.core import clock
from dianpu.customers.models import Customer, PointsOffer
from dianpu.customers.services import adjust_points
from dianpu.messaging.tests.test_aliyun_sms import KEY_ID, SECRET, FakeDysmsapi, dysmsapi  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "Osmanthus-Tea-2026"


def test_sign_up_by_mobile_check_in_and_exchange_points(page, live_server, dysmsapi, settings):  # noqa: F811
    settings.SMS_PROVIDER = "aliyun"
    settings.ALIYUN_SMS_ACCESS_KEY_ID, settings.ALIYUN_SMS_ACCESS_KEY_SECRET = KEY_ID, SECRET
    settings.ALIYUN_SMS_SIGN_NAME, settings.ALIYUN_SMS_ENDPOINT = "店铺", dysmsapi
    base = live_server.url
    page.goto(f"{base}/account/sign-in/")
    page.click("a[href='/account/sign-in/phone/']")
    page.click("a[href='/account/sign-up/phone/']")
    page.fill("#id_phone", "13600136000")
    page.click("#send-code")
    assert "验证码已发送" in page.inner_text("main")
    code = json.loads(FakeDysmsapi.received[-1]["TemplateParam"])["code"]
    page.fill("#id_code", code)
    page.fill("#id_name", "李华")
    page.fill("#id_password", PASSWORD)
    page.click("form.account-form button.btn-primary")
    page.wait_for_url("**/account/")
    customer = Customer.objects.get(phone="+8613600136000")

    page.click("#check-in-button")
    assert "签到成功" in page.inner_text("main")
    assert page.inner_text("#account-points") == "5"

    adjust_points(customer=customer, delta=995, reason="新会员礼")
    PointsOffer.objects.create(name="10 元无门槛券", points=1000, coupon_amount=Decimal("10"), created_at=clock.now())
    page.goto(f"{base}/account/")
    page.click("#points-exchange button[type=submit]")
    assert "兑换成功" in page.inner_text("main")
    assert page.inner_text("#account-points") == "0"
    assert customer.member_coupons.get().code in page.inner_text("#my-coupons")
