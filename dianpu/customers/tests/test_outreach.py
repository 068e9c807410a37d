"""Outreach: a segment e-mailed once with an unsubscribe link, nothing in quiet hours, SMS through
Alibaba Cloud (a local server checking the signature), holiday greetings scheduled ahead."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from dianpu.customers.models import Customer, Outreach, OutreachMessage
from dianpu.customers.outreach import (
    outreach_figures,
    schedule_birthday_greetings,
    schedule_holiday_greetings,
    schedule_outreach,
    send_due_outreach,
)
from dianpu.messaging.tests.test_aliyun_sms import KEY_ID, SECRET, FakeDysmsapi, dysmsapi  # noqa: F401

from .builders import make_account

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOON = datetime(2026, 12, 7, 12, 0, tzinfo=SHANGHAI)


def customers():
    a = make_account("a@example.com", name="阿美")
    b = make_account("b@example.com", name="Bob")
    c = make_account("c@example.com", name="不同意")
    Customer.objects.filter(pk__in=[a.pk, b.pk]).update(
        consent_email=True, segments=["at_risk"], consent_sms=True, phone="+8613800138000"
    )
    Customer.objects.filter(pk=c.pk).update(segments=["at_risk"])  # no consent: never messaged
    Customer.objects.filter(pk=b.pk).update(language="en")
    return a, b, c


def test_a_win_back_email_reaches_the_segment_once_with_an_unsubscribe_link(client):
    customers()
    outreach = schedule_outreach(
        name="召回",
        channel="email",
        segment="at_risk",
        subject="好久不见",
        body="{{ name }}，好久不见！",
        subject_en="We miss you",
        body_en="{{ name }}, we miss you!",
        coupon_code="BACK20",
        scheduled_at=NOON,
    )
    assert send_due_outreach(NOON) == 2
    assert send_due_outreach(NOON) == 0  # nothing twice
    by_to = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_to) == ["a@example.com", "b@example.com"]
    assert by_to["a@example.com"].subject == "好久不见" and "阿美，好久不见！" in by_to["a@example.com"].body
    assert "BACK20" in by_to["a@example.com"].body
    assert by_to["b@example.com"].subject == "We miss you"
    assert outreach_figures(outreach) == {"sent": 2, "delivered": 2, "failed": 0, "opened": 0, "clicked": 0}
    link = next(line for line in by_to["a@example.com"].body.splitlines() if "/account/unsubscribe/" in line)
    client.get(link[link.index("/account/") :])
    assert Customer.objects.get(email="a@example.com").consent_email is False


def test_nothing_goes_out_in_quiet_hours():
    customers()
    schedule_outreach(name="夜里", channel="email", segment="at_risk", subject="s", body="b", scheduled_at=NOON)
    assert send_due_outreach(datetime(2026, 12, 7, 22, 30, tzinfo=SHANGHAI)) == 0
    assert send_due_outreach(datetime(2026, 12, 8, 8, 59, tzinfo=SHANGHAI)) == 0
    assert mail.outbox == [] and not OutreachMessage.objects.exists()
    assert send_due_outreach(datetime(2026, 12, 8, 9, 0, tzinfo=SHANGHAI)) == 2


def test_sms_goes_through_alibaba_cloud_and_a_refusal_is_recorded(dysmsapi, settings):  # noqa: F811
    settings.SMS_PROVIDER = "aliyun"
    settings.ALIYUN_SMS_ACCESS_KEY_ID, settings.ALIYUN_SMS_ACCESS_KEY_SECRET = KEY_ID, SECRET
    settings.ALIYUN_SMS_SIGN_NAME, settings.ALIYUN_SMS_ENDPOINT = "店铺", dysmsapi
    customers()
    Customer.objects.filter(email="b@example.com").update(phone="+1 650 253 0000x")  # the provider refuses it
    outreach = schedule_outreach(
        name="短信", channel="sms", segment="at_risk", sms_template="SMS_99", scheduled_at=NOON
    )
    assert send_due_outreach(NOON) == 2
    assert [p["PhoneNumbers"] for p in FakeDysmsapi.received] == ["13800138000"]
    assert outreach_figures(outreach) == {"sent": 2, "delivered": 1, "failed": 1, "opened": 0, "clicked": 0}
    failed = OutreachMessage.objects.get(status="failed")
    assert failed.error.startswith("isv.MOBILE_NUMBER_ILLEGAL")


def test_a_bad_outreach_is_refused_field_by_field():
    from dianpu.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        schedule_outreach(name="x", channel="fax", segment="nobody", scheduled_at=None)
    assert set(refused.value.errors) == {"channel", "segment", "scheduled_at"}
    with pytest.raises(ValidationFailed) as refused:
        schedule_outreach(name="x", channel="sms", scheduled_at=NOON)
    assert set(refused.value.errors) == {"sms_template"}
    assert not Outreach.objects.exists()


def test_holiday_greetings_are_scheduled_ahead_once_and_sent_in_each_language():
    made = schedule_holiday_greetings(2027)
    assert [(o.occasion, o.scheduled_at.astimezone(SHANGHAI).date()) for o in made] == [
        ("spring_festival", date(2027, 2, 6)),
        ("618", date(2027, 6, 15)),
        ("mid_autumn", date(2027, 9, 15)),
        ("double_11", date(2027, 11, 8)),
    ]
    assert schedule_holiday_greetings(2027) == []
    customers()
    send_due_outreach(datetime(2027, 2, 6, 10, 0, tzinfo=SHANGHAI))
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects == {"a@example.com": "新春快乐！", "b@example.com": "Happy Spring Festival!"}


def test_birthday_greetings_go_to_those_born_today():
    a, b, _c = customers()
    Customer.objects.filter(pk=a.pk).update(birthday=date(1990, 12, 7))
    assert schedule_birthday_greetings(date(2026, 12, 7)) is not None
    assert schedule_birthday_greetings(date(2026, 12, 7)) is None
    send_due_outreach(datetime(2026, 12, 7, 10, 5, tzinfo=SHANGHAI))
    assert [(m.to[0], m.subject) for m in mail.outbox] == [("a@example.com", "生日快乐！")]
