"""Customers' reactions to order events (registered in dianpu/events.py): points earned when an
order is paid, given back when it is cancelled unpaid, taken back when money is refunded.

The orders app sits above this one, so the order is read through the `Customer.orders` relation
(no import of orders); the handlers run in the publishing transaction and are safe to run twice
(one ledger row per kind and reference)."""

from dianpu import events

from . import services
from .models import Customer

PAID_STATUSES = ("paid", "reviewed", "picking", "shipped", "delivered", "completed")


def _order_row(order_id: int) -> dict | None:
    customer_id = Customer.objects.filter(orders__id=order_id).values_list("id", flat=True).first()
    if customer_id is None:
        return None
    row = (
        Customer(pk=customer_id).orders.filter(pk=order_id).values("number", "grand_total", "paid_at", "status").first()
    )
    return {**row, "customer_id": customer_id} if row else None


def on_order_transitioned(event: events.OrderTransitioned) -> None:
    if event.to_status == "cancelled":
        row = _order_row(event.order_id)
        if row and row["paid_at"] is None:
            services.restore_redeemed_points(customer_id=row["customer_id"], order_number=row["number"])
        return
    if event.to_status not in PAID_STATUSES:
        return
    row = _order_row(event.order_id)
    if row and row["paid_at"] is not None:  # cash on delivery earns when it is paid, on delivery
        services.earn_points_for_order(
            customer_id=row["customer_id"], order_number=row["number"], amount_paid=row["grand_total"]
        )
        if event.to_status == "paid" or event.action == "mark_delivered":
            services.refresh_segments([row["customer_id"]])  # segments stay current as orders come in


def on_order_refunded(event: events.OrderRefunded) -> None:
    row = _order_row(event.order_id)
    if row is None:
        return
    services.take_back_points(
        customer_id=row["customer_id"],
        order_number=row["number"],
        refund_reference=str(event.refund_id),
        refunded=event.amount,
        paid=row["grand_total"],
    )
