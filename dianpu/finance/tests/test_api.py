"""The contract outside checks rely on: P&L and trial balance as decimal strings, expenses,
the monthly close, and 403 for every role but owner and finance."""

from datetime import date
from decimal import Decimal

import pytest

from dianpu.catalog.tests.builders import make_product
from dianpu.finance import services
from dianpu.finance.models import Expense, JournalEntry, Period
from dianpu.orders.services import transition_order
from dianpu.orders.tests.builders import place_test_order
from dianpu.payments.services import refund_order

from .builders import ledger_totals, paid_order

pytestmark = pytest.mark.django_db

PNL_KEYS = {
    "net_sales",
    "cost_of_goods",
    "gross_profit",
    "shipping_cost",
    "payment_fees",
    "ad_spend",
    "other_expenses",
    "net_profit",
}


@pytest.fixture
def books(at):
    at(2026, 3, 5, 10, 0)
    make_product(price="120.00", cost_price="50.00", stock=20, skus=["TEE"])
    order = paid_order({"TEE": 2})  # ¥240.00, no shipping
    transition_order(
        order=order, action="ship", carrier="sf", tracking_number="SF1234567890123", shipping_cost=Decimal("15.00")
    )
    at(2026, 3, 9, 10, 0)
    refund_order(order=order, amount=Decimal("20.00"), reason="补偿")
    return order


def test_pnl_as_decimal_strings(books, staff_api):
    api = staff_api("finance")
    assert (
        api.post(
            "finance/expenses", {"date": "2026-03-10", "category": "tools", "amount": "99.00", "note": "店铺软件"}
        ).status_code
        == 201
    )
    r = api.get("finance/pnl", date_from="2026-03-01", date_to="2026-03-31")
    assert r.status_code == 200, r.content
    assert r.json() == {
        "net_sales": "220.00",
        "cost_of_goods": "100.00",
        "gross_profit": "120.00",
        "shipping_cost": "15.00",
        "payment_fees": "0.00",
        "ad_spend": "0.00",
        "other_expenses": "99.00",
        "net_profit": "6.00",
    }
    assert set(r.json()) == PNL_KEYS
    # the refund day only
    assert api.get("finance/pnl", date_from="2026-03-09", date_to="2026-03-09").json()["net_sales"] == "-20.00"


def test_trial_balance_totals_are_equal(books, staff_api):
    r = staff_api("owner").get("finance/trial-balance", date_to="2026-03-31")
    assert r.status_code == 200
    body = r.json()
    assert (
        body["debit_total"] == body["credit_total"] == "375.00"
    )  # sale 240 + cost of goods 100 + carrier 15 + refund 20
    by_code = {a["code"]: a for a in body["accounts"]}
    assert by_code["clearing.bank_transfer"]["balance"] == "220.00"
    assert by_code["inventory"]["balance"] == "-100.00"
    assert by_code["sales"]["balance"] == "-240.00"
    # before the refund: the refund is not there yet
    early = staff_api("owner").get("finance/trial-balance", date_to="2026-03-05").json()
    assert early["debit_total"] == early["credit_total"] == "355.00"
    assert "refunds" not in {a["code"] for a in early["accounts"]}


def test_expense_is_created_and_posted(staff_api, at):
    at(2026, 3, 5, 10, 0)
    r = staff_api("finance").post(
        "finance/expenses", {"date": "2026-03-01", "category": "staff", "amount": "8000", "note": "三月工资"}
    )
    assert r.status_code == 201, r.content
    assert r.json()["amount"] == "8000.00"
    entry = JournalEntry.objects.get(source_kind="expense", source_id=str(r.json()["id"]))
    assert {(ln.account, ln.debit_fen, ln.credit_fen) for ln in entry.lines.all()} == {
        ("staff", 800000, 0),
        ("cash", 0, 800000),
    }


@pytest.mark.parametrize("amount", ["-5.00", "0", "abc", "1.234", "NaN", "Infinity", "", "1e3x"])
def test_negative_or_non_numeric_amount_is_refused_with_a_code(staff_api, at, amount):
    at(2026, 3, 5, 10, 0)
    r = staff_api("finance").post("finance/expenses", {"date": "2026-03-01", "category": "other", "amount": amount})
    assert r.status_code == 422
    assert r.json()["code"] == "amount_invalid"
    assert (Expense.objects.count(), JournalEntry.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    "body, code",
    [
        ({"date": "2026-13-01", "category": "other", "amount": "5"}, "date_invalid"),
        ({"date": "2026-03-01", "category": "yachts", "amount": "5"}, "category_invalid"),
    ],
)
def test_bad_expense_fields_are_refused_with_a_code(staff_api, at, body, code):
    at(2026, 3, 5, 10, 0)
    r = staff_api("finance").post("finance/expenses", body)
    assert (r.status_code, r.json()["code"]) == (422, code)
    assert Expense.objects.count() == 0


def test_closing_a_month_refuses_expenses_dated_in_it(staff_api, at):
    at(2026, 4, 3, 10, 0)
    api = staff_api("finance")
    r = api.post("finance/periods/2026-03/close")
    assert r.status_code == 200, r.content
    assert r.json()["month"] == "2026-03" and r.json()["closed"] is True
    refused = api.post("finance/expenses", {"date": "2026-03-31", "category": "other", "amount": "10.00"})
    assert refused.status_code == 422
    assert refused.json()["code"] == "period_closed"
    assert (Expense.objects.count(), JournalEntry.objects.count()) == (0, 0)
    assert (
        api.post("finance/expenses", {"date": "2026-04-01", "category": "other", "amount": "10.00"}).status_code == 201
    )
    # closing again changes nothing
    assert api.post("finance/periods/2026-03/close").status_code == 200
    assert Period.objects.get(month="2026-03").closed_at is not None


@pytest.mark.parametrize(
    "month, code", [("2026-3", "period_invalid"), ("march", "period_invalid"), ("2026-05", "period_in_future")]
)
def test_bad_months_are_refused(staff_api, at, month, code):
    at(2026, 4, 3, 10, 0)
    r = staff_api("owner").post(f"finance/periods/{month}/close")
    assert (r.status_code, r.json()["code"]) == (422, code)
    assert not Period.objects.filter(closed_at__isnull=False).exists()


def test_an_order_paid_for_a_closed_month_posts_into_the_open_month_saying_why(at, staff):
    at(2026, 3, 31, 23, 0)
    make_product(price="120.00", stock=20, skus=["TEE"])
    order = place_test_order({"TEE": 1})
    at(2026, 4, 2, 9, 0)
    services.close_period(month="2026-03", actor=staff("finance"))
    # the payment is recorded with the day it arrived (31 March), after March was closed
    at(2026, 3, 31, 23, 30)
    transition_order(order=order, action="mark_paid")
    entry = JournalEntry.objects.get(source_kind="order_paid")
    assert entry.date == date(2026, 4, 1)
    assert "2026-03 已结账，记入 2026-04" in entry.memo
    assert ledger_totals()[0] == ledger_totals()[1] == 12000


def test_invalid_dates_give_422_with_code(staff_api):
    api = staff_api("owner")
    for params in (
        {"date_from": "2026-02-30", "date_to": "2026-03-01"},
        {"date_from": "x", "date_to": "y"},
        {"date_from": "2026-03-02", "date_to": "2026-03-01"},
        {},
    ):
        r = api.get("finance/pnl", **params)
        assert r.status_code == 422 and r.json()["code"] in {"date_invalid", "date_range_invalid"}, params
    assert api.get("finance/trial-balance").json()["code"] == "date_invalid"


@pytest.mark.parametrize("role", ["operator", "marketing", "agent", "warehouse", "designer"])
def test_other_roles_get_403_on_everything(staff_api, role, at):
    at(2026, 4, 3, 10, 0)
    api = staff_api(role)
    assert api.get("finance/pnl", date_from="2026-03-01", date_to="2026-03-31").status_code == 403
    assert api.get("finance/trial-balance", date_to="2026-03-31").status_code == 403
    assert api.post("finance/expenses", {"date": "2026-03-01", "category": "other", "amount": "1"}).status_code == 403
    assert api.post("finance/periods/2026-03/close").status_code == 403
    assert (Expense.objects.count(), Period.objects.filter(closed_at__isnull=False).count()) == (0, 0)


def test_anonymous_gets_401(api):
    assert api.get("finance/pnl", date_from="2026-03-01", date_to="2026-03-31").status_code == 401
