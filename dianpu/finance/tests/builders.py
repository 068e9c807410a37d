"""Test builders for finance: orders moved through the real services, and the ledger's entries
read back as {account: (debit, credit)} in yuan strings."""

from collections import defaultdict

from dianpu.finance.domain.ledger import yuan
from dianpu.finance.models import JournalEntry, JournalLine
from dianpu.orders.services import transition_order
from dianpu.orders.tests.builders import place_test_order


def paid_order(lines: dict[str, int], **kwargs):
    order = place_test_order(lines, **kwargs)
    return transition_order(order=order, action="mark_paid", reason="银行转账")


def entry_lines(source_kind: str, source_id) -> dict[str, tuple[str, str]]:
    entry = JournalEntry.objects.get(source_kind=source_kind, source_id=str(source_id))
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for ln in entry.lines.all():
        totals[ln.account][0] += ln.debit_fen
        totals[ln.account][1] += ln.credit_fen
    return {k: (str(yuan(d)), str(yuan(c))) for k, (d, c) in totals.items()}


def ledger_totals() -> tuple[int, int]:
    from django.db.models import Sum

    t = JournalLine.objects.aggregate(d=Sum("debit_fen"), c=Sum("credit_fen"))
    return t["d"] or 0, t["c"] or 0
