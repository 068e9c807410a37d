"""Order use cases: create (for checkout), transition (the only writer of status)."""

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from dianpu import events
from dianpu.audit.services import record_audit
from dianpu.catalog.services import record_units_sold
from dianpu.core import clock
from dianpu.core.actors import Actor, person_of
from dianpu.core.errors import ConflictError, DomainError, NotFoundError
from dianpu.core.inserts import insert_unless_conflict
from dianpu.fulfillment.queries import needs_tracking
from dianpu.fulfillment.services import create_shipment, validate_tracking
from dianpu.inventory.services import consume_reservations, release_reservations
from dianpu.payments.services import record_payment
from dianpu.shop.queries import get_shop_profile

from .domain.review import normalize_address, normalize_phone
from .domain.states import Action, OrderFacts, Status, TransitionInput, TransitionRefused, next_status
from .messages import ACTION_LABELS, MESSAGES
from .models import Order, OrderHistory, OrderLine

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from dianpu.customers.models import Customer

log = logging.getLogger(__name__)
FEN = Decimal("0.01")


@dataclass(frozen=True)
class LineInput:
    variant_id: int
    product_id: int
    sku: str
    product_name: str
    variant_label: str
    unit_price: Decimal
    quantity: int
    discount_total: Decimal = Decimal("0.00")  # this line's share of the order's discounts


@dataclass(frozen=True)
class AddressInput:
    name: str
    phone: str
    country: str
    province: str
    city: str
    line1: str
    postcode: str = ""
    district: str = ""
    line2: str = ""


def address_key_of(address: AddressInput) -> str:
    return normalize_address(address.province, address.city, address.district, address.line1, address.line2)[:200]


def _fen(amount: Decimal) -> Decimal:
    """An amount as its DecimalField(decimal_places=2) stores and reads it back."""
    return amount.quantize(FEN)


def _hold_lines(order: Order, lines: list[OrderLine]) -> None:
    """`order.lines.all()` answers with `lines` (just written) without reading them back: the
    result cache Django's prefetch_related fills."""
    written = order.lines.all()
    written._result_cache = lines
    written._prefetch_done = True  # type: ignore[attr-defined]
    order._prefetched_objects_cache = {"lines": written}  # type: ignore[attr-defined]


def _new_number(at: datetime) -> str:
    return f"DP{at:%y%m%d}{secrets.randbelow(10**6):06d}"


def _actor_label(actor: Actor) -> str:
    person = person_of(actor)
    return person.get_username() if person is not None else "system"


def _person(actor: Actor) -> "User | None":
    return person_of(actor)


def create_order(
    *,
    customer: "Customer | None" = None,
    customer_id: int | None = None,
    email: str,
    lines: list[LineInput],
    address: AddressInput,
    shipping_method: str,
    payment_method: str,
    pays_on_delivery: bool,
    shipping_total: Decimal,
    language: str,
    ip_address: str | None = None,
    note: str = "",
    channel: str = "web",
    discount_total: Decimal = Decimal("0.00"),
    channel_order_number: str = "",
    billing_province: str = "",
    placed_at: datetime | None = None,
    pricing_snapshot: dict[str, Any] | None = None,
    attribution: dict[str, Any] | None = None,
) -> Order:
    """Write an order, its lines and its first history row. Run inside the caller's transaction
    (checkout), which also reserves the stock. The buyer: `customer`, or only its `customer_id`.
    `order.lines.all()` then gives the lines just written (money to the fen, as read back) without
    a query: the caller's answer need not read them again."""
    assert transaction.get_connection().in_atomic_block, "create_order runs inside checkout's transaction"
    now = placed_at or clock.now()
    subtotal = sum((ln.unit_price * ln.quantity for ln in lines), Decimal("0.00"))
    grand_total = subtotal + shipping_total - discount_total
    fields = dict(
        status=Status.PENDING_PAYMENT,
        channel=channel,
        customer_id=customer.pk if customer is not None else customer_id,
        email=email,
        language=language,
        ship_name=address.name,
        ship_phone=address.phone,
        ship_country=address.country,
        ship_province=address.province,
        ship_city=address.city,
        ship_district=address.district,
        ship_line1=address.line1,
        ship_line2=address.line2,
        ship_postcode=address.postcode,
        shipping_method=shipping_method,
        payment_method=payment_method,
        pays_on_delivery=pays_on_delivery,
        note=note,
        subtotal=subtotal,
        shipping_total=shipping_total,
        discount_total=discount_total,
        grand_total=grand_total,
        ip_address=ip_address,
        placed_at=now,
        pricing_snapshot=pricing_snapshot or {},
        channel_order_number=channel_order_number,
        billing_province=billing_province,
        address_key=address_key_of(address),
        phone_key=normalize_phone(address.phone),
        **attribution_fields(attribution),
    )
    # A random number may be taken already: INSERT … ON CONFLICT DO NOTHING and draw again (no
    # savepoint: nothing fails, the transaction goes on).
    for _attempt in range(10):
        order = Order(number=_new_number(now), **fields)
        if insert_unless_conflict(order) is not None:
            break
    else:
        raise ConflictError(code="order_number_exhausted")
    written = OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                variant_id=ln.variant_id,
                product_id_snapshot=ln.product_id,
                sku=ln.sku,
                product_name=ln.product_name[:120],
                variant_label=ln.variant_label[:120],
                unit_price=_fen(ln.unit_price),
                quantity=ln.quantity,
                line_total=_fen(ln.unit_price * ln.quantity),
                discount_total=_fen(ln.discount_total),
            )
            for ln in lines
        ]
    )
    _hold_lines(order, written)
    OrderHistory.objects.create(
        order=order, action="place", from_status="", to_status=order.status, actor_label=email, created_at=now
    )
    _count_units(order, lines, +1)
    events.publish(events.OrderPlaced(order.id, order.number, grand_total, now))
    from .review import review_placed_order  # review uses hold_order from this module

    review_placed_order(order)
    transaction.on_commit(lambda: _notify(order.id, "order_confirmed"))
    return order


ATTRIBUTION_FIELDS = {"utm_source": 100, "utm_medium": 100, "utm_campaign": 100, "referrer_host": 200, "visitor_id": 64}


def attribution_fields(attribution: dict[str, Any] | None) -> dict[str, str]:
    """The order's attribution columns from what the storefront knows of the visit (first touch)."""
    return {name: str((attribution or {}).get(name) or "")[:size] for name, size in ATTRIBUTION_FIELDS.items()}


def _count_units(order: Order, lines: list[LineInput], sign: int) -> None:
    units: dict[int, int] = {}
    for ln in lines:
        if ln.product_id:
            units[ln.product_id] = units.get(ln.product_id, 0) + sign * ln.quantity
    record_units_sold(units)


def _notify(order_id: int, kind: str, extra: dict[str, Any] | None = None) -> None:
    from .tasks import send_order_notification  # tasks import services; import late to avoid a cycle

    try:
        send_order_notification(order_id, kind, extra)
    except Exception:  # a mail outage must never undo or block the order itself
        log.exception("could not queue notification", extra={"order_id": order_id, "kind": kind})


def notify_customer(order_id: int, kind: str, extra: dict[str, Any] | None = None) -> None:
    """Queue a customer notification about an order (call on commit); never raises."""
    _notify(order_id, kind, extra)


NOTIFY_ON = {
    Action.MARK_PAID: "payment_received",
    Action.SHIP: "shipped",
    Action.MARK_DELIVERED: "delivered",
    Action.CANCEL: "cancelled",
}
TIMESTAMP_ON = {
    Status.PAID: "paid_at",
    Status.SHIPPED: "shipped_at",
    Status.DELIVERED: "delivered_at",
    Status.COMPLETED: "completed_at",
    Status.CANCELLED: "cancelled_at",
}


def refusal(exc: TransitionRefused) -> DomainError:
    params = dict(exc.params)
    if "status" in params:
        params["status"] = str(Order.Status(params["status"]).label)
    if "action" in params and params["action"] in ACTION_LABELS:
        params["action"] = str(ACTION_LABELS[params["action"]])
    text = str(MESSAGES.get(exc.code, exc.code))
    try:
        text = text % params
    except (KeyError, TypeError, ValueError):
        pass
    return DomainError(text, code=exc.code, status=409 if exc.code == "transition_not_allowed" else 422)


def facts_of(order: Order) -> OrderFacts:
    return OrderFacts(
        status=Status(order.status),
        pays_on_delivery=order.pays_on_delivery,
        is_paid=order.is_paid,
        needs_tracking=needs_tracking(order.shipping_method),
        on_hold=order.on_hold,
    )


@transaction.atomic
def transition_order(
    *,
    order: Order,
    action: str,
    actor: Actor = None,
    carrier: str = "",
    tracking_number: str = "",
    reason: str = "",
    ip_address: str | None = None,
    shipping_cost: Decimal | None = None,
    merged_into: str = "",
) -> Order:
    """Move an order along the state table. The only code that writes Order.status.

    `merged_into` (with action cancel): the order was merged into that order, not called off —
    its history row says "merge", the audit entry "order.merged_away", and the buyer gets no
    "cancelled" e-mail (their goods still come, in the other order).

    A conditional UPDATE on the old status decides races: of two concurrent transitions from
    the same status, one wins and the other gets ConflictError with nothing changed.
    """
    facts = facts_of(order)
    try:
        target = next_status(facts, action, TransitionInput(carrier=carrier, tracking_number=tracking_number))
    except TransitionRefused as exc:
        raise refusal(exc) from None
    act = Action(action)
    now = clock.now()
    updates: dict[str, Any] = {"status": target.value}
    if target in TIMESTAMP_ON:
        updates[TIMESTAMP_ON[target]] = now
    if act == Action.SHIP and facts.needs_tracking:
        carrier, tracking_number = validate_tracking(carrier, tracking_number)
        updates.update(carrier=carrier, tracking_number=tracking_number)
    if act == Action.MARK_DELIVERED and order.pays_on_delivery and not order.is_paid:
        updates["paid_at"] = now
    if Order.objects.filter(pk=order.pk, status=order.status).update(**updates) != 1:
        raise ConflictError(MESSAGES["order_changed"], code="order_changed")
    from_status = order.status
    for key, value in updates.items():
        setattr(order, key, value)

    if (act == Action.MARK_PAID or "paid_at" in updates and act == Action.MARK_DELIVERED) and order.grand_total > 0:
        # (an order with nothing to pay — an even exchange — is paid without a payment record)
        record_payment(
            order_id=order.pk,
            gateway=order.payment_method,
            amount=order.grand_total,
            actor=actor,
            reference=reason[:100],
        )
    if act == Action.SHIP:
        if facts.needs_tracking:
            create_shipment(
                order_id=order.pk,
                carrier=carrier,
                tracking_number=tracking_number,
                actor=actor,
                shipping_method=order.shipping_method,
                cost=shipping_cost,
            )
        consume_reservations(reference=order.number, actor=actor, reason=_("订单发货"))
    if act == Action.CANCEL:
        release_reservations(reference=order.number, actor=actor, reason=reason or _("订单取消"))
        # (a line whose product was deleted since has no product id: 0, which _count_units skips)
        _count_units(
            order,
            [
                LineInput(ln.variant_id or 0, ln.product_id_snapshot or 0, ln.sku, "", "", ln.unit_price, ln.quantity)
                for ln in order.lines.all()
            ],
            -1,
        )

    merged = bool(merged_into) and act == Action.CANCEL
    OrderHistory.objects.create(
        order=order,
        action="merge" if merged else act.value,
        from_status=from_status,
        to_status=target.value,
        actor=_person(actor),
        actor_label=_actor_label(actor),
        reason=reason[:500],
        created_at=now,
    )
    record_audit(
        actor=actor,
        action="order.merged_away" if merged else "order.transitioned",
        obj=order,
        changes={"status": (from_status, target.value), **({"merged_into": ("", merged_into)} if merged else {})},
        reason=reason,
        ip_address=ip_address,
    )
    events.publish(events.OrderTransitioned(order.pk, order.number, act.value, from_status, target.value, now))
    if act in NOTIFY_ON and not merged:
        kind = NOTIFY_ON[act]
        transaction.on_commit(lambda: _notify(order.pk, kind))
    return order


@transaction.atomic
def hold_order(*, order: Order, reasons: list[dict[str, Any]], actor: Actor = None) -> Order:
    """Put an order on hold for review with reasons ({"code", "detail"}); adds to any it already has.

    Status is unchanged; while held the order cannot be reviewed, picked or shipped.
    """
    current = Order.objects.select_for_update().get(pk=order.pk)
    known = {(r.get("code"), r.get("detail")) for r in current.hold_reasons}
    merged = list(current.hold_reasons) + [
        {"code": str(r["code"]), "detail": str(r.get("detail", ""))[:300]}
        for r in reasons
        if (r["code"], r.get("detail", "")) not in known
    ]
    if merged == current.hold_reasons:
        return current
    now = clock.now()
    held_at = current.held_at or now
    Order.objects.filter(pk=order.pk).update(hold_reasons=merged, held_at=held_at)
    order.hold_reasons, order.held_at = merged, held_at
    text = "; ".join(f"{r['code']}: {r['detail']}" if r["detail"] else r["code"] for r in merged)
    OrderHistory.objects.create(
        order=order,
        action="hold",
        from_status=order.status,
        to_status=order.status,
        actor=_person(actor),
        actor_label=_actor_label(actor),
        reason=text[:500],
        created_at=now,
    )
    record_audit(actor=actor, action="order.held", obj=order, changes={"hold_reasons": ([], merged)})
    return order


@transaction.atomic
def release_order(*, order: Order, actor: Actor = None, reason: str = "", ip_address: str | None = None) -> Order:
    """Release a held order (its reasons reviewed); the only way to clear hold_reasons."""
    before = list(order.hold_reasons)
    if (
        not before
        or Order.objects.filter(pk=order.pk).exclude(hold_reasons=[]).update(hold_reasons=[], held_at=None) != 1
    ):
        raise DomainError(MESSAGES["order_not_on_hold"], code="order_not_on_hold", status=409)
    order.hold_reasons, order.held_at = [], None
    OrderHistory.objects.create(
        order=order,
        action="release",
        from_status=order.status,
        to_status=order.status,
        actor=_person(actor),
        actor_label=_actor_label(actor),
        reason=reason[:500],
        created_at=clock.now(),
    )
    record_audit(
        actor=actor,
        action="order.released",
        obj=order,
        changes={"hold_reasons": (before, [])},
        reason=reason,
        ip_address=ip_address,
    )
    return order


def get_order_or_error(number: str) -> Order:
    order = Order.objects.filter(number=number).first()
    if order is None:
        raise NotFoundError(MESSAGES["order_not_found"], code="order_not_found")
    return order


def cancel_expired_unpaid_orders() -> int:
    """Cancel prepaid orders left unpaid past the timeout, freeing their stock. Returns how many."""
    cutoff = clock.now() - timedelta(hours=get_shop_profile().unpaid_timeout_hours)
    cancelled = 0
    for order in Order.objects.filter(status=Status.PENDING_PAYMENT, pays_on_delivery=False, placed_at__lt=cutoff):
        try:
            transition_order(order=order, action=Action.CANCEL, reason=_("超时未付款，系统自动取消"))
            cancelled += 1
        except DomainError:
            continue  # paid or cancelled meanwhile
    return cancelled
