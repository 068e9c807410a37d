"""Random order histories — placed, paid, shipped, partly or fully refunded, cancelled, merged,
split, delivered and returned (restocked or written off), over several days — leave the ledger
balanced, the rollups (accounts and margins) equal to the journal, and the P&L equal to the raw
figures of the orders, payments, refunds and returns tables."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dianpu.catalog.tests.builders import make_product
from dianpu.core.errors import DomainError
from dianpu.finance import queries
from dianpu.finance.models import DailyAccountTotal, JournalLine
from dianpu.fulfillment.models import Shipment
from dianpu.orders.merging import merge_orders, split_order
from dianpu.orders.models import Order, OrderLine
from dianpu.orders.services import transition_order
from dianpu.orders.tests.builders import place_test_order
from dianpu.payments.models import Payment, Refund
from dianpu.payments.queries import get_refund_summary
from dianpu.returns.models import ReturnLine
from dianpu.returns.services import approve_return, receive_return, request_return

pytestmark = pytest.mark.django_db
COST = {"PA": Decimal("21.50"), "PB": Decimal("7.30")}
FIRST = date(2026, 3, 2)


class Rollback(Exception):
    pass


@pytest.fixture
def goods(at):
    at(2026, 3, 2, 9, 0)
    make_product(price="45.90", cost_price=str(COST["PA"]), stock=500, skus=["PA"])
    make_product(name="杯子", name_en="Cup", price="12.30", cost_price=str(COST["PB"]), stock=500, skus=["PB"])


steps = st.lists(
    st.one_of(
        st.tuples(st.just("place"), st.integers(0, 2), st.integers(0, 2)),
        st.tuples(st.just("pay"), st.integers(0, 9)),
        st.tuples(st.just("ship"), st.integers(0, 9)),
        st.tuples(st.just("refund"), st.integers(0, 9), st.integers(1, 100)),
        st.tuples(st.just("cancel"), st.integers(0, 9)),
        st.tuples(st.just("merge"), st.integers(0, 9), st.integers(0, 9)),
        st.tuples(st.just("split"), st.integers(0, 9)),
        st.tuples(st.just("return"), st.integers(0, 9), st.booleans()),
        st.tuples(st.just("next_day")),
    ),
    min_size=3,
    max_size=18,
)


def _apply(step, orders, day, at):
    kind = step[0]
    if kind == "place":
        wanted = {sku: q for sku, q in (("PA", step[1]), ("PB", step[2])) if q} or {"PB": 1}
        orders.append(place_test_order(wanted).number)
        return
    if kind == "next_day":
        day[0] += 1
        at(2026, 3, 2 + day[0], 10, 0)
        return
    if not orders:
        return
    order = Order.objects.get(number=orders[step[1] % len(orders)])
    if kind == "pay":
        transition_order(order=order, action="mark_paid")
    elif kind == "ship":
        transition_order(
            order=order, action="ship", carrier="sf", tracking_number="SF1234567890123", shipping_cost=Decimal("9.80")
        )
    elif kind == "cancel":
        transition_order(order=order, action="cancel")
    elif kind == "refund":
        left = get_refund_summary(order.pk)["refundable"]
        amount = (left * step[2] / 100).quantize(Decimal("0.01"))
        if amount > 0:
            from dianpu.payments.services import refund_order

            refund_order(order=order, amount=amount, reason="随机")
    elif kind == "merge":
        other = orders[step[2] % len(orders)]
        merge_orders(numbers=[order.number, other], actor=None)
    elif kind == "return":  # the parcel arrives, one unit comes back: on the shelf or written off
        if order.status == "shipped":
            order = transition_order(order=order, action="mark_delivered")
        line = OrderLine.objects.filter(order=order).first()
        request = request_return(order=order, kind="return", reason="changed_mind", lines={line.pk: 1})
        approve_return(request=request)
        [rline] = request.lines.all()
        receive_return(request=request, inspections={rline.pk: (1, 0, "") if step[2] else (0, 1, "")})
    elif kind == "split":
        line = OrderLine.objects.filter(order=order).first()
        if line is not None:
            orders.append(split_order(number=order.number, quantities={line.pk: 1}, actor=None).number)


def _raw_figures(last: date):
    paid = Payment.objects.aggregate(s=Sum("amount"))["s"] or Decimal("0")
    refunded = Refund.objects.filter(status="succeeded").aggregate(s=Sum("amount"))["s"] or Decimal("0")
    cogs = Decimal("0")
    for order in Order.objects.filter(shipped_at__isnull=False):
        cogs += sum((COST[ln.sku] * ln.quantity for ln in order.lines.all()), Decimal("0"))
    for rline in ReturnLine.objects.filter(restocked_quantity__gt=0).select_related("order_line"):
        cogs -= COST[rline.order_line.sku] * rline.restocked_quantity
    carriers = Shipment.objects.aggregate(s=Sum("cost"))["s"] or Decimal("0")
    return {
        "net_sales": (paid - refunded).quantize(Decimal("0.01")),
        "cost_of_goods": cogs.quantize(Decimal("0.01")),
        "shipping_cost": Decimal(carriers).quantize(Decimal("0.01")),
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=steps)
@example(
    history=[
        ("place", 2, 1),
        ("pay", 0),
        ("ship", 0),
        ("next_day",),
        ("return", 0, True),
        ("return", 0, False),
        ("refund", 0, 50),
    ]
)
def test_any_order_history_keeps_the_books_balanced_and_equal_to_the_raw_figures(goods, at, history):
    at(2026, 3, 2, 9, 0)
    with pytest.raises(Rollback), transaction.atomic():
        orders, day = [], [0]
        for step in history:
            try:
                with transaction.atomic():
                    _apply(step, orders, day, at)
            except DomainError:
                pass  # a refused action changes nothing
        last = FIRST + timedelta(days=day[0])
        totals = JournalLine.objects.aggregate(d=Sum("debit_fen"), c=Sum("credit_fen"))
        assert (totals["d"] or 0) == (totals["c"] or 0)
        rolled = DailyAccountTotal.objects.aggregate(d=Sum("debit_fen"), c=Sum("credit_fen"))
        assert (rolled["d"] or 0) == (rolled["c"] or 0) == (totals["d"] or 0)
        tb = queries.get_trial_balance(last)
        assert tb["debit_total"] == tb["credit_total"]
        for offset in range(day[0] + 1):
            one = FIRST + timedelta(days=offset)
            assert queries.get_pnl(one, one) == queries.get_pnl_from_journal(one, one)
        rolled, raw = queries.get_margin_rollup_vs_journal(FIRST, last)
        assert rolled == raw
        for dimension in ("product", "channel"):
            assert queries.get_margins(dimension, FIRST, last) == queries.get_margins(
                dimension, FIRST, last, from_journal=True
            )
        pnl = queries.get_pnl(FIRST, last)
        raw = _raw_figures(last)
        assert {k: pnl[k] for k in raw} == raw
        assert pnl["gross_profit"] == pnl["net_sales"] - pnl["cost_of_goods"]
        raise Rollback
