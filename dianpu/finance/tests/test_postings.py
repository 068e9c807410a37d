"""Each event's postings, worked by hand: a paid order (discount, shipping, fee), its shipment
(cost of goods at the moving-average cost, carrier charge), a refund, received goods; replayed
events post nothing twice; an unbalanced entry is refused by the ledger itself."""

from datetime import date
from decimal import Decimal

import pytest

from dianpu import events
from dianpu.catalog.tests.builders import make_product
from dianpu.core import clock
from dianpu.core.errors import DomainError
from dianpu.finance import queries, services
from dianpu.finance.domain import ledger
from dianpu.finance.models import DailyAccountTotal, JournalEntry, JournalLine
from dianpu.orders.services import transition_order
from dianpu.payments.services import refund_order
from dianpu.promotions.tests.builders import make_promotion

from .builders import entry_lines, ledger_totals, paid_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def tea(at):
    at(2026, 3, 5, 10, 0)
    return make_product(name="龙井", name_en="Longjing", price="55.00", cost_price="30.00", stock=20, skus=["TEA"])


def test_paid_order_posts_goods_discount_and_shipping_to_the_gateways_clearing_account(tea):
    make_promotion("percent_off", percent=20)  # 2 × ¥55.00 = ¥110.00, −¥22.00 = ¥88.00 < ¥99.00: ¥8.00 shipping
    order = paid_order({"TEA": 2})
    assert (order.subtotal, order.discount_total, order.shipping_total, order.grand_total) == (
        Decimal("110.00"),
        Decimal("22.00"),
        Decimal("8.00"),
        Decimal("96.00"),
    )
    assert entry_lines("order_paid", order.pk) == {
        "clearing.bank_transfer": ("96.00", "0.00"),
        "discounts": ("22.00", "0.00"),
        "sales": ("0.00", "110.00"),
        "shipping_revenue": ("0.00", "8.00"),
    }
    sales_line = JournalLine.objects.get(entry__source_kind="order_paid", account="sales")
    assert (sales_line.product_id, sales_line.channel) == (tea.pk, "web")
    assert JournalEntry.objects.get(source_kind="order_paid").date == date(2026, 3, 5)
    pnl = queries.get_pnl(date(2026, 3, 1), date(2026, 3, 31))
    assert (pnl["net_sales"], pnl["net_profit"]) == (Decimal("96.00"), Decimal("96.00"))


def test_gateway_fee_is_its_percentage_rounded_to_the_fen(tea, staff):
    services.set_fee_percent(gateway="bank_transfer", percent="0.6", actor=staff("owner"))
    order = paid_order({"TEA": 2})  # ¥110.00 + ¥0.00 shipping (over ¥99.00): fee 0.6 % = ¥0.66
    assert order.grand_total == Decimal("110.00")
    assert entry_lines("payment_fee", order.pk) == {
        "payment_fees": ("0.66", "0.00"),
        "clearing.bank_transfer": ("0.00", "0.66"),
    }
    assert queries.get_pnl(date(2026, 3, 5), date(2026, 3, 5))["payment_fees"] == Decimal("0.66")


def test_shipping_posts_cost_of_goods_at_moving_average_cost_and_the_carrier_charge(tea, at):
    order = paid_order({"TEA": 3})
    at(2026, 3, 7, 9, 0)
    transition_order(
        order=order, action="ship", carrier="sf", tracking_number="SF1234567890123", shipping_cost=Decimal("12.50")
    )
    assert entry_lines("order_shipped", order.pk) == {"cogs": ("90.00", "0.00"), "inventory": ("0.00", "90.00")}
    shipment = order.shipments.get()
    assert entry_lines("shipment", shipment.pk) == {"shipping_cost": ("12.50", "0.00"), "payables": ("0.00", "12.50")}
    pnl = queries.get_pnl(date(2026, 3, 1), date(2026, 3, 31))
    assert pnl == {
        "net_sales": Decimal("165.00"),
        "cost_of_goods": Decimal("90.00"),
        "gross_profit": Decimal("75.00"),
        "shipping_cost": Decimal("12.50"),
        "payment_fees": Decimal("0.00"),
        "ad_spend": Decimal("0.00"),
        "other_expenses": Decimal("0.00"),
        "net_profit": Decimal("62.50"),
    }
    assert JournalEntry.objects.get(source_kind="order_shipped").date == date(2026, 3, 7)


def test_refund_debits_refunds_and_credits_the_gateway_on_the_day_money_went_back(tea, at):
    order = paid_order({"TEA": 2})
    at(2026, 4, 2, 11, 0)
    refund = refund_order(order=order, amount=Decimal("40.00"), reason="少发一件")
    assert entry_lines("refund", refund.pk) == {
        "refunds": ("40.00", "0.00"),
        "clearing.bank_transfer": ("0.00", "40.00"),
    }
    assert queries.get_pnl(date(2026, 3, 1), date(2026, 3, 31))["net_sales"] == Decimal("110.00")
    assert queries.get_pnl(date(2026, 4, 1), date(2026, 4, 30))["net_sales"] == Decimal("-40.00")


def test_a_replayed_event_posts_nothing_twice(tea):
    order = paid_order({"TEA": 2})
    before = (
        JournalEntry.objects.count(),
        JournalLine.objects.count(),
        ledger_totals(),
        list(DailyAccountTotal.objects.values_list("account", "debit_fen", "credit_fen")),
    )
    for _ in range(2):
        events.publish(
            events.OrderTransitioned(order.pk, order.number, "mark_paid", "pending_payment", "paid", order.paid_at)
        )
    after = (
        JournalEntry.objects.count(),
        JournalLine.objects.count(),
        ledger_totals(),
        list(DailyAccountTotal.objects.values_list("account", "debit_fen", "credit_fen")),
    )
    assert after == before


def test_unbalanced_entry_is_refused_by_the_ledger_and_nothing_is_written(tea):
    plan = ledger.EntryPlan(
        date(2026, 3, 5), "manual", "1", "试算", (ledger.debit("cash", 10000), ledger.credit("sales", 9999))
    )
    with pytest.raises(DomainError) as refused:
        services.post_entry(plan)
    assert refused.value.code == "entry_unbalanced"
    assert (JournalEntry.objects.count(), JournalLine.objects.count(), DailyAccountTotal.objects.count()) == (0, 0, 0)


def test_reversal_mirrors_the_entry_once_and_nets_it_to_zero(tea, staff):
    order = paid_order({"TEA": 2})
    entry = JournalEntry.objects.get(source_kind="order_paid", source_id=str(order.pk))
    reversal = services.reverse_entry(entry_id=entry.pk, actor=staff("finance"))
    assert entry_lines("reversal", entry.pk) == {
        "clearing.bank_transfer": ("0.00", "110.00"),
        "sales": ("110.00", "0.00"),
    }
    assert reversal.reversal_of_id == entry.pk
    assert queries.get_pnl(date(2026, 3, 1), date(2026, 3, 31))["net_sales"] == Decimal("0.00")
    with pytest.raises(DomainError) as again:
        services.reverse_entry(entry_id=entry.pk, actor=staff("finance"))
    assert again.value.code == "entry_already_reversed"
    assert JournalEntry.objects.count() == 2


def test_received_goods_book_inventory_against_payables(at):
    at(2026, 3, 5, 10, 0)
    events.publish(events.StockReceived(7, 1, 10, Decimal("12.34"), "PO-1", clock.now()))
    entry = JournalEntry.objects.get(source_kind="stock_received")
    assert entry_lines("stock_received", entry.source_id) == {
        "inventory": ("123.40", "0.00"),
        "payables": ("0.00", "123.40"),
    }


def test_ad_spend_is_booked_and_a_reimport_books_only_the_difference(at):
    from dianpu.marketing.traffic import import_ad_spend

    at(2026, 3, 5, 10, 0)
    import_ad_spend(content=b"date,channel,spend,campaign\n2026-03-04,douyin,120.00,spring\n", filename="s.csv")
    import_ad_spend(content=b"date,channel,spend,campaign\n2026-03-04,douyin,120.00,spring\n", filename="s.csv")
    assert JournalEntry.objects.filter(source_kind="ad_spend").count() == 1
    import_ad_spend(content=b"date,channel,spend,campaign\n2026-03-04,douyin,100.50,spring\n", filename="s.csv")
    entries = list(JournalEntry.objects.filter(source_kind="ad_spend").order_by("id"))
    assert [e.amount_fen for e in entries] == [12000, 1950]
    assert entry_lines("ad_spend", entries[1].source_id) == {
        "ad_spend": ("0.00", "19.50"),
        "payables": ("19.50", "0.00"),
    }
    pnl = queries.get_pnl(date(2026, 3, 4), date(2026, 3, 4))
    assert (pnl["ad_spend"], pnl["net_profit"]) == (Decimal("100.50"), Decimal("-100.50"))
    line = JournalLine.objects.filter(account="ad_spend").first()
    assert (line.channel, line.campaign) == ("douyin", "spring")
