"""Who may ask for what, when: the approval rules of after-sales."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from .states import Kind

REASONS = (
    "damaged",
    "wrong_item",
    "not_as_described",
    "size_fit",
    "quality",
    "missing_parts",
    "changed_mind",
    "late_delivery",
    "other",
)
BEFORE_SHIPPING = {"paid", "reviewed", "picking"}
IN_TRANSIT = {"shipped"}  # shipped, not yet delivered


@dataclass(frozen=True)
class OrderForReturn:
    status: str
    is_paid: bool
    delivered_at: datetime | None


def check_request(kind: str, order: OrderForReturn, *, now: datetime, window_days: int) -> str | None:
    """None when the request may be made, else the refusal code.

    Refund-only (仅退款) is allowed before shipping and while the parcel is in transit; stopping
    the parcel (拦截) only while it is in transit; returns and exchanges need the parcel delivered;
    every kind after delivery must come within `window_days` of it."""
    if kind not in {k.value for k in Kind}:
        return "return_kind_unknown"
    if order.status == "cancelled":
        return "return_order_cancelled"
    if not order.is_paid:
        return "return_order_not_paid"
    if order.delivered_at is None:
        in_transit = order.status in IN_TRANSIT
        if kind == Kind.REFUND_ONLY and (order.status in BEFORE_SHIPPING or in_transit):
            return None
        if kind == Kind.INTERCEPT:
            return None if in_transit else "intercept_not_in_transit"
        return "return_not_delivered_in_transit" if in_transit else "return_not_delivered"
    if kind == Kind.INTERCEPT:
        return "intercept_not_in_transit"
    if now > order.delivered_at + timedelta(days=window_days):
        return "return_window_closed"
    return None


def check_lines(requested: dict[int, int], ordered: dict[int, int], already: dict[int, int]) -> dict[int, str]:
    """Per order line: quantity must be 1..(ordered - already requested). Returns errors by line id."""
    errors = {}
    if not requested:
        return {0: "return_lines_required"}
    for line_id, quantity in requested.items():
        if line_id not in ordered:
            errors[line_id] = "return_line_unknown"
        elif quantity <= 0 or quantity > ordered[line_id] - already.get(line_id, 0):
            errors[line_id] = "return_quantity_too_large"
    return errors


def list_request_kinds(order: OrderForReturn, *, now: datetime, window_days: int) -> list[str]:
    """The kinds a buyer may ask for now: the form offers these and no other."""
    return [k.value for k in Kind if check_request(k.value, order, now=now, window_days=window_days) is None]
