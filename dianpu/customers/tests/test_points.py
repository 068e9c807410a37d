"""The points ledger: earned when an order is paid, given back when an unpaid order is cancelled,
taken back when money is refunded (never below zero), expired after their date."""

from datetime import timedelta
from decimal import Decimal

import pytest

from dianpu.catalog.tests.builders import make_product
from dianpu.checkout.services import place_order
from dianpu.core import clock
from dianpu.customers.models import Customer, PointsEntry
from dianpu.customers.services import adjust_points, expire_points
from dianpu.orders.services import transition_order
from dianpu.orders.tests.builders import checkout_request
from dianpu.payments.services import refund_order

from .builders import make_account

pytestmark = pytest.mark.django_db


def ledger_sums_to_balance(customer_id):
    balance = Customer.objects.get(pk=customer_id).points_balance
    assert sum(PointsEntry.objects.filter(customer_id=customer_id).values_list("delta", flat=True)) == balance
    return balance


def place(customer, quantity=1, points=0):
    from dataclasses import replace

    req = replace(checkout_request({"TEA-1": quantity}, email=customer.email), customer_id=customer.pk, points=points)
    return place_order(req).order


@pytest.fixture
def tea():
    return make_product(price="100.00", stock=50, skus=["TEA-1"])


def test_a_paid_order_earns_a_point_per_yuan_once(tea):
    customer = make_account()
    order = place(customer, quantity=2)  # ¥200.00, free shipping
    assert Customer.objects.get().points_balance == 0  # not paid yet
    transition_order(order=order, action="mark_paid")
    transition_order(order=order, action="review")
    assert ledger_sums_to_balance(customer.pk) == 200
    assert PointsEntry.objects.get(kind="earn").reference == order.number


def test_a_refund_takes_back_the_points_it_earned(tea):
    customer = make_account()
    order = place(customer, quantity=2)
    transition_order(order=order, action="mark_paid")
    refund_order(order=order, amount=Decimal("50.00"), manual=True)
    assert ledger_sums_to_balance(customer.pk) == 150
    refund_order(order=order, amount=Decimal("150.00"), manual=True)
    assert ledger_sums_to_balance(customer.pk) == 0
    assert list(PointsEntry.objects.filter(kind="take_back").order_by("id").values_list("delta", flat=True)) == [
        -50,
        -150,
    ]


def test_a_refund_never_takes_the_balance_below_zero(tea):
    customer = make_account()
    order = place(customer, quantity=2)
    transition_order(order=order, action="mark_paid")
    place(customer, quantity=1, points=150)  # 150 of the 200 earned are spent
    refund_order(order=order, amount=Decimal("200.00"), manual=True)
    assert ledger_sums_to_balance(customer.pk) == 0
    assert PointsEntry.objects.get(kind="take_back").delta == -50


def test_cancelling_an_unpaid_order_gives_the_redeemed_points_back(tea):
    customer = make_account(points=1000)
    order = place(customer, points=800)
    assert Customer.objects.get().points_balance == 200
    transition_order(order=order, action="cancel")
    assert ledger_sums_to_balance(customer.pk) == 1000
    assert order.grand_total == Decimal("92.00")  # ¥100 goods − ¥8 of points; free shipping from ¥99 of goods


def test_points_expire_after_their_date_oldest_first(settings):
    settings.POINTS_EXPIRE_DAYS = 30
    customer = make_account(points=300)  # expires in 30 days
    adjust_points(customer=customer, delta=-100, reason="spent")
    later = clock.now() + timedelta(days=31)
    assert expire_points(later) == 200
    assert expire_points(later) == 0  # safe to run twice
    assert ledger_sums_to_balance(customer.pk) == 0
    assert PointsEntry.objects.get(kind="expire").delta == -200


def test_points_not_yet_due_do_not_expire(settings):
    settings.POINTS_EXPIRE_DAYS = 30
    customer = make_account(points=300)
    assert expire_points(clock.now() + timedelta(days=29)) == 0
    assert ledger_sums_to_balance(customer.pk) == 300
