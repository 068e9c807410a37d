"""Staff order endpoints: list, detail, transitions (each action checked against the role)."""

from ninja import Query, Router, Schema

from dianpu.accounts.auth import StaffToken, require_perm
from dianpu.accounts.domain import roles
from dianpu.core.errors import DomainError
from dianpu.fulfillment.carriers import get_carrier

from . import queries, services
from .domain.states import ACTION_PERMISSIONS, Action
from .messages import MESSAGES
from .schemas import OrderDetail, OrderList, TransitionIn

router = Router(tags=["orders"], auth=StaffToken())


class OrderFilters(Schema):
    status: str = ""
    search: str = ""
    page: int = 1
    page_size: int = 50


def summary(order) -> dict:
    return {"number": order.number, "status": order.status, "email": order.email, "ship_name": order.ship_name,
            "total": order.grand_total, "payment_method": order.payment_method,
            "shipping_method": order.shipping_method, "placed_at": order.placed_at, "paid_at": order.paid_at,
            "shipped_at": order.shipped_at}


def detail(order, user) -> dict:
    carrier = get_carrier(order.carrier) if order.carrier else None
    return {
        **summary(order), "channel": order.channel, "currency": order.currency, "subtotal": order.subtotal,
        "shipping_total": order.shipping_total, "discount_total": order.discount_total,
        "shipping_address": {"name": order.ship_name, "phone": order.ship_phone, "country": order.ship_country,
                             "province": order.ship_province, "city": order.ship_city,
                             "district": order.ship_district, "line1": order.ship_line1, "line2": order.ship_line2,
                             "postcode": order.ship_postcode},
        "note": order.note, "carrier": order.carrier, "tracking_number": order.tracking_number,
        "tracking_url": carrier.tracking_url(order.tracking_number) if carrier else "",
        "delivered_at": order.delivered_at, "cancelled_at": order.cancelled_at,
        "lines": [{"sku": ln.sku, "name": ln.product_name, "variant": ln.variant_label, "quantity": ln.quantity,
                   "unit_price": ln.unit_price, "line_total": ln.line_total, "discount": ln.discount_total,
                   "paid_total": ln.paid_total} for ln in order.lines.all()],
        "history": [{"action": h.action, "from_status": h.from_status, "to_status": h.to_status,
                     "actor": h.actor_label, "reason": h.reason, "at": h.created_at} for h in order.history.all()],
        "allowed_actions": queries.list_allowed_actions(order, user),
    }


@router.get("/orders", response=OrderList, summary="Orders, newest first (filter by status, search number/email/phone)")
def list_orders(request, filters: Query[OrderFilters]):
    require_perm(request.auth, roles.VIEW_ORDERS)
    orders = queries.list_orders(status=filters.status, search=filters.search)
    size = max(1, min(filters.page_size, 200))
    page = max(1, filters.page)
    return {"items": [summary(o) for o in orders[(page - 1) * size: page * size]], "count": orders.count(),
            "page": page}


@router.get("/orders/{number}", response=OrderDetail, summary="One order with lines, history and allowed actions")
def get_order(request, number: str):
    require_perm(request.auth, roles.VIEW_ORDERS)
    return detail(queries.get_order(number), request.auth)


@router.post("/orders/{number}/transitions", response=OrderDetail,
             summary="Move an order: mark_paid, ship (carrier, tracking_number), mark_delivered, cancel, …")
def transition(request, number: str, payload: TransitionIn):
    try:
        permission = ACTION_PERMISSIONS[Action(payload.action)]
    except ValueError:
        raise DomainError(str(MESSAGES["unknown_action"]) % {"action": payload.action}, code="unknown_action",
                          status=422) from None
    require_perm(request.auth, roles.VIEW_ORDERS, permission)
    order = queries.get_order(number)
    services.transition_order(order=order, action=payload.action, actor=request.auth, carrier=payload.carrier,
                              tracking_number=payload.tracking_number, reason=payload.reason,
                              ip_address=request.META.get("REMOTE_ADDR"))
    return detail(queries.get_order(number), request.auth)
