"""Rewards: points per action (check-in streaks, first review, complete profile) once each; the
points exchange issues a real, single-use coupon in the same transaction as the points it costs;
birthday coupons once a year by tier with a notice; win-back coupons for at-risk customers with
their message, once per period, honouring consent and quiet hours."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from dianpu.core import clock
from dianpu.core.errors import DomainError
from dianpu.customers.domain.points import birthday_in, check_in_points, next_check_in
from dianpu.customers.models import Customer, MemberCoupon, MembershipTier, PointsEntry, PointsOffer
from dianpu.customers.outreach import send_due_outreach
from dianpu.customers.rewards import check_in, exchange_points, issue_birthday_coupons, issue_win_back
from dianpu.customers.services import update_profile
from dianpu.messaging.tests.test_aliyun_sms import dysmsapi  # noqa: F401
from dianpu.promotions.models import Coupon

from .builders import make_account

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def at():
    def move(when):
        clock.freeze(when)

    yield move
    clock.freeze(None)


def balance(customer):
    return Customer.objects.get(pk=customer.pk).points_balance


def test_streak_rules():
    d = date(2026, 12, 7)
    assert next_check_in(None, 0, d) == 1
    assert next_check_in(d - timedelta(days=1), 6, d) == 7
    assert next_check_in(d - timedelta(days=2), 6, d) == 1
    assert [check_in_points(s, 5, 50) for s in (1, 6, 7, 14)] == [5, 5, 55, 55]
    assert birthday_in(2027, 2, 29) == (2, 28) and birthday_in(2028, 2, 29) == (2, 29)


def test_daily_check_in_once_a_day_with_a_weekly_bonus(at):
    customer = make_account()
    start = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)
    for day in range(7):
        at(start + timedelta(days=day))
        result = check_in(customer)
        assert result["streak"] == day + 1
    assert balance(customer) == 6 * 5 + 55
    with pytest.raises(DomainError) as twice:
        check_in(customer)
    assert twice.value.code == "check_in_done" and balance(customer) == 85
    at(start + timedelta(days=9))  # a day missed: the streak starts again
    assert check_in(customer) == {"streak": 1, "points": 5}
    assert PointsEntry.objects.filter(kind="action", reference__startswith="check-in-").count() == 8


def test_a_complete_profile_and_the_first_review_earn_points_once():
    from dianpu.customers.surveys import answer_survey, survey_token

    customer = make_account()
    update_profile(customer, phone="13800138000")
    assert balance(customer) == 0
    update_profile(customer, birthday=date(1990, 5, 4))
    assert balance(customer) == 100
    update_profile(customer, name="王美美")
    assert balance(customer) == 100
    answer_survey(survey_token(customer.pk, "csat", "DP-1"), 5)
    answer_survey(survey_token(customer.pk, "csat", "DP-2"), 4)
    assert balance(customer) == 200


def offer(points=500, amount="10.00"):
    return PointsOffer.objects.create(
        name="10 元券",
        name_en="¥10 coupon",
        points=points,
        coupon_amount=Decimal(amount),
        coupon_min_spend=Decimal("50"),
        valid_days=30,
        created_at=clock.now(),
    )


def test_points_buy_a_single_use_coupon_and_too_few_points_buy_nothing():
    customer = make_account(points=1200)
    o = offer()
    first = exchange_points(customer=customer, offer_id=o.pk)
    coupon = Coupon.objects.get(code=first.code)
    assert (coupon.amount, coupon.min_spend, coupon.usage_limit, coupon.kind) == (
        Decimal("10.00"),
        Decimal("50"),
        1,
        "amount",
    )
    exchange_points(customer=customer, offer_id=o.pk)
    assert balance(customer) == 200
    with pytest.raises(DomainError) as short:
        exchange_points(customer=customer, offer_id=o.pk)
    assert short.value.code == "points_insufficient"
    assert balance(customer) == 200 and MemberCoupon.objects.count() == 2 and Coupon.objects.count() == 2
    PointsOffer.objects.filter(pk=o.pk).update(is_active=False)
    with pytest.raises(DomainError) as gone:
        exchange_points(customer=customer, offer_id=o.pk)
    assert gone.value.code == "offer_unavailable"


def test_birthday_coupons_once_a_year_for_tiers_that_give_one(django_capture_on_commit_callbacks):
    MembershipTier.objects.filter(code="gold").update(
        birthday_coupon_amount=Decimal("30"), birthday_coupon_min_spend=Decimal("100")
    )
    gold = make_account("gold@example.com", name="金")
    plain = make_account("plain@example.com")
    leap = make_account("leap@example.com")
    Customer.objects.filter(pk__in=[gold.pk, plain.pk]).update(birthday=date(1990, 12, 7))
    Customer.objects.filter(pk=gold.pk).update(tier="gold")
    Customer.objects.filter(pk=leap.pk).update(tier="gold", birthday=date(1992, 2, 29))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert issue_birthday_coupons(date(2026, 12, 7)) == 1
    assert issue_birthday_coupons(date(2026, 12, 7)) == 0  # once a year
    coupon = MemberCoupon.objects.get(customer=gold)
    assert (
        coupon.source == "birthday"
        and coupon.amount == Decimal("30")
        and Coupon.objects.filter(code=coupon.code).exists()
    )
    assert [m.to for m in mail.outbox] == [["gold@example.com"]] and coupon.code in mail.outbox[0].body
    assert issue_birthday_coupons(date(2027, 2, 28)) == 1  # 29 February, in a year without one
    assert issue_birthday_coupons(date(2027, 12, 7)) == 1  # a new year


def test_win_back_coupons_reach_at_risk_customers_who_agreed_once_per_period():
    agreed = make_account("back@example.com", name="回来")
    silent = make_account("silent@example.com")
    Customer.objects.filter(pk__in=[agreed.pk, silent.pk]).update(segments=["at_risk"])
    Customer.objects.filter(pk=agreed.pk).update(consent_email=True)
    night = datetime(2026, 12, 7, 4, 10, tzinfo=SHANGHAI)
    mail.outbox.clear()
    assert issue_win_back(night) == 1
    assert issue_win_back(night + timedelta(days=1)) == 0  # once per WIN_BACK_EVERY_DAYS
    coupon = MemberCoupon.objects.get()
    assert coupon.customer_id == agreed.pk and Coupon.objects.get(code=coupon.code).amount == Decimal("20")
    assert send_due_outreach(night) == 0  # quiet hours: the message waits
    assert send_due_outreach(datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)) == 1
    assert [m.to for m in mail.outbox] == [["back@example.com"]] and coupon.code in mail.outbox[0].body
    assert issue_win_back(night + timedelta(days=61)) == 1


def test_win_back_honours_an_unsubscribe_before_the_message_goes():
    customer = make_account("gone@example.com")
    Customer.objects.filter(pk=customer.pk).update(segments=["at_risk"], consent_email=True)
    night = datetime(2026, 12, 7, 4, 10, tzinfo=SHANGHAI)
    issue_win_back(night)
    Customer.objects.filter(pk=customer.pk).update(consent_email=False)
    mail.outbox.clear()
    assert send_due_outreach(datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)) == 0 and mail.outbox == []


def test_coupons_follow_a_merge_and_appear_in_the_data_export():
    from dianpu.customers.queries import export_customer
    from dianpu.customers.services import merge_customers

    keep = make_account("keep@example.com", points=600)
    other = make_account("other@example.com", points=600)
    o = offer()
    exchange_points(customer=other, offer_id=o.pk)
    merged = merge_customers(keep=keep, other=Customer.objects.get(pk=other.pk))
    assert [c.customer_id for c in MemberCoupon.objects.all()] == [keep.pk]
    assert [c["code"] for c in export_customer(merged)["coupons"]] == [MemberCoupon.objects.get().code]


def test_two_erased_mobile_accounts_do_not_clash():
    from dianpu.customers.services import erase_customer

    for n, phone in enumerate(("+8613600136001", "+8613600136002")):
        c = make_account(f"m{n}@example.com")
        Customer.objects.filter(pk=c.pk).update(phone=phone, phone_verified_at=clock.now())
        erase_customer(customer=Customer.objects.get(pk=c.pk))
    assert Customer.objects.filter(phone="", phone_verified_at__isnull=True).count() == 2


def test_win_back_by_sms_carries_each_customer_s_own_code(settings, dysmsapi):  # noqa: F811
    import json

    from dianpu.messaging.tests.test_aliyun_sms import KEY_ID, SECRET, FakeDysmsapi

    settings.SMS_PROVIDER = "aliyun"
    settings.ALIYUN_SMS_ACCESS_KEY_ID, settings.ALIYUN_SMS_ACCESS_KEY_SECRET = KEY_ID, SECRET
    settings.ALIYUN_SMS_SIGN_NAME, settings.ALIYUN_SMS_ENDPOINT = "店铺", dysmsapi
    settings.WIN_BACK_SMS_TEMPLATE = "SMS_WINBACK"
    customer = make_account("sms@example.com", name="短信")
    Customer.objects.filter(pk=customer.pk).update(segments=["at_risk"], consent_sms=True, phone="+8613500135000")
    assert issue_win_back(datetime(2026, 12, 7, 4, 10, tzinfo=SHANGHAI)) == 1
    assert send_due_outreach(datetime(2026, 12, 7, 10, 5, tzinfo=SHANGHAI)) == 1  # no e-mail consent: SMS only
    sent = FakeDysmsapi.received[-1]
    assert (sent["PhoneNumbers"], sent["TemplateCode"]) == ("13500135000", "SMS_WINBACK")
    assert json.loads(sent["TemplateParam"])["coupon"] == MemberCoupon.objects.get().code
