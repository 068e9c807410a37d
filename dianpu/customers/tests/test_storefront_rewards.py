"""The storefront account pages: sign up with a mobile number (get the code, then sign up), sign
in with a code, check in, exchange points for a coupon and see it among "my coupons"."""

import json
from decimal import Decimal

import pytest

from dianpu.core import clock
from dianpu.customers.models import Customer, PointsOffer
from dianpu.customers.services import adjust_points
from dianpu.messaging.tests.test_aliyun_sms import KEY_ID, SECRET, FakeDysmsapi, dysmsapi  # noqa: F401

from .builders import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def sms(dysmsapi, settings):  # noqa: F811
    settings.SMS_PROVIDER = "aliyun"
    settings.ALIYUN_SMS_ACCESS_KEY_ID, settings.ALIYUN_SMS_ACCESS_KEY_SECRET = KEY_ID, SECRET
    settings.ALIYUN_SMS_SIGN_NAME, settings.ALIYUN_SMS_ENDPOINT = "店铺", dysmsapi
    yield FakeDysmsapi
    clock.freeze(None)


def test_a_shopper_signs_up_by_mobile_checks_in_and_exchanges_points(client, sms):
    page = client.get("/account/sign-up/phone/")
    assert page.status_code == 200 and "获取验证码" in page.content.decode()
    sent = client.post("/account/sign-up/phone/", {"phone": "13700137000", "action": "send-code"})
    assert sent.status_code == 200 and "验证码已发送" in sent.content.decode()
    code = json.loads(sms.received[-1]["TemplateParam"])["code"]
    wrong = client.post("/account/sign-up/phone/", {"phone": "13700137000", "code": "000000", "password": PASSWORD})
    assert wrong.status_code == 422 and "验证码不正确" in wrong.content.decode()
    done = client.post(
        "/account/sign-up/phone/", {"phone": "13700137000", "code": code, "password": PASSWORD, "name": "李华"}
    )
    assert done.status_code == 302 and done["Location"] == "/account/"
    customer = Customer.objects.get(phone="+8613700137000")
    assert customer.phone_verified_at is not None

    client.post("/account/", {"form": "check-in"})
    assert Customer.objects.get(pk=customer.pk).points_balance == 5
    assert "今天已签到" in client.get("/account/").content.decode()

    adjust_points(customer=customer, delta=995, reason="test")
    offer = PointsOffer.objects.create(
        name="20 元无门槛券", points=800, coupon_amount=Decimal("20"), created_at=clock.now()
    )
    client.post("/account/", {"form": "exchange", "offer": offer.pk})
    held = customer.member_coupons.get()
    page = client.get("/account/").content.decode()
    assert held.code in page and Customer.objects.get(pk=customer.pk).points_balance == 200
    refused = client.post("/account/", {"form": "exchange", "offer": offer.pk})
    assert refused.status_code == 422 and "积分不足" in refused.content.decode()
    assert customer.member_coupons.count() == 1

    client.post("/account/sign-out/")
    clock.freeze(clock.now().replace(year=clock.now().year + 1))
    client.post("/account/sign-in/phone/", {"phone": "13700137000", "action": "send-code"})
    code = json.loads(sms.received[-1]["TemplateParam"])["code"]
    signed = client.post("/account/sign-in/phone/", {"phone": "13700137000", "code": code})
    assert signed.status_code == 302 and client.get("/account/").status_code == 200
