"""Membership tiers: the worker moves customers up and down by spend (audited, with a notice);
the pricing engine charges the member price, the tier discount and free shipping."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail

from dianpu.audit.models import AuditEntry
from dianpu.catalog.models import Variant
from dianpu.catalog.tests.builders import make_product
from dianpu.checkout.domain.validation import CheckoutLine
from dianpu.checkout.services import quote_cart
from dianpu.core import clock
from dianpu.customers.models import Customer
from dianpu.customers.services import review_tiers
from dianpu.orders.models import Order
from dianpu.orders.services import transition_order
from dianpu.orders.tests.builders import place_test_order

from .builders import make_account

pytestmark = pytest.mark.django_db


def quote(sku, quantity=1, email="mei@example.com", signed_in=True):
    member = Customer.objects.filter(email=email).first() if signed_in else None
    return quote_cart(
        email=email,
        lines=(CheckoutLine(sku, quantity),),
        shipping_method="standard",
        province="上海市",
        member_id=member.pk if member else None,
    )


def test_spend_over_the_window_moves_a_customer_up_and_an_old_spend_lets_them_down(django_capture_on_commit_callbacks):
    make_product(price="1200.00", stock=20, skus=["JADE-1"])
    customer = make_account()
    order = place_test_order({"JADE-1": 1}, email="mei@example.com")
    transition_order(order=order, action="mark_paid")
    with django_capture_on_commit_callbacks(execute=True):
        assert review_tiers() == {"upgrade": 1, "downgrade": 0}
    assert Customer.objects.get().tier == "silver"
    entry = AuditEntry.objects.get(action="customers.tier_changed")
    assert entry.changes == {"tier": ["", "silver"]} or entry.changes == {"tier": ("", "silver")}
    assert mail.outbox[-1].subject == "您的会员等级已变为：银卡会员"
    assert review_tiers() == {"upgrade": 0, "downgrade": 0}  # safe to run twice
    # A year and a day later the spend is outside the window.
    Order.objects.filter(pk=order.pk).update(placed_at=clock.now() - timedelta(days=366))
    assert review_tiers() == {"upgrade": 0, "downgrade": 1}
    assert Customer.objects.get(pk=customer.pk).tier == ""


def test_the_member_price_stored_on_a_sku_is_charged_to_members_only():
    make_product(price="90.00", stock=20, skus=["TEA-M"])
    Variant.objects.filter(sku="TEA-M").update(member_price=Decimal("80.00"))
    make_account()
    assert quote("TEA-M").pricing.result.total == Decimal("98.00")  # no tier: ¥90 + ¥8 shipping
    Customer.objects.update(tier="silver")
    result = quote("TEA-M").pricing.result
    assert (result.discount_total, result.total) == (Decimal("10.00"), Decimal("88.00"))
    assert [a.label for a in result.adjustments] == ["会员价（银卡会员）"]


def test_gold_members_get_five_percent_off_and_free_shipping():
    make_product(price="60.00", stock=20, skus=["CUP-1"])
    make_account()
    Customer.objects.update(tier="gold")
    result = quote("CUP-1").pricing.result
    # ¥60 − 5% = ¥57.00, shipping (¥8, not free below ¥99) taken off by the tier
    assert (result.discount_total, result.shipping_total, result.total) == (
        Decimal("3.00"),
        Decimal("0.00"),
        Decimal("57.00"),
    )


def test_a_guest_or_a_member_without_a_tier_pays_the_normal_price():
    make_product(price="60.00", stock=20, skus=["CUP-2"])
    assert quote("CUP-2", email="guest@example.com").pricing.result.total == Decimal("68.00")


def test_a_guest_who_types_a_members_email_pays_the_normal_price():
    make_product(price="60.00", stock=20, skus=["CUP-3"])
    make_account()
    Customer.objects.update(tier="gold")
    assert quote("CUP-3", signed_in=True).pricing.result.total == Decimal("57.00")
    assert quote("CUP-3", signed_in=False).pricing.result.total == Decimal("68.00")
