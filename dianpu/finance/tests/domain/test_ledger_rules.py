"""The ledger's own rules and the pure plans, without a database."""

from datetime import date
from decimal import Decimal

import pytest

from dianpu.finance.domain import ledger, periods
from dianpu.finance.domain.ledger import EntryPlan, LedgerRefused, credit, debit
from dianpu.finance.domain.settlements import SettlementRefused, parse_settlement

DAY = date(2026, 3, 5)


@pytest.mark.parametrize(
    "lines, code",
    [
        ((debit("cash", 100), credit("sales", 99)), "entry_unbalanced"),
        ((), "entry_empty"),
        ((debit("cash", 0), credit("sales", 0)), "entry_empty"),
        ((debit("cash", -5), credit("sales", -5)), "line_invalid"),
        ((ledger.Line("cash", 5, 5),), "line_invalid"),
        ((debit("piggy_bank", 5), credit("sales", 5)), "account_unknown"),
    ],
)
def test_malformed_entries_are_refused(lines, code):
    with pytest.raises(LedgerRefused) as refused:
        ledger.check_entry(EntryPlan(DAY, "manual", "1", "x", lines))
    assert refused.value.code == code


def test_reversal_swaps_every_side():
    lines = (
        debit("clearing.alipay", 9600),
        debit("discounts", 2200),
        credit("sales", 11000),
        credit("shipping_revenue", 800),
    )
    assert [(ln.account, ln.debit_fen, ln.credit_fen) for ln in ledger.reversal_lines(lines)] == [
        ("clearing.alipay", 0, 9600),
        ("discounts", 0, 2200),
        ("sales", 11000, 0),
        ("shipping_revenue", 800, 0),
    ]


def test_order_level_discount_not_shared_to_lines_is_still_booked():
    facts = ledger.SaleFacts(
        order_id=1,
        number="DP1",
        paid_on=DAY,
        gateway="alipay",
        channel="web",
        campaign="",
        subtotal=Decimal("100.00"),
        shipping_total=Decimal("0.00"),
        discount_total=Decimal("15.00"),
        grand_total=Decimal("85.00"),
        lines=(ledger.SoldLine(1, Decimal("100.00"), Decimal("10.00"), 1),),
    )
    sale, fee = ledger.plan_sale(facts)
    assert ledger.check_entry(sale).debit_fen == 10000
    assert sum(ln.debit_fen for ln in sale.lines if ln.account == "discounts") == 1500
    assert fee is None


def test_months():
    assert periods.parse_month("2026-12") == "2026-12" and periods.parse_month("2026-13") is None
    assert periods.next_month("2026-12") == "2027-01"
    assert periods.first_day("2026-02") == date(2026, 2, 1)


def test_an_alipay_statement_that_is_not_gbk_or_utf8_is_unknown():
    with pytest.raises(SettlementRefused) as refused:
        parse_settlement(b"\xff\xfe\x00garbage\x81")
    assert refused.value.code == "settlement_format_unknown"
