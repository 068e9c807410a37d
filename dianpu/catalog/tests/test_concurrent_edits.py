"""Two people save the same product at once: real threads against the real database."""

from decimal import Decimal

import pytest

from dianpu.catalog.models import PriceHistory, Product, Variant
from dianpu.catalog.services import update_product
from dianpu.catalog.tests.builders import make_product
from dianpu.core.errors import ConflictError
from tests.concurrency.test_last_units import run_in_threads

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.concurrency]


def test_of_two_saves_of_the_same_version_exactly_one_wins():
    product = make_product(skus=["RACE-1"], price="59.00")
    prices = ["61.00", "62.00", "63.00", "64.00"]

    def save(i):
        fresh = Product.objects.get(pk=product.pk)
        update_product(actor=None, product=fresh, variant_changes={"RACE-1": {"price": prices[i]}}, expected_version=1)
        return prices[i]

    results = run_in_threads(len(prices), save)
    winners = [r for r in results if isinstance(r, str)]
    assert len(winners) == 1
    assert all(isinstance(r, ConflictError) for r in results if not isinstance(r, str))
    assert Variant.objects.get(sku="RACE-1").price == Decimal(winners[0])
    assert Product.objects.get(pk=product.pk).version == 2
    assert list(PriceHistory.objects.values_list("new_amount", flat=True)) == [Decimal(winners[0])]
