"""Reactions of orders to other apps' domain events (registered in dianpu/events.py)."""

from dianpu.core.errors import DomainError

from .domain.states import Action, Status
from .models import Order
from .services import transition_order


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
