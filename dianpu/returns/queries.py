"""Reads for after-sales pages, the API and the return-rate report."""

from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone

from dianpu.core import clock
from dianpu.orders.models import OrderLine
from dianpu.payments.domain.amounts import calculate_line_refund
from dianpu.payments.queries import get_refunded_shipping

from .domain import rules
from .domain.rules import OrderForReturn
from .domain.states import COUNTED_STATUSES, allowed_actions
from .models import ReturnLine, ReturnRequest

COUNTED = [s.value for s in COUNTED_STATUSES]


def list_returns(*, status: str = "", search: str = "", kind: str = ""):
    qs = ReturnRequest.objects.select_related("order").annotate(units=Sum("lines__quantity"))
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if search:
        term = search.strip()
        qs = qs.filter(Q(number__iexact=term) | Q(order__number__iexact=term) | Q(order__email__iexact=term))
    return qs.order_by("-created_at", "-id")


def count_returns_by_status() -> dict[str, int]:
    return dict(ReturnRequest.objects.order_by().values_list("status").annotate(n=Count("id")))


def get_return(number: str) -> ReturnRequest:
    from .services import get_return_or_error

    return get_return_or_error(number)


def list_returns_for_order(order_id: int) -> list[ReturnRequest]:
    return list(ReturnRequest.objects.filter(order_id=order_id).prefetch_related("lines__order_line"))


def list_request_kinds(order) -> list[str]:
    """The after-sales kinds the buyer of `order` may ask for now (the same rules request_return
    applies): e.g. shipped, not delivered -> refund-only or stop the parcel (拦截)."""
    facts = OrderForReturn(status=order.status, is_paid=order.paid_at is not None, delivered_at=order.delivered_at)
    return rules.list_request_kinds(facts, now=clock.now(), window_days=settings.RETURN_WINDOW_DAYS)


def list_allowed_return_actions(request: ReturnRequest) -> list[str]:
    actions = allowed_actions(request.kind, request.status)
    if request.kind == "exchange" and request.status == "received" and request.replacement_order_id is None:
        actions.append("exchange_order")  # create the replacement order
    return actions


def calculate_refund_due(request: ReturnRequest, *, include_shipping: bool = False) -> dict:
    """What the request gives back: per line what was paid for the returned units (its share of
    discounts taken off), plus the order's shipping not yet refunded when asked."""
    lines = []
    goods = Decimal("0.00")
    for line in request.lines.select_related("order_line"):
        ol = line.order_line
        amount = calculate_line_refund(
            ol.line_total, getattr(ol, "discount_total", Decimal("0")), ol.quantity, line.quantity
        )
        goods += amount
        lines.append({"line_id": line.pk, "sku": ol.sku, "quantity": line.quantity, "amount": amount})
    shipping = Decimal("0.00")
    if include_shipping:
        shipping = max(request.order.shipping_total - get_refunded_shipping(request.order_id), Decimal("0.00"))
    return {"lines": lines, "goods": goods, "shipping": shipping, "total": goods + shipping}


def _bounds(date_from: date | None, date_to: date | None, prefix: str = "") -> Q:
    """Orders placed in the period (whole days in the shop's time zone)."""
    tz = timezone.get_current_timezone()
    q = Q()
    if date_from:
        q &= Q(**{f"{prefix}order__placed_at__gte": datetime.combine(date_from, time.min, tzinfo=tz)})
    if date_to:
        q &= Q(**{f"{prefix}order__placed_at__lte": datetime.combine(date_to, time.max, tzinfo=tz)})
    return q


def return_rate_by_product(*, date_from: date | None = None, date_to: date | None = None) -> list[dict]:
    """Per product (of orders placed in the period, cancelled ones left out): units sold, units
    in return/exchange requests that were not rejected or withdrawn, and the return rate (0–1)."""
    sold = (
        OrderLine.objects.filter(_bounds(date_from, date_to))
        .exclude(order__status="cancelled")
        .values("product_id_snapshot")
        .annotate(units=Sum("quantity"))
    )
    sold_by = {r["product_id_snapshot"]: r["units"] for r in sold}
    names = dict(
        OrderLine.objects.filter(product_id_snapshot__in=list(sold_by)).values_list(
            "product_id_snapshot", "product_name"
        )
    )
    q = (
        Q(request__status__in=COUNTED)
        & Q(request__kind__in=["return", "exchange"])
        & _bounds(date_from, date_to, "request__")
    )
    returned = ReturnLine.objects.filter(q).values("order_line__product_id_snapshot").annotate(units=Sum("quantity"))
    returned_by = {r["order_line__product_id_snapshot"]: r["units"] for r in returned}
    rows = []
    for product_id, units in sold_by.items():
        back = returned_by.get(product_id, 0)
        rows.append(
            {
                "product_id": product_id,
                "name": names.get(product_id, ""),
                "sold": units,
                "returned": back,
                "rate": (Decimal(back) / Decimal(units)).quantize(Decimal("0.0001")) if units else Decimal("0"),
            }
        )
    rows.sort(key=lambda r: (-r["rate"], -r["returned"], r["name"]))
    return rows


def return_rate_by_reason(*, date_from: date | None = None, date_to: date | None = None) -> list[dict]:
    """Per reason: requests and units (not rejected or withdrawn), and each reason's share of units."""
    q = Q(status__in=COUNTED) & _bounds(date_from, date_to)
    rows = list(
        ReturnRequest.objects.filter(q)
        .values("reason")
        .annotate(requests=Count("id", distinct=True), units=Sum("lines__quantity"))
    )
    total = sum((r["units"] or 0) for r in rows)
    labels = dict(ReturnRequest.Reason.choices)
    out = [
        {
            "reason": r["reason"],
            "label": str(labels.get(r["reason"], r["reason"])),
            "requests": r["requests"],
            "units": r["units"] or 0,
            "share": (Decimal(r["units"] or 0) / Decimal(total)).quantize(Decimal("0.0001")) if total else Decimal("0"),
        }
        for r in rows
    ]
    out.sort(key=lambda r: (-r["units"], r["reason"]))
    return out


def list_exchange_options(request: ReturnRequest) -> list[dict]:
    """Per line of an exchange: the line and the active options of the same product it may be
    exchanged for (the returned SKU first)."""
    from dianpu.catalog.models import Variant

    rows = []
    for line in request.lines.select_related("order_line__variant"):
        variant = line.order_line.variant
        options = (
            list(Variant.objects.filter(product_id=variant.product_id, is_active=True).order_by("pk"))
            if variant is not None
            else []
        )
        options.sort(key=lambda v: v.pk != variant.pk)
        rows.append({"line": line, "options": options})
    return rows
