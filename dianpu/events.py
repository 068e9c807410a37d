"""Domain events, listed in one place, and the in-process dispatcher.

An app publishes an event from inside its service's transaction; handlers registered here run
in the same transaction (so bookkeeping is all-or-nothing with the change that caused it).
Slow or external effects are not handlers: services schedule them as huey tasks on commit.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class OrderPlaced:
    order_id: int
    number: str
    grand_total: Decimal
    placed_at: datetime


@dataclass(frozen=True)
class OrderTransitioned:
    order_id: int
    number: str
    action: str
    from_status: str
    to_status: str
    at: datetime


@dataclass(frozen=True)
class OrderRefunded:
    """Money went back to the buyer (part or all of what was paid)."""

    order_id: int
    number: str
    refund_id: int
    amount: Decimal
    refunded_at: datetime


@dataclass(frozen=True)
class StockReceived:
    """Goods came in against a purchase order (inventory.services.receive_stock): finance can book
    the stock value; the SKU's moving-average cost is already updated."""

    variant_id: int
    warehouse_id: int
    quantity: int
    unit_cost: Decimal
    reference: str
    received_at: datetime


@dataclass(frozen=True)
class StockCounted:
    """A stocktake was posted: units over (+) and short (−) per variant id, at cost."""

    stocktake_id: int
    number: str
    warehouse_id: int
    variances: tuple[tuple[int, int, Decimal], ...]  # (variant id, units, unit cost)
    posted_at: datetime


_handlers: dict[type, list[Callable]] = defaultdict(list)


def subscribe(event_type: type, handler: Callable) -> None:
    if handler not in _handlers[event_type]:
        _handlers[event_type].append(handler)


def publish(event) -> None:
    for handler in _handlers[type(event)]:
        handler(event)


def register_handlers() -> None:
    """Called once at start-up (core's AppConfig.ready). Downstream apps add their handlers here."""
