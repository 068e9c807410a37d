"""A posting racing the monthly close: either it lands before the close or it is moved to the
open month (automatic) / refused (a person's expense) — a closed month never changes afterwards.
Real threads against the real database (SQLite and PostgreSQL)."""

import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.db.models import Sum

from dianpu.core import clock
from dianpu.core.errors import DomainError
from dianpu.finance import services
from dianpu.finance.domain import ledger
from dianpu.finance.models import DailyAccountTotal, Expense, JournalLine

from .racing import run_in_threads

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.concurrency]
MONTHS = ["2026-01", "2026-02", "2026-03", "2026-04"]


def _month_total(month: str) -> tuple[int, int]:
    start = date(int(month[:4]), int(month[5:]), 1)
    end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    rows = JournalLine.objects.filter(date__gte=start, date__lt=end).aggregate(d=Sum("debit_fen"))
    rolled = DailyAccountTotal.objects.filter(day__gte=start, day__lt=end).aggregate(d=Sum("debit_fen"))
    return rows["d"] or 0, rolled["d"] or 0


@pytest.fixture
def june():
    clock.freeze(datetime(2026, 6, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    yield
    clock.freeze(None)


def test_an_automatic_posting_racing_the_close_lands_before_it_or_moves_on(june):
    snapshots = {}

    def work(i, month):
        if i == 0:  # the posting: holds its transaction open a moment after touching the month
            day = date(int(month[:4]), int(month[5:]), 15)
            with transaction.atomic():
                entry, _created = services.post_entry(
                    ledger.EntryPlan(
                        day, "test", month, "竞态", (ledger.debit("cash", 500), ledger.credit("sales", 500))
                    )
                )
                time.sleep(0.2)
            return entry.date
        services.close_period(month=month)
        snapshots[month] = _month_total(month)  # what the closed month holds, right after closing
        return "closed"

    for month in MONTHS:
        results = run_in_threads(2, lambda i, m=month: work(i, m))
        assert results[1] == "closed", results
        assert isinstance(results[0], date), results
        first_of_next = date(int(month[:4]), int(month[5:]) + 1, 1)
        assert results[0] in (date(int(month[:4]), int(month[5:]), 15), first_of_next), (month, results)
    for month in MONTHS:
        assert _month_total(month) == snapshots[month], month  # nothing changed after the close
    d, c = JournalLine.objects.aggregate(d=Sum("debit_fen"), c=Sum("credit_fen")).values()
    assert d == c == 500 * len(MONTHS)


def test_an_expense_racing_the_close_is_either_in_before_it_or_refused(june):
    snapshots = {}

    def work(i, month):
        if i == 0:
            try:
                return services.record_expense(day=f"{month}-20", category="other", amount="12.34").date
            except DomainError as exc:
                return exc.code
        services.close_period(month=month)
        snapshots[month] = _month_total(month)
        return "closed"

    for month in MONTHS:
        results = run_in_threads(2, lambda i, m=month: work(i, m))
        assert results[1] == "closed", results
        assert results[0] in (date(int(month[:4]), int(month[5:]), 20), "period_closed"), results
    for month in MONTHS:
        assert _month_total(month) == snapshots[month], month
    assert Expense.objects.count() == JournalLine.objects.filter(account="other_expenses").count()
