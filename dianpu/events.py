"""Domain events, listed in one place, and the in-process dispatcher.

An app publishes an event from inside its service's transaction; handlers registered here run
in the same transaction (so bookkeeping is all-or-nothing with the change that caused it).
Slow or external effects are not handlers: services schedule them as huey tasks on commit.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
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
class PaymentConfirmed:
    """An online gateway says an order's payment succeeded (a verified notification, once).

    `order_id` is None when the gateway's payment was not started by us but names the order
    number. The orders app decides: mark paid, or hold the order when the amount differs."""

    order_id: int | None
    order_number: str
    gateway: str
    reference: str
    amount: Decimal
    currency: str
    confirmed_at: datetime


@dataclass(frozen=True)
class ParcelDelivered:
    """The carrier reported a parcel delivered (tracking webhook or file)."""

    order_id: int
    shipment_id: int
    delivered_at: datetime


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


@dataclass(frozen=True)
class StockChanged:
    """Units on hand or reserved of these SKUs changed (any ledger move, in its transaction):
    channels flag the SKUs' listings for a stock push."""

    variant_ids: tuple[int, ...]


@dataclass(frozen=True)
class AdSpendRecorded:
    """A day's spend of an ad channel/campaign was saved (marketing's import; a re-import of the
    same day/channel/campaign replaces it): finance books the difference to what it had."""

    ad_spend_id: int
    day: date
    channel: str
    campaign: str
    spend: Decimal


@dataclass(frozen=True)
class ReturnReceived:
    """Returned goods arrived and were inspected (returns.services.receive_return): the units
    restocked are back on hand, so finance takes their cost of goods back into inventory."""

    return_id: int
    number: str
    order_id: int
    received_at: datetime


@dataclass(frozen=True)
class CustomerErased:
    """A customer's personal data was erased on request (customers.services.erase_customer): apps
    holding the person's e-mail, name, phone or address on their own rows remove it."""

    customer_id: int
    email: str  # the e-mail before erasure, to find rows that kept only the address
    placeholder: str  # what stands in for the e-mail from now on
    erased_at: datetime


@dataclass(frozen=True)
class CustomersMerged:
    """Two records of the same person became one (customers.services.merge_customers): apps that
    point at the merged customer move their rows to the one kept."""

    merged_id: int
    kept_id: int
    at: datetime


@dataclass(frozen=True)
class MemberCouponIssued:
    """A coupon was given to one customer (points exchange, birthday, win-back): promotions, which
    owns coupons, creates the single-use coupon `code` in the same transaction."""

    customer_id: int
    code: str
    name: str
    amount: Decimal
    min_spend: Decimal
    starts_at: datetime
    ends_at: datetime


_handlers: dict[type, list[Callable]] = defaultdict(list)


def subscribe(event_type: type, handler: Callable) -> None:
    if handler not in _handlers[event_type]:
        _handlers[event_type].append(handler)


def publish(event) -> None:
    for handler in _handlers[type(event)]:
        handler(event)


def register_handlers() -> None:
    """Called once at start-up (core's AppConfig.ready). Downstream apps add their handlers here."""
    from importlib import import_module

    for event_type, path in HANDLERS:
        module, _dot, name = path.rpartition(".")
        subscribe(event_type, getattr(import_module(module), name))
    # Downstream bookkeeping apps register their own handlers (named, not imported at the top:
    # upstream apps publish through this module and must not import them indirectly).
    for module in HANDLER_MODULES:
        import_module(module).register()


# (event, "dotted.path.to.handler"): named by path so that publishing apps need not import the
# apps that react (which sit above them in the layers).
HANDLERS: list[tuple[type, str]] = [
    (PaymentConfirmed, "dianpu.orders.handlers.on_payment_confirmed"),
    (OrderRefunded, "dianpu.orders.handlers.on_order_refunded"),
    (ParcelDelivered, "dianpu.orders.handlers.mark_order_delivered"),
    (OrderTransitioned, "dianpu.customers.handlers.on_order_transitioned"),
    (OrderRefunded, "dianpu.customers.handlers.on_order_refunded"),
    (CustomerErased, "dianpu.orders.handlers.on_customer_erased"),
    (CustomersMerged, "dianpu.orders.handlers.on_customers_merged"),
    (MemberCouponIssued, "dianpu.promotions.member_coupons.on_member_coupon_issued"),
    (StockChanged, "dianpu.channels.handlers.on_stock_changed"),
    (OrderTransitioned, "dianpu.channels.handlers.on_order_transitioned"),
    (CustomerErased, "dianpu.channels.handlers.on_customer_erased"),
]

HANDLER_MODULES = ("dianpu.analytics.handlers", "dianpu.finance.handlers")
