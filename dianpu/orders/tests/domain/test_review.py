from decimal import Decimal

from dianpu.fulfillment.domain.regions import normalize_province
from dianpu.orders.domain.review import (
    HoldReason,
    ReviewFacts,
    ReviewThresholds,
    evaluate_review_rules,
    normalize_address,
    normalize_phone,
)

T = ReviewThresholds(
    high_value_over=Decimal("5000.00"),
    max_orders_per_address_per_day=3,
    max_orders_per_phone_per_day=3,
    max_orders_per_ip_per_day=5,
    check_far_apart=True,
)


def facts(**kw):
    base = dict(grand_total=Decimal("100.00"), ship_province="上海市")
    return ReviewFacts(**{**base, **kw})


def test_an_ordinary_order_passes():
    assert evaluate_review_rules(facts(), T) == []


def test_high_value_holds_at_the_threshold():
    assert evaluate_review_rules(facts(grand_total=Decimal("5000.00")), T) == [
        HoldReason("high_value", "¥5,000.00 ≥ ¥5,000.00")
    ]
    assert evaluate_review_rules(facts(grand_total=Decimal("4999.99")), T) == []


def test_the_fourth_order_from_one_address_in_a_day_is_held():
    assert evaluate_review_rules(facts(orders_same_address_24h=3), T) == []
    assert evaluate_review_rules(facts(orders_same_address_24h=4), T) == [
        HoldReason("many_orders_same_address", "4 / 24h > 3")
    ]


def test_phone_and_ip_counts():
    codes = [r.code for r in evaluate_review_rules(facts(orders_same_phone_24h=4, orders_same_ip_24h=6), T)]
    assert codes == ["many_orders_same_phone", "many_orders_same_ip"]


def test_far_apart_only_when_both_provinces_known():
    assert evaluate_review_rules(facts(other_province=""), T) == []
    assert evaluate_review_rules(facts(other_province="上海"), T) == []
    assert evaluate_review_rules(facts(other_province="广东省"), T) == [
        HoldReason("billing_far_from_shipping", "广东省 ≠ 上海市")
    ]


def test_blacklists_come_first():
    codes = [
        r.code
        for r in evaluate_review_rules(
            facts(grand_total=Decimal("9000"), blacklisted_email=True, blacklisted_address=True), T
        )
    ]
    assert codes == ["blacklisted_email", "blacklisted_address", "high_value"]


def test_zero_limits_switch_rules_off():
    off = ReviewThresholds(
        high_value_over=None,
        max_orders_per_address_per_day=0,
        max_orders_per_phone_per_day=0,
        max_orders_per_ip_per_day=0,
        check_far_apart=False,
    )
    assert (
        evaluate_review_rules(
            facts(
                grand_total=Decimal("1e6"),
                orders_same_address_24h=50,
                orders_same_phone_24h=50,
                orders_same_ip_24h=50,
                other_province="北京",
            ),
            off,
        )
        == []
    )


def test_normalisation():
    assert normalize_phone("+86 138-0013-8000") == "13800138000"
    assert normalize_address("上海市", " 黄浦区 ", "南京东路 100 号") == "上海市黄浦区南京东路100号"
    assert normalize_province("广西壮族自治区") == "广西"
    assert normalize_province("北京市") == normalize_province("北京")
