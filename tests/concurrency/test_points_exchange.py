"""Many exchanges of the same points for coupons at once (积分兑换): exactly as many coupons as the
points cover are issued, each with its ledger row; the others are refused with nothing written,
and the balance never goes below zero."""

from decimal import Decimal

import pytest

from dianpu.core import clock
from dianpu.core.errors import DomainError
from dianpu.customers.models import Customer, MemberCoupon, PointsEntry, PointsOffer
from dianpu.customers.rewards import exchange_points
from dianpu.customers.tests.builders import make_account
from dianpu.promotions.models import Coupon

from .racing import run_in_threads

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.concurrency]
CUSTOMERS = 8


def test_racing_exchanges_never_spend_the_same_points_twice():
    customer = make_account("swapper@example.com", points=1000)
    offer = PointsOffer.objects.create(name="5 元券", points=300, coupon_amount=Decimal("5.00"), created_at=clock.now())

    def exchange(_i):
        return exchange_points(customer=Customer.objects.get(pk=customer.pk), offer_id=offer.pk).code

    results = run_in_threads(CUSTOMERS, exchange)
    issued = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert (len(issued), len(refused)) == (3, CUSTOMERS - 3), results
    assert {e.code for e in refused} == {"points_insufficient"}
    assert Customer.objects.get(pk=customer.pk).points_balance == 100
    assert sum(PointsEntry.objects.filter(customer=customer).values_list("delta", flat=True)) == 100
    assert PointsEntry.objects.filter(kind="exchange").count() == 3
    assert sorted(MemberCoupon.objects.values_list("code", flat=True)) == sorted(issued)
    assert sorted(Coupon.objects.values_list("code", flat=True)) == sorted(issued)
