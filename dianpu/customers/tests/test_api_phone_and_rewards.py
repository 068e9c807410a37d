"""The API of mobile sign-up / sign-in and of the member's rewards: codes by SMS, a customer
token from a code, the daily check-in, the exchange list and a coupon bought with points."""

import json
from decimal import Decimal

import pytest

from dianpu.core import clock
from dianpu.customers.models import PointsOffer
from dianpu.messaging.tests.test_aliyun_sms import KEY_ID, SECRET, FakeDysmsapi, dysmsapi  # noqa: F401

from .builders import PASSWORD, make_account, token_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def sms(dysmsapi, settings):  # noqa: F811
    settings.SMS_PROVIDER = "aliyun"
    settings.ALIYUN_SMS_ACCESS_KEY_ID, settings.ALIYUN_SMS_ACCESS_KEY_SECRET = KEY_ID, SECRET
    settings.ALIYUN_SMS_SIGN_NAME, settings.ALIYUN_SMS_ENDPOINT = "店铺", dysmsapi
    return FakeDysmsapi


def code_sent(fake):
    return json.loads(fake.received[-1]["TemplateParam"])["code"]


def test_sign_up_and_sign_in_by_mobile_through_the_api(api, api_en, sms):
    assert api.post("accounts/phone-code", {"phone": "13912345678"}).status_code == 202
    bad = api.post("accounts/signup-phone", {"phone": "13912345678", "code": "000000", "password": PASSWORD})
    assert bad.status_code == 422 and bad.json()["code"] == "code_invalid"
    made = api.post(
        "accounts/signup-phone", {"phone": "13912345678", "code": code_sent(sms), "password": PASSWORD, "name": "小明"}
    )
    assert made.status_code == 201 and made.json()["email"] == ""
    token = api.post("accounts/token", {"email": "13912345678", "password": PASSWORD}).json()["token"]
    from conftest import ApiClient

    me = ApiClient(token).get("me").json()
    assert (me["email"], me["phone"], me["phone_verified"], me["name"]) == ("", "+8613912345678", True, "小明")
    taken = api_en.post("accounts/phone-code", {"phone": "+86 139 1234 5678"})
    assert taken.status_code == 422 and taken.json()["code"] == "phone_taken"
    assert "another account" in taken.json()["detail"]
    invalid = api_en.post("accounts/phone-code", {"phone": "139123"})
    assert invalid.status_code == 422 and invalid.json()["code"] == "phone_invalid"
    clock.freeze(clock.now().replace(year=clock.now().year + 1))
    try:
        assert api.post("accounts/phone-code", {"phone": "13912345678", "purpose": "sign_in"}).status_code == 202
        signed = api.post("accounts/token-phone", {"phone": "13912345678", "code": code_sent(sms)})
        assert signed.status_code == 200 and signed.json()["token"].startswith("cu_")
    finally:
        clock.freeze(None)


def test_the_email_contract_is_unchanged(api):
    made = api.post("accounts/signup", {"email": "Mei@Example.com", "password": PASSWORD, "name": "美"})
    assert made.status_code == 201 and made.json()["email"] == "mei@example.com"
    assert (
        api.post("accounts/signup", {"email": "mei@example.com", "password": PASSWORD}).json()["code"] == "email_taken"
    )


def test_check_in_and_exchange_through_the_api():
    from conftest import ApiClient

    customer = make_account(points=600)
    me = ApiClient(token_of(customer))
    first = me.post("me/check-in")
    assert first.status_code == 201 and first.json() == {"streak": 1, "points": 5, "balance": 605}
    assert me.post("me/check-in").json()["code"] == "check_in_done"
    offer = PointsOffer.objects.create(name="10 元券", points=500, coupon_amount=Decimal("10"), created_at=clock.now())
    assert [o["id"] for o in me.get("me/points-offers").json()["items"]] == [offer.pk]
    bought = me.post("me/points-exchange", {"offer_id": offer.pk})
    assert bought.status_code == 201 and bought.json()["amount"] == "10.00"
    short = me.post("me/points-exchange", {"offer_id": offer.pk})
    assert short.status_code == 422 and short.json()["code"] == "points_insufficient"
    body = me.get("me").json()
    assert body["points"] == 105 and [c["code"] for c in body["coupons"]] == [bought.json()["code"]]
    assert me.post("me/points-exchange", {"offer_id": 999}).status_code == 404
    assert ApiClient().post("me/check-in").status_code == 401
