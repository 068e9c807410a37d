"""Stored segments stay current as orders are paid, and the promotion engine's segment coupons
read them (besides the four built-in segments)."""

from decimal import Decimal

import pytest

from dianpu.catalog.tests.builders import make_product
from dianpu.checkout.domain.validation import CheckoutLine
from dianpu.checkout.services import quote_cart
from dianpu.core.errors import DomainError
from dianpu.customers.models import Customer
from dianpu.orders.services import transition_order
from dianpu.orders.tests.builders import place_test_order
from dianpu.promotions.tests.builders import make_coupon

pytestmark = pytest.mark.django_db


def test_a_paid_order_puts_the_buyer_in_their_rfm_and_rule_segments(staff_api):
    make_product(price="2100.00", stock=10, skus=["JADE-1"])
    r = staff_api("marketing").post(
        "customer-segments", {"code": "shanghai", "name": "上海买家", "conditions": {"provinces": ["上海市"]}}
    )
    assert r.status_code == 201, r.json()
    order = place_test_order({"JADE-1": 1}, email="rich@example.com")
    assert Customer.objects.get().segments == []
    transition_order(order=order, action="mark_paid")
    assert Customer.objects.get().segments == ["high_value", "shanghai"]
    figures = {s["code"]: s for s in staff_api("owner").get("customer-segments").json()["items"]}
    assert (figures["high_value"]["customers"], figures["high_value"]["revenue"]) == (1, "2100.00")
    assert (figures["shanghai"]["customers"], figures["lost"]["customers"]) == (1, 0)


def test_a_bad_segment_rule_is_422_per_condition(staff_api):
    r = staff_api("marketing").post("customer-segments", {"code": "x", "name": "x", "conditions": {"min_spend": "a"}})
    assert (r.status_code, r.json()["errors"]) == (422, {"min_spend": "请填写不小于 0 的数字。"})
    assert (
        staff_api("agent")
        .post("customer-segments", {"code": "y", "name": "y", "conditions": {"min_orders": 1}})
        .status_code
        == 403
    )


def test_segment_coupons_read_the_stored_segments():
    make_product(price="100.00", stock=10, skus=["TEA-1"])
    make_coupon(code="VIP20", kind="amount", amount="20", segments=["high_value"])
    place_test_order({"TEA-1": 1}, email="vip@example.com")
    lines = (CheckoutLine("TEA-1", 1),)
    with pytest.raises(DomainError) as refused:
        quote_cart(email="vip@example.com", lines=lines, coupon_codes=["VIP20"])
    assert refused.value.code == "coupon_not_eligible"
    Customer.objects.update(segments=["high_value"])
    assert quote_cart(email="vip@example.com", lines=lines, coupon_codes=["VIP20"]).discount_total == Decimal("20.00")


def test_a_signed_in_member_s_own_segments_count_whatever_e_mail_the_order_names():
    from dianpu.promotions.queries import customer_facts

    from .builders import make_account

    member = make_account("member@example.com")
    Customer.objects.filter(pk=member.pk).update(segments=["vip"])
    assert "vip" in customer_facts("someone.else@example.com", member.pk).segments
    assert "vip" not in customer_facts("someone.else@example.com").segments
