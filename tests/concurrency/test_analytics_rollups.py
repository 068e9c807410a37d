"""Concurrent orders, payments and cancellations keep the analytics rollups exact: real threads
against the real database; the rollups must equal the raw figures afterwards."""

import pytest

from dianpu.analytics import queries
from dianpu.analytics.models import DailyProductStat, DailyStat
from dianpu.analytics.shopdays import local_day
from dianpu.catalog.tests.builders import make_product
from dianpu.core import clock
from dianpu.orders.models import Order
from dianpu.orders.services import transition_order
from dianpu.orders.tests.builders import place_test_order

from .test_last_units import run_in_threads

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.concurrency]
BUYERS = 8


def test_concurrent_orders_and_cancellations_leave_the_rollups_equal_to_the_raw_figures():
    product = make_product(price="100.00", stock=100, skus=["RACE-1"])
    results = run_in_threads(
        BUYERS, lambda i: place_test_order({"RACE-1": 1 + i % 2}, email=f"same{i % 3}@example.com").number
    )
    assert all(isinstance(r, str) for r in results), results
    orders = list(Order.objects.order_by("id"))

    def settle(i):
        order = orders[i]
        transition_order(order=order, action="mark_paid")
        if i % 2:
            transition_order(order=Order.objects.get(pk=order.pk), action="cancel")
        return order.number

    results = run_in_threads(BUYERS, settle)
    assert all(isinstance(r, str) for r in results), results
    day = local_day(clock.now())
    kept = [o for o in Order.objects.all() if o.status != "cancelled"]
    assert DailyStat.objects.get(day=day).orders == len(kept) == BUYERS // 2
    stat = DailyProductStat.objects.get(day=day, product_id=product.pk)
    assert stat.buyers == len({o.email for o in kept})
    raw = queries.raw_summary(day, day)
    rolled = queries.get_summary(day, day)
    assert {k: rolled[k] for k in raw} == raw
    assert queries.rollup_product_day(day) == queries.raw_product_day(day)
    # the RFM cells (moved under the buyer's locked summary row) equal the ones cut from the orders
    from collections import Counter

    from dianpu.analytics.domain.rfm import high_value_fen, rfm_band
    from dianpu.analytics.models import RfmCell, RfmCellRule
    from dianpu.analytics.services import raw_buyer_figures

    rule = queries.rfm_rule()
    recomputed: Counter = Counter()
    for f in raw_buyer_figures().values():
        recomputed[(f.last_day, *rfm_band(orders=f.orders, spent_fen=f.spent_fen, rule=rule))] += 1
    assert {(c.last_day, c.frequent, c.high_value): c.customers for c in RfmCell.objects.all() if c.customers} == (
        dict(recomputed)
    )
    assert sum(recomputed.values()) == len({o.email for o in kept})
    assert RfmCellRule.objects.filter(loyal_orders=rule.loyal_orders, high_value_fen=high_value_fen(rule)).exists()
    assert queries.get_rfm_segments(day)["segments"] == queries.raw_rfm_segments(day)["segments"]
