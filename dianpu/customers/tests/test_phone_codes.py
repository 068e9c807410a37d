"""Sign-up and sign-in by mobile number: the SMS code goes through Alibaba Cloud (a local server
checking the signature) after commit, is hashed, expires, allows few wrong tries, works once,
and sending is throttled; a provider that fails leaves a clear error and no usable code."""

import json
from datetime import timedelta

import pytest

from dianpu.core import clock
from dianpu.core.errors import DomainError
from dianpu.customers.models import Customer, PhoneCode
from dianpu.customers.phone_codes import request_code, sign_in_by_code, sign_up_by_phone
from dianpu.customers.services import authenticate_customer
from dianpu.messaging.tests.test_aliyun_sms import KEY_ID, SECRET, FakeDysmsapi, dysmsapi  # noqa: F401

from .builders import PASSWORD, make_account

pytestmark = pytest.mark.django_db
MOBILE = "13800138000"


@pytest.fixture
def sms(dysmsapi, settings):  # noqa: F811
    settings.SMS_PROVIDER = "aliyun"
    settings.ALIYUN_SMS_ACCESS_KEY_ID, settings.ALIYUN_SMS_ACCESS_KEY_SECRET = KEY_ID, SECRET
    settings.ALIYUN_SMS_SIGN_NAME, settings.ALIYUN_SMS_ENDPOINT = "店铺", dysmsapi
    settings.PHONE_CODE_SMS_TEMPLATE = "SMS_CODE_1"
    yield FakeDysmsapi
    clock.freeze(None)


def last_code(fake) -> str:
    return json.loads(fake.received[-1]["TemplateParam"])["code"]


def later(seconds):
    clock.freeze(clock.now() + timedelta(seconds=seconds))


def test_sign_up_by_mobile_with_the_texted_code(sms):
    sent = request_code(MOBILE, "sign_up", "10.0.0.1")
    assert sent.expires_in == 600 and sent.resend_after == 60
    assert [(p["PhoneNumbers"], p["TemplateCode"]) for p in sms.received] == [(MOBILE, "SMS_CODE_1")]
    code = last_code(sms)
    row = PhoneCode.objects.get()
    assert row.code_hash != code and code not in row.code_hash and row.sent  # only a hash is kept
    customer = sign_up_by_phone(phone="138 0013 8000", code=code, password=PASSWORD, name="李雷")
    assert customer.phone == "+8613800138000" and customer.phone_verified_at is not None
    assert customer.has_account and not customer.has_email and customer.shown_email == ""
    assert authenticate_customer(MOBILE, PASSWORD).pk == customer.pk  # the password works with the mobile too
    with pytest.raises(DomainError) as again:  # the code works once
        sign_up_by_phone(phone=MOBILE, code=code, password=PASSWORD)
    assert again.value.code == "phone_taken"
    with pytest.raises(DomainError) as taken:
        request_code(MOBILE, "sign_up")
    assert taken.value.code == "phone_taken"


def test_a_wrong_or_expired_code_is_refused_and_guessing_ends_after_five_tries(sms):
    request_code(MOBILE, "sign_up")
    code = last_code(sms)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _try in range(5):
        with pytest.raises(DomainError) as refused:
            sign_up_by_phone(phone=MOBILE, code=wrong, password=PASSWORD)
        assert refused.value.code == "code_invalid"
    with pytest.raises(DomainError):  # the right code no longer helps: the tries are spent
        sign_up_by_phone(phone=MOBILE, code=code, password=PASSWORD)
    assert not Customer.objects.exists()
    later(61)
    request_code(MOBILE, "sign_up")
    code = last_code(sms)
    later(601)
    with pytest.raises(DomainError) as expired:
        sign_up_by_phone(phone=MOBILE, code=code, password=PASSWORD)
    assert expired.value.code == "code_invalid" and not Customer.objects.exists()


def test_bad_numbers_and_weak_passwords_are_refused_before_any_sms(sms):
    for raw, code in (
        ("12345", "phone_invalid"),
        ("1380013800", "phone_invalid"),
        ("010 6552 9988", "phone_not_mobile"),
        ("", "phone_invalid"),
    ):
        with pytest.raises(DomainError) as refused:
            request_code(raw, "sign_up")
        assert refused.value.code == code, raw
    assert sms.received == []
    request_code(MOBILE, "sign_up")
    with pytest.raises(DomainError) as weak:
        sign_up_by_phone(phone=MOBILE, code=last_code(sms), password="12345678")
    assert weak.value.code == "password_weak"
    assert PhoneCode.objects.get().used_at is None  # the code stays usable for a better password


def test_sending_is_throttled_per_number(sms):
    request_code(MOBILE, "sign_up")
    with pytest.raises(DomainError) as soon:
        request_code(MOBILE, "sign_up")
    assert (soon.value.code, soon.value.status) == ("code_too_soon", 429)
    for _n in range(4):
        later(61)
        request_code(MOBILE, "sign_up", "10.0.0.2")
    later(61)
    with pytest.raises(DomainError) as many:
        request_code(MOBILE, "sign_up", "10.0.0.3")
    assert many.value.code == "code_too_many"
    assert len(sms.received) == 5
    assert PhoneCode.objects.filter(used_at__isnull=True).count() == 1  # a new code voids the earlier ones


def test_a_failing_provider_says_so_and_leaves_no_usable_code(sms, settings):
    settings.ALIYUN_SMS_ACCESS_KEY_SECRET = "wrong"  # the server refuses the signature
    with pytest.raises(DomainError) as failed:
        request_code(MOBILE, "sign_up")
    assert (failed.value.code, failed.value.status) == ("sms_failed", 502)
    assert PhoneCode.objects.get().used_at is not None
    settings.ALIYUN_SMS_ENDPOINT = "http://127.0.0.1:9"  # nothing listens
    later(61)
    with pytest.raises(DomainError) as down:
        request_code(MOBILE, "sign_up")
    assert down.value.code == "sms_failed"


def test_sign_in_by_code_and_numbers_without_an_account_get_no_sms(sms):
    customer = make_account("han@example.com", name="韩梅梅")
    Customer.objects.filter(pk=customer.pk).update(phone="+8613800138000")
    request_code("+86 139 0013 9000", "sign_in")
    assert sms.received == []  # no account: the same answer, no message
    request_code(MOBILE, "sign_in")
    signed_in = sign_in_by_code(phone=MOBILE, code=last_code(sms))
    assert signed_in.pk == customer.pk and signed_in.phone_verified_at is not None
    with pytest.raises(DomainError):
        sign_in_by_code(phone=MOBILE, code=last_code(sms))  # once
