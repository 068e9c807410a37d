"""Reconciliation (对账): a gateway's settlement file against our payments and refunds, and the
fees in the file posted to the ledger — all in one transaction, or nothing.

A payment whose fee was estimated at the gateway's rate when it was paid has that estimate
reversed (once per order) when the file brings the real fee, so the books carry the real fee
only — never both."""

import hashlib
from datetime import timedelta

from django.db import transaction

from dianpu.audit.services import record_audit
from dianpu.core import clock
from dianpu.core.uploads import MB, UploadLimits, check_size
from dianpu.orders.models import Order
from dianpu.payments.models import Payment, PaymentSession, Refund
from dianpu.shop.queries import get_shop_profile

from . import services
from .domain import chart, ledger
from .domain.settlements import (
    Ours,
    SettlementRefused,
    assign_fees_to_orders,
    match_settlement,
    parse_settlement,
)
from .models import JournalEntry, Settlement, SettlementRow
from .sales_channels import order_channel

LIMITS = UploadLimits(max_bytes=10 * MB, max_rows=200_000)


def _ours(gateway: str, first, last) -> list[Ours]:
    start, end = first - timedelta(days=1), last + timedelta(days=2)
    payments = list(
        Payment.objects.filter(gateway=gateway, created_at__date__gte=start, created_at__date__lt=end).select_related(
            "order"
        )
    )
    sessions: dict[int, list[str]] = {}
    for order_id, reference in PaymentSession.objects.filter(
        gateway=gateway, order_id__in=[p.order_id for p in payments]
    ).values_list("order_id", "reference"):
        sessions.setdefault(order_id, []).append(reference)
    ours = [
        Ours("payment", p.pk, (p.reference, *sessions.get(p.order_id, ())), p.order.number, p.amount) for p in payments
    ]
    refunds = Refund.objects.filter(
        gateway=gateway, status=Refund.Status.SUCCEEDED, created_at__date__gte=start, created_at__date__lt=end
    ).select_related("order")
    ours += [Ours("refund", r.pk, (r.reference,), r.order.number, r.amount) for r in refunds]
    return ours


def _replace_estimated_fee(order_id: int, day, their_id: str) -> None:
    """Reverse the fee estimated at the rate when the order was paid (once per order; not when a
    person reversed it already): the settlement file's real fee takes its place."""
    estimate = JournalEntry.objects.filter(source_kind="payment_fee", source_id=str(order_id)).first()
    if estimate is None or JournalEntry.objects.filter(reversal_of=estimate).exists():
        return
    lines = [
        ledger.Line(ln.account, ln.debit_fen, ln.credit_fen, ln.channel, ln.product_id, ln.campaign)
        for ln in estimate.lines.all()
    ]
    services.post_entry(
        ledger.EntryPlan(
            day,
            "fee_estimate_replaced",
            str(order_id),
            f"冲销预估手续费 #{estimate.pk}（对账单 {their_id} 实际手续费）"[:300],
            ledger.reversal_lines(lines),
        ),
        reversal_of=estimate,
    )


def _post_fees(gateway: str, items, outcomes, today) -> None:
    assigned = assign_fees_to_orders(tuple(items), outcomes)
    orders = {
        o.number: o
        for o in Order.objects.filter(number__in={n for n in assigned.values() if n}).only(
            "pk", "number", "channel", "utm_campaign"
        )
    }
    for item in items:
        if item.fee <= 0:
            continue
        day = item.occurred_on or today
        order = orders.get(assigned.get(item.their_id, ""))
        dims = {"channel": order_channel(order), "campaign": order.utm_campaign or ""} if order else {}
        if order is not None:
            _replace_estimated_fee(order.pk, day, item.their_id)
        # keyed by the gateway's line id: a fee in two overlapping files posts once
        services.post_entry(
            ledger.EntryPlan(
                day,
                "settlement_fee",
                f"{gateway}:{item.their_id}"[:100],
                f"{gateway} 手续费 {item.their_id}",
                (
                    ledger.debit(chart.PAYMENT_FEES, ledger.fen(item.fee), **dims),
                    ledger.credit(chart.clearing_account(gateway), ledger.fen(item.fee)),
                ),
            )
        )


def import_settlement(*, data: bytes, filename: str = "", actor=None, ip_address: str | None = None) -> Settlement:
    """Read, compare, record and post the fees. The same file twice is one settlement; a file in an
    unknown format or another currency is refused (422) with nothing written."""
    check_size(data, LIMITS)  # UploadRefused (413) past the limit
    try:
        parsed = parse_settlement(data)
    except SettlementRefused as exc:
        raise services.finance_error(exc.code, **exc.params) from None
    expected = get_shop_profile().currency.upper()
    if parsed.currency and parsed.currency != expected:
        raise services.finance_error("settlement_currency", currency=parsed.currency, expected=expected)
    money_items = [i for i in parsed.items if i.kind in ("payment", "refund", "fee")]
    if not money_items:
        raise services.finance_error("settlement_empty")
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        existing = Settlement.objects.filter(digest=digest).first()
        if existing is not None:
            return existing
        today = services.local_day(clock.now())
        days = [i.occurred_on for i in money_items if i.occurred_on] or [today]
        outcomes = match_settlement(tuple(money_items), _ours(parsed.gateway, min(days), max(days)))
        fee_total = sum(ledger.fen(i.fee) for i in money_items if i.fee > 0)
        settlement = Settlement.objects.create(
            gateway=parsed.gateway,
            file_format=parsed.file_format,
            file_name=filename[:200],
            digest=digest,
            currency=parsed.currency or expected,
            row_count=len(parsed.items),
            fee_fen=fee_total,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            created_at=clock.now(),
        )
        SettlementRow.objects.bulk_create(
            [
                SettlementRow(
                    settlement=settlement,
                    outcome=o.outcome,
                    kind=o.kind,
                    reference=o.reference[:100],
                    their_amount=o.their_amount,
                    our_amount=o.our_amount,
                    fee=o.fee,
                    order_number=o.order_number[:20],
                    occurred_on=o.occurred_on,
                )
                for o in outcomes
            ]
        )
        _post_fees(parsed.gateway, money_items, outcomes, today)
        counts = {o: sum(1 for x in outcomes if x.outcome == o) for o in SettlementRow.Outcome.values}
        record_audit(
            actor=actor,
            action="finance.settlement_imported",
            obj=settlement,
            object_repr=f"{parsed.gateway} {filename}"[:200],
            changes={k: ("", str(v)) for k, v in counts.items()},
            ip_address=ip_address,
        )
    return settlement
