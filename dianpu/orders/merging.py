"""Merging and splitting orders (use cases).

Merge: orders of one customer (same e-mail) to one address, by the same shipping and payment
method and channel, become one — the oldest — so they go out in one parcel. The others' lines move
to it, it is re-priced for shipping (the combined weight), their stock holds move with them, and the
others are cancelled with the reason "merged into …".

Split: some lines (or part of a line's quantity) move from an order into a new order of the same
customer and address, so what is available or in another warehouse can go separately. The new
order carries no shipping fee (the customer paid it once) and holds its own stock.

Orders not yet paid (pending_payment, cash on delivery included) and orders paid but not yet
reviewed (status paid) are merged or split; paid and unpaid orders are never merged together.
A paid order's money follows its goods through payments.services: on merge the others' payment
records move whole to the surviving order (move_payments); on split the new order's share is
carved out of one payment (split_payment), so refunded_total stays within the amount on both
sides and every refund still goes back through the charge it came from. A paid merge keeps the
shipping that was charged (no re-pricing of money already received). Neither creates nor loses
money: merged and split totals add up to the
originals (less any shipping saved by merging).
"""

from collections import Counter
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from dianpu.audit.services import record_audit
from dianpu.catalog.models import Variant
from dianpu.core import clock
from dianpu.core.errors import ConflictError, DomainError
from dianpu.fulfillment.queries import get_shipping_method, quote_shipping
from dianpu.inventory.models import Reservation
from dianpu.inventory.services import release_reservations, reserve_stock
from dianpu.payments.services import move_payments, split_payment
from dianpu.shop.queries import get_shop_profile

from .domain.states import Action, Status
from .messages import MESSAGES
from .models import Order, OrderHistory, OrderLine
from .services import _actor_label, _new_number, _person, transition_order

MERGEABLE = (Status.PENDING_PAYMENT,)
# Paid but not yet reviewed, picked or shipped: its payment records move with its goods.
MERGEABLE_PAID = (Status.PAID,)


def _mergeable(o: Order) -> bool:
    return o.status in (MERGEABLE_PAID if o.paid_at is not None else MERGEABLE)


def _refuse(code: str, status: int = 422, **params) -> DomainError:
    return DomainError(str(MESSAGES[code]) % params if params else MESSAGES[code], code=code, status=status)


def _wanted(lines) -> dict[int, int]:
    wanted: Counter = Counter()
    for ln in lines:
        if ln.variant_id:
            wanted[ln.variant_id] += ln.quantity
    return dict(wanted)


def _expiry(order: Order):
    if order.pays_on_delivery or order.paid_at is not None:
        return None
    return order.placed_at + timedelta(hours=get_shop_profile().unpaid_timeout_hours)


def _hold_again(order: Order, lines, actor, reason: str) -> None:
    """Release what `order` holds and hold what `lines` need (one transaction: no one else can
    take the units in between, because the release and the new hold commit together)."""
    release_reservations(reference=order.number, actor=actor, reason=reason)
    wanted = _wanted(lines)
    if wanted:
        reserve_stock(reference=order.number, wanted=wanted, expires_at=_expiry(order), actor=actor)


def _shipping_for(order: Order, lines, subtotal: Decimal) -> Decimal:
    try:
        method = get_shipping_method(order.shipping_method)
        weights = dict(
            Variant.objects.filter(pk__in=[ln.variant_id for ln in lines if ln.variant_id]).values_list(
                "pk", "weight_grams"
            )
        )
        weight = sum(weights.get(ln.variant_id, 0) * ln.quantity for ln in lines)
        return quote_shipping(method, subtotal, weight_grams=weight, province=order.ship_province)
    except DomainError:  # method retired or no longer serving the province: keep what was charged
        return None


@transaction.atomic
def merge_orders(*, numbers: list[str], actor, ip_address: str | None = None) -> Order:
    """Merge the orders into the oldest. DomainError (nothing changed) when they may not be merged."""
    numbers = list(dict.fromkeys(n.strip().upper() for n in numbers if n.strip()))
    if len(numbers) < 2:
        raise _refuse("merge_needs_two")
    orders = list(Order.objects.select_for_update().filter(number__in=numbers).order_by("placed_at", "id"))
    if len(orders) != len(numbers):
        missing = sorted(set(numbers) - {o.number for o in orders})[0]
        raise _refuse("merge_not_allowed", number=missing)
    target, others = orders[0], orders[1:]
    paid = target.paid_at is not None
    for o in orders:
        if (o.paid_at is not None) != paid:
            raise _refuse("merge_paid_and_unpaid", status=409, number=o.number)
        same = (
            o.email.lower() == target.email.lower()
            and o.address_key == target.address_key
            and o.shipping_method == target.shipping_method
            and o.payment_method == target.payment_method
            and o.channel == target.channel
            and o.currency == target.currency
        )
        if not _mergeable(o) or not same:
            raise _refuse("merge_not_allowed", number=o.number)
    reason = _("合并订单 %(numbers)s") % {"numbers": ", ".join(o.number for o in others)}
    for o in others:
        release_reservations(reference=o.number, actor=actor, reason=reason)
    OrderLine.objects.filter(order__in=others).update(order=target)
    lines = list(OrderLine.objects.filter(order=target))
    subtotal = sum((ln.line_total for ln in lines), Decimal("0.00"))
    discount = sum((o.discount_total for o in orders), Decimal("0.00"))
    # Paid orders keep what was charged (the money is in); unpaid ones pay one fee for the parcel.
    shipping = None if paid else _shipping_for(target, lines, subtotal)
    if shipping is None:
        shipping = sum((o.shipping_total for o in orders), Decimal("0.00"))
    before = (str(target.subtotal), str(target.shipping_total), str(target.grand_total))
    grand = subtotal + shipping - discount
    if (
        Order.objects.filter(
            pk=target.pk, status__in=MERGEABLE_PAID if paid else MERGEABLE, paid_at__isnull=not paid
        ).update(subtotal=subtotal, shipping_total=shipping, discount_total=discount, grand_total=grand)
        != 1
    ):
        raise ConflictError(MESSAGES["order_changed"], code="order_changed")  # paid meanwhile: roll back
    if paid:
        for o in others:
            move_payments(from_order_id=o.pk, to_order_id=target.pk, actor=actor, reason=reason, ip_address=ip_address)
    _hold_again(target, lines, actor, reason)
    now = clock.now()
    for o in others:
        o.refresh_from_db()
        transition_order(
            order=o,
            action=Action.CANCEL,
            actor=actor,
            ip_address=ip_address,
            reason=_("已合并到订单 %(number)s") % {"number": target.number},
            merged_into=target.number,
        )
    target.refresh_from_db()
    OrderHistory.objects.create(
        order=target,
        action="merge",
        from_status=target.status,
        to_status=target.status,
        actor=_person(actor),
        actor_label=_actor_label(actor),
        reason=reason[:500],
        created_at=now,
    )
    record_audit(
        actor=actor,
        action="order.merged",
        obj=target,
        ip_address=ip_address,
        changes={
            "merged": ("", ", ".join(o.number for o in others)),
            "subtotal/shipping/total": (" / ".join(before), f"{subtotal} / {shipping} / {grand}"),
        },
    )
    return target


@transaction.atomic
def split_order(*, number: str, quantities: dict[int, int], actor, ip_address: str | None = None) -> Order:
    """Move `quantities` (order line id -> units) into a new order; returns the new order."""
    order = Order.objects.select_for_update().filter(number=number).first()
    if order is None:
        raise DomainError(MESSAGES["order_not_found"], code="order_not_found", status=404)
    if not _mergeable(order):
        raise _refuse("split_not_allowed", status=409)
    paid = order.paid_at is not None
    lines = {ln.pk: ln for ln in OrderLine.objects.filter(order=order)}
    moving = {pk: q for pk, q in quantities.items() if q}
    if (
        not moving
        or any(pk not in lines or not 0 < q <= lines[pk].quantity for pk, q in moving.items())
        or sum(moving.values()) >= sum(ln.quantity for ln in lines.values())
    ):
        raise _refuse("split_nothing")
    kept_subtotal = sum(
        (ln.unit_price * (ln.quantity - moving.get(pk, 0)) for pk, ln in lines.items()), Decimal("0.00")
    )
    if kept_subtotal < order.discount_total:
        raise _refuse("split_nothing")
    now = clock.now()
    fields = {
        f.name: getattr(order, f.name)
        for f in Order._meta.concrete_fields
        if f.name
        not in {
            "id",
            "number",
            "channel_order_number",
            "hold_reasons",
            "held_at",
            "subtotal",
            "shipping_total",
            "discount_total",
            "grand_total",
        }
    }
    moved_subtotal = sum((lines[pk].unit_price * q for pk, q in moving.items()), Decimal("0.00"))
    new = None
    for _attempt in range(10):
        try:
            with transaction.atomic():
                new = Order.objects.create(
                    number=_new_number(now),
                    subtotal=moved_subtotal,
                    shipping_total=Decimal("0.00"),
                    discount_total=Decimal("0.00"),
                    grand_total=moved_subtotal,
                    **fields,
                )
            break
        except IntegrityError:  # number taken: draw another
            continue
    if new is None:
        raise DomainError(code="order_number_exhausted", status=409)
    for pk, q in moving.items():
        ln = lines[pk]
        OrderLine.objects.create(
            order=new,
            variant_id=ln.variant_id,
            product_id_snapshot=ln.product_id_snapshot,
            sku=ln.sku,
            product_name=ln.product_name,
            variant_label=ln.variant_label,
            unit_price=ln.unit_price,
            quantity=q,
            line_total=ln.unit_price * q,
        )
        if q == ln.quantity:
            OrderLine.objects.filter(pk=pk).delete()
        else:
            OrderLine.objects.filter(pk=pk).update(
                quantity=ln.quantity - q, line_total=ln.unit_price * (ln.quantity - q)
            )
    if (
        Order.objects.filter(pk=order.pk, status=order.status, paid_at__isnull=not paid).update(
            subtotal=kept_subtotal, grand_total=kept_subtotal + order.shipping_total - order.discount_total
        )
        != 1
    ):
        raise ConflictError(MESSAGES["order_changed"], code="order_changed")  # paid meanwhile: roll back
    reason = _("拆分订单：%(from)s → %(to)s") % {"from": order.number, "to": new.number}
    if paid:  # the new order's share of the charge goes with it (refundable exactly on both sides)
        split_payment(
            from_order_id=order.pk,
            to_order_id=new.pk,
            amount=moved_subtotal,
            actor=actor,
            reason=reason,
            ip_address=ip_address,
        )
    _hold_again(order, list(OrderLine.objects.filter(order=order)), actor, reason)
    reserve_stock(
        reference=new.number,
        wanted=_wanted(OrderLine.objects.filter(order=new)),
        expires_at=_expiry(order),
        actor=actor,
    )
    for o in (order, new):
        OrderHistory.objects.create(
            order=o,
            action="split",
            from_status=o.status,
            to_status=o.status,
            actor=_person(actor),
            actor_label=_actor_label(actor),
            reason=reason[:500],
            created_at=now,
        )
    record_audit(
        actor=actor,
        action="order.split",
        obj=order,
        ip_address=ip_address,
        changes={"split_to": ("", new.number), "subtotal": (str(order.subtotal), str(kept_subtotal))},
    )
    return new


def list_merge_candidates() -> list[list[Order]]:
    """Groups of two or more orders to one customer and address (same method, payment, channel),
    all unpaid or all paid (not yet reviewed)."""
    groups: dict[tuple, list[Order]] = {}
    unpaid = Q(status__in=MERGEABLE, paid_at__isnull=True)
    paid = Q(status__in=MERGEABLE_PAID, paid_at__isnull=False)
    for o in Order.objects.filter(unpaid | paid).exclude(address_key="").order_by("placed_at", "id")[:2000]:
        key = (o.email.lower(), o.address_key, o.shipping_method, o.payment_method, o.channel, o.paid_at is None)
        groups.setdefault(key, []).append(o)
    return [g for g in groups.values() if len(g) > 1]


def plan_split_by_warehouse(order: Order) -> dict[int, int]:
    """Line id -> units the order holds outside its main warehouse (the one holding most of its
    units): what to split off so each order ships from one warehouse. Empty when it is all in one."""
    held: dict[tuple[int, int], int] = {}
    for variant_id, warehouse_id, quantity in Reservation.objects.filter(
        reference=order.number, state=Reservation.State.ACTIVE
    ).values_list("stock_level__variant_id", "stock_level__warehouse_id", "quantity"):
        held[(variant_id, warehouse_id)] = held.get((variant_id, warehouse_id), 0) + quantity
    per_warehouse = Counter()
    for (_variant, warehouse), quantity in held.items():
        per_warehouse[warehouse] += quantity
    if len(per_warehouse) < 2:
        return {}
    main = min(per_warehouse, key=lambda w: (-per_warehouse[w], w))
    elsewhere = Counter()
    for (variant, warehouse), quantity in held.items():
        if warehouse != main:
            elsewhere[variant] += quantity
    plan = {}
    for line in order.lines.all():
        take = min(line.quantity, elsewhere.get(line.variant_id, 0))
        if take:
            plan[line.pk] = take
            elsewhere[line.variant_id] -= take
    return plan
