"""Orders' reactions to other apps' domain events (registered in dianpu/events.py)."""

import logging

from django.db import transaction

from dianpu import events
from dianpu.core.errors import DomainError

from .domain.states import Action, Status
from .models import Order
from .services import hold_order, notify_customer, transition_order

log = logging.getLogger(__name__)


def on_payment_confirmed(event: events.PaymentConfirmed) -> None:
    """A gateway confirmed a payment: mark the order paid (reference = the gateway's id), or hold
    it for a human when the amount or currency differs or the order can no longer be paid."""
    query = (
        Order.objects.filter(pk=event.order_id) if event.order_id else Order.objects.filter(number=event.order_number)
    )
    order = query.first()
    if order is None:
        log.warning("payment for an unknown order", extra={"order": event.order_number, "ref": event.reference})
        return
    if order.is_paid:
        return  # another notification, or staff, got there first: pay once
    wrong_currency = bool(event.currency) and event.currency.upper() != order.currency.upper()
    if event.amount != order.grand_total or wrong_currency:
        hold_order(
            order=order,
            reasons=[
                {
                    "code": "payment_amount_mismatch",
                    "detail": f"{event.gateway} {event.reference}: {event.amount} {event.currency.upper()} "
                    f"≠ {order.grand_total} {order.currency}",
                }
            ],
        )
        return
    if order.status != Status.PENDING_PAYMENT:
        hold_order(
            order=order,
            reasons=[
                {"code": "payment_for_closed_order", "detail": f"{event.gateway} {event.reference}: {order.status}"}
            ],
        )
        return
    transition_order(order=order, action=Action.MARK_PAID, reason=event.reference)


def on_order_refunded(event: events.OrderRefunded) -> None:
    """Money went back: tell the buyer (once the refund is committed)."""
    amount = str(event.amount)
    transaction.on_commit(lambda: notify_customer(event.order_id, "refund_made", {"refund_amount": amount}))


def mark_order_delivered(event) -> None:
    """A carrier reported the parcel delivered: a shipped order becomes delivered (paying a
    cash-on-delivery order). Already delivered, completed or cancelled orders are left alone."""
    order = Order.objects.filter(pk=event.order_id, status=Status.SHIPPED).first()
    if order is None:
        return
    try:
        transition_order(order=order, action=Action.MARK_DELIVERED, reason="carrier: delivered")
    except DomainError:
        pass  # moved meanwhile


def on_customer_erased(event: events.CustomerErased) -> None:
    """A customer was erased on request: their orders stay for the books (lines, amounts, dates,
    province and city for tax), the person goes — name, e-mail, phone, street address, IP, note."""
    from .models import OrderHistory

    orders = Order.objects.filter(customer_id=event.customer_id)
    orders.update(
        email=event.placeholder,
        ship_name="",
        ship_phone="",
        ship_line1="",
        ship_line2="",
        ship_district="",
        ship_postcode="",
        address_key="",
        phone_key="",
        ip_address=None,
        note="",
        visitor_id="",
    )
    OrderHistory.objects.filter(order__customer_id=event.customer_id, actor_label=event.email).update(
        actor_label=event.placeholder
    )


def on_customers_merged(event: events.CustomersMerged) -> None:
    """Two customer records are one person: their orders now belong to the record kept."""
    Order.objects.filter(customer_id=event.merged_id).update(customer_id=event.kept_id)
