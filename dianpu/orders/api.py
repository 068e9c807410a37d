"""Staff order endpoints: list, detail, transitions (each action checked against the role)."""

from datetime import datetime
from decimal import Decimal

from ninja import Field, Query, Router, Schema, Status

from dianpu.accounts.auth import StaffToken, require_perm
from dianpu.accounts.domain import roles
from dianpu.channels.queries import channel_label
from dianpu.core.bounds import PageNumber
from dianpu.core.errors import DomainError
from dianpu.core.http import client_ip
from dianpu.fulfillment.carriers import get_carrier
from dianpu.fulfillment.queries import list_tracking_events
from dianpu.payments.queries import list_refunds
from dianpu.returns.queries import list_returns_for_order

from . import queries, review, services
from .batch_shipping import ship_orders_in_batch
from .domain.states import ACTION_PERMISSIONS, Action
from .merging import merge_orders, plan_split_by_warehouse, split_order
from .messages import MESSAGES
from .schemas import HoldReasonOut, OrderDetail, OrderList, TransitionIn

router = Router(tags=["orders"], auth=StaffToken())


class OrderFilters(Schema):
    status: str = ""
    search: str = ""
    channel: str = ""
    page: PageNumber = 1
    page_size: int = 50


def summary(order) -> dict:
    return {
        "number": order.number,
        "status": order.status,
        "email": order.email,
        "ship_name": order.ship_name,
        "total": order.grand_total,
        "payment_method": order.payment_method,
        "shipping_method": order.shipping_method,
        "placed_at": order.placed_at,
        "paid_at": order.paid_at,
        "shipped_at": order.shipped_at,
    }


def shipments_out(order) -> list[dict]:
    shipments = list(order.shipments.all())
    events = list_tracking_events([s.pk for s in shipments])
    out = []
    for s in shipments:
        carrier = get_carrier(s.carrier)
        out.append(
            {
                "carrier": s.carrier,
                "tracking_number": s.tracking_number,
                "tracking_url": carrier.tracking_url(s.tracking_number) if carrier else "",
                "status": s.status,
                "shipped_at": s.shipped_at,
                "promised_by": s.promised_by,
                "delivered_at": s.delivered_at,
                "events": events.get(s.pk, []),
            }
        )
    return out


def detail(order, user) -> dict:
    carrier = get_carrier(order.carrier) if order.carrier else None
    return {
        **summary(order),
        "channel": order.channel,
        "channel_name": channel_label(order.channel),
        "currency": order.currency,
        "subtotal": order.subtotal,
        "shipping_total": order.shipping_total,
        "discount_total": order.discount_total,
        "shipping_address": {
            "name": order.ship_name,
            "phone": order.ship_phone,
            "country": order.ship_country,
            "province": order.ship_province,
            "city": order.ship_city,
            "district": order.ship_district,
            "line1": order.ship_line1,
            "line2": order.ship_line2,
            "postcode": order.ship_postcode,
        },
        "note": order.note,
        "carrier": order.carrier,
        "tracking_number": order.tracking_number,
        "tracking_url": carrier.tracking_url(order.tracking_number) if carrier else "",
        "delivered_at": order.delivered_at,
        "cancelled_at": order.cancelled_at,
        "lines": [
            {
                "sku": ln.sku,
                "name": ln.product_name,
                "variant": ln.variant_label,
                "quantity": ln.quantity,
                "unit_price": ln.unit_price,
                "line_total": ln.line_total,
                "discount": ln.discount_total,
                "paid_total": ln.paid_total,
            }
            for ln in order.lines.all()
        ],
        "history": [
            {
                "action": h.action,
                "from_status": h.from_status,
                "to_status": h.to_status,
                "actor": h.actor_label,
                "reason": h.reason,
                "at": h.created_at,
            }
            for h in order.history.all()
        ],
        "channel_order_number": order.channel_order_number,
        "shipments": shipments_out(order),
        "hold_reasons": queries.describe_hold_reasons(order),
        "refunds": [
            {"amount": r.amount, "status": r.status, "gateway": r.gateway, "created_at": r.created_at}
            for r in list_refunds(order.pk)
        ],
        "returns": [
            {"number": r.number, "kind": r.kind, "status": r.status}
            for r in sorted(list_returns_for_order(order.pk), key=lambda r: (r.created_at, r.pk))
        ],
        "allowed_actions": queries.list_allowed_actions(order, user),
    }


@router.get("/orders", response=OrderList, summary="Orders, newest first (filter by status, search number/email/phone)")
def list_orders(request, filters: Query[OrderFilters]):
    require_perm(request.auth, roles.VIEW_ORDERS)
    orders = queries.list_orders(status=filters.status, search=filters.search, channel=filters.channel)
    size = max(1, min(filters.page_size, 200))
    page = max(1, filters.page)
    return {
        "items": [summary(o) for o in orders[(page - 1) * size : page * size]],
        "count": orders.count(),
        "page": page,
    }


@router.get("/orders/{number}", response=OrderDetail, summary="One order with lines, history and allowed actions")
def get_order(request, number: str):
    require_perm(request.auth, roles.VIEW_ORDERS)
    return detail(queries.get_order(number), request.auth)


@router.post(
    "/orders/{number}/transitions",
    response=OrderDetail,
    summary="Move an order: mark_paid, ship (carrier, tracking_number), mark_delivered, cancel, …",
)
def transition(request, number: str, payload: TransitionIn):
    require_perm(request.auth, roles.VIEW_ORDERS)
    try:
        permission = ACTION_PERMISSIONS[Action(payload.action)]
    except ValueError:
        raise DomainError(
            str(MESSAGES["unknown_action"]) % {"action": payload.action}, code="unknown_action", status=422
        ) from None
    require_perm(request.auth, roles.VIEW_ORDERS, permission)
    order = queries.get_order(number)
    services.transition_order(
        order=order,
        action=payload.action,
        actor=request.auth,
        carrier=payload.carrier,
        tracking_number=payload.tracking_number,
        reason=payload.reason,
        ip_address=client_ip(request),
    )
    return detail(queries.get_order(number), request.auth)


# --- order review (审单) ------------------------------------------------------------------------


class HeldOrderOut(Schema):
    number: str
    status: str
    total: Decimal
    held_at: datetime | None
    hold_reasons: list[HoldReasonOut]


class ReleaseIn(Schema):
    reason: str = Field("", max_length=500)


class ReviewSettingsIO(Schema):
    high_value_over: Decimal | None = Field(
        None, ge=0, max_digits=12, decimal_places=2, description="hold orders at or over this total; null: off"
    )
    max_orders_per_address_per_day: int = Field(3, ge=0, le=10_000, description="0: off")
    max_orders_per_phone_per_day: int = Field(3, ge=0, le=10_000)
    max_orders_per_ip_per_day: int = Field(5, ge=0, le=10_000)
    check_far_apart: bool = True


class BlacklistIn(Schema):
    kind: str = Field(description="email, phone or address")
    value: str = Field(max_length=200)
    note: str = Field("", max_length=200)


class BlacklistOut(Schema):
    id: int
    kind: str
    value: str
    note: str
    created_at: datetime


@router.get("/order-review/held", response=list[HeldOrderOut], summary="Orders held for review, oldest first")
def held_orders(request):
    require_perm(request.auth, roles.VIEW_ORDERS, roles.REVIEW_ORDER)
    return [
        {
            "number": o.number,
            "status": o.status,
            "total": o.grand_total,
            "held_at": o.held_at,
            "hold_reasons": queries.describe_hold_reasons(o),
        }
        for o in queries.list_held_orders()[:500]
    ]


@router.post("/orders/{number}/release", response=OrderDetail, summary="Release an order held for review")
def release(request, number: str, payload: ReleaseIn):
    require_perm(request.auth, roles.VIEW_ORDERS, roles.REVIEW_ORDER)
    services.release_order(
        order=queries.get_order(number), actor=request.auth, reason=payload.reason, ip_address=client_ip(request)
    )
    return detail(queries.get_order(number), request.auth)


def _settings_out(row) -> dict:
    return {f: getattr(row, f) for f in review.SETTING_FIELDS}


@router.get("/order-review/settings", response=ReviewSettingsIO, summary="Thresholds of the order-review rules")
def get_review_settings(request):
    require_perm(request.auth, roles.VIEW_ORDERS, roles.REVIEW_ORDER)
    return _settings_out(review.get_review_settings())


@router.put("/order-review/settings", response=ReviewSettingsIO, summary="Change the order-review thresholds")
def put_review_settings(request, payload: ReviewSettingsIO):
    require_perm(request.auth, roles.MANAGE_REVIEW_RULES)
    row = review.update_review_settings(actor=request.auth, changes=payload.dict(), ip_address=client_ip(request))
    return _settings_out(row)


@router.get("/order-review/blacklist", response=list[BlacklistOut], summary="Blacklisted e-mails, phones, addresses")
def get_blacklist(request, kind: str = ""):
    require_perm(request.auth, roles.MANAGE_REVIEW_RULES)
    return list(queries.list_blacklist(kind)[:1000])


@router.post("/order-review/blacklist", response={201: BlacklistOut}, summary="Add to the blacklist")
def post_blacklist(request, payload: BlacklistIn):
    require_perm(request.auth, roles.MANAGE_REVIEW_RULES)
    entry = review.add_blacklist_entry(
        actor=request.auth, kind=payload.kind, value=payload.value, note=payload.note, ip_address=client_ip(request)
    )
    return Status(201, entry)


@router.delete("/order-review/blacklist/{entry_id}", response={204: None}, summary="Remove from the blacklist")
def delete_blacklist(request, entry_id: int):
    require_perm(request.auth, roles.MANAGE_REVIEW_RULES)
    review.remove_blacklist_entry(actor=request.auth, entry_id=entry_id, ip_address=client_ip(request))
    return Status(204, None)


# --- batch shipping -------------------------------------------------------------------------------------


class BatchShipIn(Schema):
    text: str = Field(max_length=2_000_000, description="CSV lines: order number, carrier, tracking number[, cost]")


class BatchLineOut(Schema):
    line: int
    order_number: str
    column: str
    code: str
    message: str
    ok: bool


@router.post(
    "/shipping-batches",
    response=list[BatchLineOut],
    summary="Ship many orders at once; all lines are checked first (422 batch_refused lists line/column/reason)",
)
def batch_ship(request, payload: BatchShipIn):
    require_perm(request.auth, roles.VIEW_ORDERS, roles.FULFIL_ORDER)
    return [
        r.__dict__ for r in ship_orders_in_batch(text=payload.text, actor=request.auth, ip_address=client_ip(request))
    ]


# --- merge and split -------------------------------------------------------------------------------------


class MergeIn(Schema):
    numbers: list[str] = Field(min_length=2, max_length=50)


class SplitIn(Schema):
    lines: dict[str, int] = Field({}, description="SKU -> units to move into the new order")
    by_warehouse: bool = Field(False, description="instead of lines: move what is held outside the main warehouse")
    reason: str = Field("", max_length=500)


@router.post(
    "/order-merges",
    response=OrderDetail,
    summary="Merge orders of one customer and address (all unpaid, or all paid and not yet reviewed: "
    "their payments move along) into the oldest; the others are closed as merged",
)
def merge(request, payload: MergeIn):
    require_perm(request.auth, roles.VIEW_ORDERS, roles.REVIEW_ORDER)
    target = merge_orders(numbers=payload.numbers, actor=request.auth, ip_address=client_ip(request))
    return detail(queries.get_order(target.number), request.auth)


@router.post(
    "/orders/{number}/split",
    response={201: OrderDetail},
    summary="Move some units of an unpaid or paid (not yet reviewed) order into a new order (returned); "
    "a paid order's payment is split by the amount moved",
)
def split(request, number: str, payload: SplitIn):
    require_perm(request.auth, roles.VIEW_ORDERS, roles.REVIEW_ORDER)
    order = queries.get_order(number)
    by_sku = {ln.sku: ln.pk for ln in order.lines.all()}
    quantities = (
        {by_sku.get(sku, -1): units for sku, units in payload.lines.items()}
        if not payload.by_warehouse
        else plan_split_by_warehouse(order)
    )
    new = split_order(number=number, quantities=quantities, actor=request.auth, ip_address=client_ip(request))
    return Status(201, detail(queries.get_order(new.number), request.auth))
