"""Test builders for analytics: tracking events as the storefront would record them, refunds
as the refund service would write them (row + OrderRefunded event, in one transaction)."""

from datetime import datetime
from decimal import Decimal

from django.db import transaction

from dianpu import events
from dianpu.analytics.services import EventInput, VisitContext, fold_tracking_events, record_events
from dianpu.core import clock
from dianpu.payments.models import Refund


def visit(
    visitor="visitor-0001", session=None, *, channel="direct", source="(direct)", device="desktop", campaign=""
) -> VisitContext:
    return VisitContext(
        visitor_id=visitor,
        session_id=session or f"s-{visitor}",
        channel=channel,
        source=source,
        utm_campaign=campaign,
        device=device,
    )


def track(context: VisitContext, kind: str, *, product=None, dwell_ms=0, path="/", order_id=None) -> None:
    record_events(
        context,
        [
            EventInput(
                kind=kind, path=path, product_id=getattr(product, "pk", product), dwell_ms=dwell_ms, order_id=order_id
            )
        ],
        from_browser=False,
    )


def fold() -> int:
    return fold_tracking_events(lag_seconds=0)


def make_refund(order, amount, *, at: datetime | None = None) -> Refund:
    at = at or clock.now()
    with transaction.atomic():
        refund = Refund.objects.create(
            order=order,
            gateway=order.payment_method,
            amount=Decimal(str(amount)),
            status=Refund.Status.SUCCEEDED,
            created_at=at,
        )
        events.publish(events.OrderRefunded(order.pk, order.number, refund.pk, refund.amount, at))
    return refund
