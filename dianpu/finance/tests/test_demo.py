"""The demo's books: every paid order, refund, shipment and ad spend of the demo posted (in bulk),
the ledger balanced, the rollups equal to the journal, and net sales equal to the orders' money."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Sum
from django.test import override_settings

from dianpu.accounts.domain.roles import ROLES
from dianpu.finance import queries
from dianpu.finance.domain.ledger import yuan
from dianpu.finance.models import Expense, JournalEntry, JournalLine, Period
from dianpu.orders.models import Order
from dianpu.payments.models import Refund
from dianpu.returns.models import ReturnRequest
from dianpu.system.demo import reset_shop_data

SMALL = dict(products=12, customers=20, orders=150, days=60, seed=7)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("finance-demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        try:
            call_command("seed_demo", verbosity=0, reset=True, **SMALL)
            yield media
        finally:
            reset_shop_data()
            get_user_model().objects.filter(username__in=[role.code for role in ROLES]).delete()


def test_the_demo_has_balanced_books_that_match_its_orders(demo, db):
    sales = JournalEntry.objects.filter(source_kind="order_paid").count()
    paid = Order.objects.filter(paid_at__isnull=False, grand_total__gt=0)
    assert sales == paid.count() > 0
    totals = JournalLine.objects.aggregate(d=Sum("debit_fen"), c=Sum("credit_fen"))
    assert totals["d"] == totals["c"]
    first, last = date(2000, 1, 1), date(2099, 12, 31)
    rolled, raw = queries.get_rollup_vs_journal(first, last)
    assert rolled == raw
    refunded = Refund.objects.filter(status="succeeded").aggregate(s=Sum("amount"))["s"] or 0
    expected = (paid.aggregate(s=Sum("grand_total"))["s"] or 0) - refunded
    assert queries.get_pnl(first, last)["net_sales"] == yuan(int(expected * 100))
    assert Expense.objects.count() >= 3 and Period.objects.filter(closed_at__isnull=False).exists()
    margins_rolled, margins_raw = queries.get_margin_rollup_vs_journal(first, last)
    assert margins_rolled == margins_raw
    restocked = (
        ReturnRequest.objects.filter(
            received_at__isnull=False, lines__restocked_quantity__gt=0, order__shipped_at__isnull=False
        )
        .distinct()
        .count()
    )
    assert JournalEntry.objects.filter(source_kind="return_restocked").count() == restocked
