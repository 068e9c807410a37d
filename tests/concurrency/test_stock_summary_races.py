"""The maintained stock summary under racing writers: sales, receipts, transfers, adjustments
and safety-stock changes of one SKU in real threads released together. Whoever wins, the summary
equals the figures recomputed from the levels and the ledger (relative updates, rows locked in
one order: stock levels, then the summary)."""

import pytest

from dianpu.catalog.tests.builders import make_product
from dianpu.inventory.models import StockSummary
from dianpu.inventory.queries import list_summary_drift
from dianpu.inventory.services import (
    adjust_stock,
    consume_reservations,
    create_warehouse,
    get_default_warehouse,
    reserve_stock,
    set_safety_stock,
    transfer_stock,
)
from dianpu.purchasing.queries import get_on_order_by_variant
from dianpu.purchasing.services import LineInput, create_purchase_order, receive_purchase_order, send_purchase_order
from dianpu.purchasing.tests.builders import make_supplier

from .racing import run_in_threads

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.concurrency]


def test_racing_moves_leave_the_summary_equal_to_the_raw_tables():
    variant = make_product(stock=50, skus=["RACE-SUM"], cost_price="10.00").variants.get()
    main, east = get_default_warehouse(), create_warehouse(actor=None, code="east", name="East")
    supplier = make_supplier(prices={variant: "10.00"})
    order = send_purchase_order(
        actor=None, order=create_purchase_order(actor=None, supplier=supplier, lines=[LineInput("RACE-SUM", 20)])
    )

    def work(i):
        if i < 3:
            reserve_stock(reference=f"RS-{i}", wanted={variant.id: 2})
            return consume_reservations(reference=f"RS-{i}")
        if i == 3:
            return receive_purchase_order(actor=None, order=order, received={"RACE-SUM": 5}).status
        if i == 4:
            return transfer_stock(actor=None, variant=variant, from_warehouse=main, to_warehouse=east, quantity=4)
        if i == 5:
            return adjust_stock(variant=variant, delta=-3, reason="报损", warehouse=main).on_hand
        if i == 6:
            return set_safety_stock(actor=None, variant=variant, warehouse=main, safety_stock=7).safety_stock
        return reserve_stock(reference=f"RS-{i}", wanted={variant.id: 1})

    results = run_in_threads(8, work)
    done = [r for r in results if not isinstance(r, Exception)]
    assert done, results
    assert list_summary_drift(on_order=get_on_order_by_variant()) == []
    s = StockSummary.objects.get(variant=variant)
    assert s.on_hand - s.reserved == s.available
