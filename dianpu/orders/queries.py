"""Order reads for the console, the API, the storefront's status page and the console home."""

from datetime import datetime, time, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Lower, Upper
from django.utils import timezone

from dianpu.core.errors import NotFoundError
from dianpu.fulfillment.documents import DocLine, ParcelDoc, PickLine
from dianpu.inventory.models import Reservation

from .domain.review import normalize_phone
from .domain.states import ACTION_PERMISSIONS, allowed_actions
from .messages import HOLD_REASON_LABELS, MESSAGES
from .models import BlacklistEntry, Order
from .services import facts_of

NUMBER_PREFIX_MIN = 8  # "DP261207": the orders of a day; shorter prefixes would list months of orders
PHONE_KEY_MIN = 7


def list_orders(
    *,
    status: str = "",
    statuses=(),
    search: str = "",
    date_from=None,
    date_to=None,
    payment_method: str = "",
    channel: str = "",
) -> QuerySet:
    """Orders newest first, filtered by one status or any of `statuses`, search text and dates."""
    orders = Order.objects.all()
    if status:
        orders = orders.filter(status=status)
    if statuses:
        orders = orders.filter(status__in=list(statuses))
    if payment_method:
        orders = orders.filter(payment_method=payment_method)
    if channel:
        orders = orders.filter(channel=channel)
    if search:
        orders = orders.alias(email_key=Lower("email"), tracking_key=Upper("tracking_number")).filter(
            search_terms(search)
        )
    if date_from:
        orders = orders.filter(placed_at__gte=_start_of(date_from))
    if date_to:
        orders = orders.filter(placed_at__lt=_start_of(date_to) + timedelta(days=1))
    return orders.order_by("-placed_at", "-id")


def search_terms(search: str) -> Q:
    """What the order search matches, every term answered by an index (see Order.Meta.indexes): the
    order number exactly or by its start (any case), the e-mail and the tracking number in any case,
    the consignee's name or phone, the platform's order number; a phone typed with spaces or +86
    also matches through the normalised phone key. No substring scan over the million orders."""
    s = search.strip()
    number = s.upper()
    terms = (
        Q(number=number)
        | Q(email_key=s.lower())
        | Q(ship_phone=s)
        | Q(ship_name=s)
        | Q(tracking_key=number)
        | Q(channel_order_number=s)
    )
    if len(number) >= NUMBER_PREFIX_MIN and number.isascii() and number.isalnum():
        # a range on the unique index: every number starting with what was typed (ASCII letters and digits
        # sort the same under any collation, so no LIKE is needed)
        terms |= Q(number__gte=number, number__lt=number[:-1] + chr(ord(number[-1]) + 1))
    phone = normalize_phone(s)
    if len(phone) >= PHONE_KEY_MIN and not any(ch.isalpha() for ch in s):
        terms |= Q(phone_key=phone)
    return terms


def _start_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min)) if not isinstance(day, datetime) else day


def get_order(number: str) -> Order:
    order = (
        Order.objects.prefetch_related("lines", "history__actor", "shipments", "payments").filter(number=number).first()
    )
    if order is None:
        raise NotFoundError(MESSAGES["order_not_found"], code="order_not_found")
    return order


def get_order_for_customer(number: str, email: str) -> Order | None:
    """The order-status page: both the number and the e-mail must match."""
    if not number or not email:
        return None
    return (
        Order.objects.prefetch_related("lines", "history", "shipments")
        .filter(number=number.strip().upper(), email__iexact=email.strip())
        .first()
    )


def list_allowed_actions(order: Order, user=None) -> list[str]:
    """Actions the order's state allows, narrowed to what `user` may do when given."""
    actions = allowed_actions(facts_of(order))
    if user is not None:
        actions = [a for a in actions if user.has_perm(ACTION_PERMISSIONS[a])]
    return [a.value for a in actions]


COUNTED = ~Q(status=Order.Status.CANCELLED)


def summarize_sales(start: datetime, end: datetime) -> dict:
    """Orders (not cancelled) placed in [start, end) and their total."""
    row = Order.objects.filter(COUNTED, placed_at__gte=start, placed_at__lt=end).aggregate(
        orders=Count("id"), sales=Sum("grand_total")
    )
    return {"orders": row["orders"] or 0, "sales": row["sales"] or 0}


def count_open_orders() -> dict:
    """Orders waiting to ship and waiting for payment (the console home's cards): counted on the
    (status, placed_at) index."""
    return {
        "to_ship": Order.objects.filter(
            status__in=[Order.Status.PAID, Order.Status.REVIEWED, Order.Status.PICKING]
        ).count(),
        "awaiting_payment": Order.objects.filter(status=Order.Status.PENDING_PAYMENT).count(),
    }


def list_held_orders() -> QuerySet:
    """Orders waiting for review (审单), oldest hold first."""
    return Order.objects.exclude(hold_reasons=[]).exclude(status=Order.Status.CANCELLED).order_by("held_at", "id")


def describe_hold_reasons(order: Order) -> list[dict]:
    return [
        {
            "code": r.get("code", ""),
            "label": str(HOLD_REASON_LABELS.get(r.get("code", ""), r.get("code", ""))),
            "detail": r.get("detail", ""),
        }
        for r in order.hold_reasons
    ]


def list_blacklist(kind: str = "") -> QuerySet:
    entries = BlacklistEntry.objects.select_related("created_by")
    return entries.filter(kind=kind) if kind else entries


# --- fulfillment documents --------------------------------------------------------------------------

TO_SHIP = (Order.Status.PAID, Order.Status.REVIEWED, Order.Status.PICKING)


def list_orders_to_ship(numbers: list[str] | None = None) -> QuerySet:
    """Orders waiting to ship and not held (or exactly `numbers`), oldest first, with their lines."""
    orders = Order.objects.prefetch_related("lines")
    if numbers:
        return orders.filter(number__in=numbers).order_by("placed_at", "id")
    ready = Q(status__in=TO_SHIP) | Q(status=Order.Status.PENDING_PAYMENT, pays_on_delivery=True)
    return orders.filter(ready, hold_reasons=[]).order_by("placed_at", "id")


def list_pick_lines(numbers: list[str]) -> list[PickLine]:
    """What to take from which warehouse for these orders: units per SKU, per warehouse (from the
    orders' active stock reservations), warehouses and SKUs in order."""
    rows: dict[tuple[str, str], dict] = {}
    reservations = Reservation.objects.filter(reference__in=numbers, state=Reservation.State.ACTIVE).select_related(
        "stock_level__warehouse", "stock_level__variant__product"
    )
    for r in reservations:
        variant = r.stock_level.variant
        key = (r.stock_level.warehouse.name, variant.sku)
        row = rows.setdefault(
            key, {"name": variant.product.name, "variant": variant.option_label, "quantity": 0, "orders": []}
        )
        row["quantity"] += r.quantity
        if r.reference not in row["orders"]:
            row["orders"].append(r.reference)
    return [
        PickLine(
            warehouse=w,
            sku=sku,
            name=v["name"],
            variant=v["variant"],
            quantity=v["quantity"],
            orders=tuple(sorted(v["orders"])),
        )
        for (w, sku), v in sorted(rows.items())
    ]


def list_parcel_docs(
    numbers: list[str],
    *,
    method_names: dict[str, str],
    carrier_names: dict[str, str],
    shop_name: str = "",
    sender: str = "",
) -> list[ParcelDoc]:
    orders = Order.objects.prefetch_related("lines").filter(number__in=numbers).order_by("placed_at", "id")
    return [
        ParcelDoc(
            number=o.number,
            placed_at=timezone.localtime(o.placed_at).strftime("%Y-%m-%d %H:%M"),
            ship_name=o.ship_name,
            ship_phone=o.ship_phone,
            address=o.address_text,
            postcode=o.ship_postcode,
            shipping_method=method_names.get(o.shipping_method, o.shipping_method),
            carrier=carrier_names.get(o.carrier, o.carrier),
            tracking_number=o.tracking_number,
            note=o.note,
            lines=tuple(
                DocLine(ln.sku, ln.product_name, ln.variant_label, ln.quantity, ln.unit_price) for ln in o.lines.all()
            ),
            shop_name=shop_name,
            sender=sender,
        )
        for o in orders
    ]
