"""The daily rollups equal the journal, per day and account; P&L by day, month, quarter and year
adds up; bulk posting (demo data, benchmark) posts each source once and keeps the rollups equal."""

from datetime import date
from decimal import Decimal

import pytest

from dianpu.finance import queries, services
from dianpu.finance.domain import ledger
from dianpu.finance.models import JournalEntry

pytestmark = pytest.mark.django_db


def sale(order_id: int, day: date, goods: str, shipping: str = "0.00", discount: str = "0.00") -> ledger.EntryPlan:
    total = Decimal(goods) + Decimal(shipping) - Decimal(discount)
    facts = ledger.SaleFacts(
        order_id=order_id,
        number=f"B{order_id}",
        paid_on=day,
        gateway="alipay",
        channel="web",
        campaign="",
        subtotal=Decimal(goods),
        shipping_total=Decimal(shipping),
        discount_total=Decimal(discount),
        grand_total=total,
        lines=(ledger.SoldLine(1, Decimal(goods), Decimal(discount), 1),),
    )
    return ledger.plan_sale(facts)[0]


def test_bulk_posting_posts_each_source_once_and_rollups_equal_the_journal(at):
    at(2026, 12, 1, 9, 0)
    plans = [sale(i, date(2026, 1 + i % 12, 1 + i % 28), "100.00", "8.00", "10.00") for i in range(1, 301)]
    assert services.post_entries_in_bulk(plans, chunk_size=64) == 300
    assert services.post_entries_in_bulk(plans[:50], chunk_size=64) == 0  # replayed: nothing twice
    services.post_entry(sale(1000, date(2026, 5, 5), "50.00"))  # and one the usual way
    assert JournalEntry.objects.count() == 301
    rolled, raw = queries.get_rollup_vs_journal(date(2026, 1, 1), date(2026, 12, 31))
    assert rolled == raw and len(rolled) > 12 * 3
    year = queries.get_pnl(date(2026, 1, 1), date(2026, 12, 31))
    assert year["net_sales"] == Decimal("98.00") * 300 + Decimal("50.00")
    assert year == queries.get_pnl_from_journal(date(2026, 1, 1), date(2026, 12, 31))


def test_pnl_by_day_month_quarter_and_year_adds_up(at):
    at(2026, 12, 1, 9, 0)
    services.post_entries_in_bulk(
        [
            sale(1, date(2026, 1, 31), "10.00"),
            sale(2, date(2026, 2, 1), "20.00"),
            sale(3, date(2026, 4, 1), "40.00"),
            sale(4, date(2026, 4, 1), "0.50"),
        ]
    )
    by_month = queries.get_pnl_series(date(2026, 1, 1), date(2026, 12, 31), "month")
    assert [(label, f["net_sales"]) for label, f in by_month] == [
        ("2026-01", Decimal("10.00")),
        ("2026-02", Decimal("20.00")),
        ("2026-04", Decimal("40.50")),
    ]
    by_quarter = queries.get_pnl_series(date(2026, 1, 1), date(2026, 12, 31), "quarter")
    assert [(label, f["net_sales"]) for label, f in by_quarter] == [
        ("2026-Q1", Decimal("30.00")),
        ("2026-Q2", Decimal("40.50")),
    ]
    assert queries.get_pnl_series(date(2026, 1, 1), date(2026, 12, 31), "year")[0][1]["net_sales"] == Decimal("70.50")
    days = queries.get_pnl_series(date(2026, 4, 1), date(2026, 4, 1), "day")
    assert days == [("2026-04-01", queries.get_pnl(date(2026, 4, 1), date(2026, 4, 1)))]


def test_change_against_the_previous_period(at):
    at(2026, 12, 1, 9, 0)
    services.post_entries_in_bulk([sale(1, date(2026, 3, 10), "100.00"), sale(2, date(2026, 4, 10), "150.00")])
    change = queries.compare_pnl(date(2026, 4, 1), date(2026, 4, 30))  # previous: 2 March – 31 March
    assert change["net_sales"] == {
        "current": Decimal("150.00"),
        "previous": Decimal("100.00"),
        "change": Decimal("50.00"),
        "change_percent": Decimal("50.0"),
    }
    assert change["ad_spend"]["change_percent"] is None


def test_bulk_posting_into_a_closed_month_moves_to_the_open_one(at, staff):
    at(2026, 4, 3, 9, 0)
    services.close_period(month="2026-03", actor=staff("finance"))
    services.post_entries_in_bulk([sale(1, date(2026, 3, 10), "100.00")])
    entry = JournalEntry.objects.get()
    assert (entry.date, entry.memo.endswith("（2026-03 已结账，记入 2026-04）")) == (date(2026, 4, 1), True)


def _mixed_sale(order_id: int, day: date, product_id: int, channel: str, campaign: str, goods: str) -> list:
    facts = ledger.SaleFacts(
        order_id=order_id,
        number=f"M{order_id}",
        paid_on=day,
        gateway="alipay",
        channel=channel,
        campaign=campaign,
        subtotal=Decimal(goods),
        shipping_total=Decimal("8.00"),
        discount_total=Decimal("0.00"),
        grand_total=Decimal(goods) + 8,
        lines=(ledger.SoldLine(product_id, Decimal(goods), Decimal("0.00"), 1, Decimal(goods) * Decimal("0.4")),),
        fee_percent=Decimal("0.6"),
    )
    sale_plan, fee = ledger.plan_sale(facts)
    cogs = ledger.plan_cost_of_goods(
        order_id=order_id, number=facts.number, shipped_on=day, lines=facts.lines, channel=channel, campaign=campaign
    )
    return [sale_plan, fee, cogs]


def test_margin_rollups_equal_the_journal_for_any_range_posted_one_by_one_or_in_bulk(at):
    from itertools import product as cross

    at(2026, 12, 1, 9, 0)
    days = [date(2026, 1, 31), date(2026, 2, 1), date(2026, 2, 14), date(2026, 3, 31), date(2026, 4, 1)]
    plans = []
    for n, (day, product_id, channel, campaign) in enumerate(cross(days, (1, 2), ("web", "7"), ("", "spring"))):
        plans += _mixed_sale(n + 1, day, product_id, channel, campaign, f"{50 + n}.00")
    services.post_entries_in_bulk(plans[:30], chunk_size=7)
    for plan in plans[30:]:
        services.post_entry(plan)
    services.post_entry(
        ledger.plan_refund(
            refund_id=1,
            number="M1",
            refunded_on=date(2026, 2, 20),
            gateway="alipay",
            amount=Decimal("20.00"),
            channel="web",
            campaign="spring",
        )
    )
    rolled, raw = queries.get_margin_rollup_vs_journal(date(2026, 1, 1), date(2026, 4, 30))
    assert rolled == raw and len(rolled) > 100
    for start, end in [
        (date(2026, 1, 1), date(2026, 12, 31)),
        (date(2026, 1, 31), date(2026, 2, 1)),
        (date(2026, 1, 15), date(2026, 3, 31)),
        (date(2026, 2, 2), date(2026, 2, 28)),
        (date(2026, 2, 1), date(2026, 4, 1)),
        (date(2026, 4, 1), date(2026, 4, 1)),
    ]:
        for dimension in ("product", "category", "channel", "campaign"):
            assert queries.get_margins(dimension, start, end) == queries.get_margins(
                dimension, start, end, from_journal=True
            )
    # February by channel, by hand: 8 orders each of ¥50.00 + n goods and ¥8.00 shipping; ¥20.00 back on the web
    channels = queries.get_margins("channel", date(2026, 2, 1), date(2026, 2, 28))
    assert [(r["key"], r["net_sales"]) for r in channels] == [("7", Decimal("596.00")), ("web", Decimal("560.00"))]
