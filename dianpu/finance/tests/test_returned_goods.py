"""Returned goods back on the shelf take their cost of goods back into inventory, at the cost they
left at; written-off units and refunds without goods back reverse no cost; a replayed event posts
nothing twice."""

from datetime import date
from decimal import Decimal

import pytest

from dianpu import events
from dianpu.catalog.models import Variant
from dianpu.catalog.tests.builders import make_product
from dianpu.finance import queries
from dianpu.finance.models import DailyAccountTotal, JournalEntry, JournalLine
from dianpu.orders.services import transition_order
from dianpu.payments.services import refund_order
from dianpu.returns.services import approve_return, receive_return, request_return
from dianpu.returns.tests.builders import SF, delivered_order, paid_order

from .builders import entry_lines, ledger_totals

pytestmark = pytest.mark.django_db


@pytest.fixture
def tea(at):
    at(2026, 3, 5, 10, 0)
    return make_product(name="龙井", name_en="Longjing", price="55.00", cost_price="30.00", stock=20, skus=["TEA"])


def _returned(order, restock: int, write_off: int):
    [line] = order.lines.all()
    request = request_return(order=order, kind="return", reason="changed_mind", lines={line.pk: restock + write_off})
    approve_return(request=request)
    [rline] = request.lines.all()
    return receive_return(request=request, inspections={rline.pk: (restock, write_off, "")})


def test_restocked_units_reverse_cost_of_goods_at_the_cost_they_left_at(tea, at):
    order = delivered_order({"TEA": 3})  # shipped at ¥30.00 a unit: COGS ¥90.00
    assert entry_lines("order_shipped", order.pk) == {"cogs": ("90.00", "0.00"), "inventory": ("0.00", "90.00")}
    Variant.objects.filter(sku="TEA").update(cost_price=Decimal("41.00"))  # the moving average moved on since
    at(2026, 3, 9, 15, 0)
    request = _returned(order, restock=1, write_off=1)  # one back on the shelf, one broken
    assert entry_lines("return_restocked", request.pk) == {"inventory": ("30.00", "0.00"), "cogs": ("0.00", "30.00")}
    line = JournalLine.objects.get(entry__source_kind="return_restocked", account="cogs")
    assert (line.product_id, line.channel) == (tea.pk, "web")
    assert JournalEntry.objects.get(source_kind="return_restocked").date == date(2026, 3, 9)
    pnl = queries.get_pnl(date(2026, 3, 1), date(2026, 3, 31))
    assert pnl["cost_of_goods"] == Decimal("60.00")  # ¥90.00 shipped − ¥30.00 back; the broken unit stays a cost
    assert queries.get_pnl(date(2026, 3, 9), date(2026, 3, 9)) == queries.get_pnl_from_journal(
        date(2026, 3, 9), date(2026, 3, 9)
    )


def test_all_units_back_reverse_exactly_what_was_posted(tea, at):
    make_product(name="杯子", name_en="Cup", price="12.30", cost_price="7.33", stock=20, skus=["CUP"])
    order = delivered_order({"CUP": 3})  # 3 × ¥7.33 = ¥21.99
    at(2026, 3, 9, 15, 0)
    request = _returned(order, restock=3, write_off=0)
    assert entry_lines("return_restocked", request.pk) == {"inventory": ("21.99", "0.00"), "cogs": ("0.00", "21.99")}
    assert queries.get_pnl(date(2026, 3, 1), date(2026, 3, 31))["cost_of_goods"] == Decimal("0.00")


def test_replayed_return_event_posts_nothing_twice(tea, at):
    order = delivered_order({"TEA": 2})
    request = _returned(order, restock=2, write_off=0)
    before = (
        JournalEntry.objects.count(),
        ledger_totals(),
        list(DailyAccountTotal.objects.values_list("account", "debit_fen", "credit_fen")),
    )
    events.publish(events.ReturnReceived(request.pk, request.number, order.pk, request.received_at))
    after = (
        JournalEntry.objects.count(),
        ledger_totals(),
        list(DailyAccountTotal.objects.values_list("account", "debit_fen", "credit_fen")),
    )
    assert after == before
    assert JournalEntry.objects.filter(source_kind="return_restocked").count() == 1


def test_written_off_goods_and_refund_only_reverse_no_cost(tea, at, staff):
    broken = delivered_order({"TEA": 1})
    _returned(broken, restock=0, write_off=1)
    order = paid_order({"TEA": 2})
    [line] = order.lines.all()
    request = request_return(order=order, kind="refund_only", reason="changed_mind", lines={line.pk: 1})
    approve_return(request=request)
    refund_order(order=order, amount=Decimal("55.00"), reason="仅退款")
    transition_order(order=order, action="ship", **SF)
    assert not JournalEntry.objects.filter(source_kind="return_restocked").exists()
    pnl = queries.get_pnl(date(2026, 3, 1), date(2026, 3, 31))
    assert pnl["cost_of_goods"] == Decimal("90.00")  # 1 broken + 2 shipped, all at ¥30.00
