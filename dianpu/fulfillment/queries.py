from decimal import Decimal

from django.db.models import Q
from django.utils.translation import get_language

from dianpu.core import clock
from dianpu.core.errors import DomainError

from .carriers import CARRIERS
from .domain.rates import ZERO, MethodRate, ShippingUnavailable, ZoneRate, calculate_shipping_fee
from .domain.tracking import EXCEPTION_STATUSES, is_late
from .messages import MESSAGES
from .models import Shipment, ShippingMethod, TrackingEvent


def list_shipping_methods():
    return list(ShippingMethod.objects.filter(is_active=True).prefetch_related("rates"))


def list_all_shipping_methods():
    return list(ShippingMethod.objects.prefetch_related("rates"))


def get_shipping_method(code: str) -> ShippingMethod:
    method = ShippingMethod.objects.filter(code=code, is_active=True).first()
    if method is None:
        raise DomainError(
            MESSAGES["shipping_method_unknown"], code="shipping_method_unknown", status=422, field="shipping_method"
        )
    return method


def needs_tracking(code: str) -> bool:
    """Whether an order sent by this method ships with a carrier and tracking number (all but
    pick-up in store). An unknown or retired method is treated as a parcel."""
    return ShippingMethod.objects.filter(code=code, needs_tracking=False).values_list("pk").first() is None


def rate_of(method: ShippingMethod) -> MethodRate:
    zones = tuple(
        ZoneRate(r.province, r.first_weight_grams, r.first_fee, r.step_grams, r.step_fee) for r in method.rates.all()
    )
    return MethodRate(method.code, method.fee, method.free_over, zones, method.max_weight_grams)


def quote_shipping(method: ShippingMethod, merchandise_total, *, weight_grams: int = 0, province: str = ""):
    """The fee for a parcel by this method, or DomainError shipping_unavailable (with the reason)."""
    try:
        return calculate_shipping_fee(
            rate_of(method), merchandise_total=merchandise_total, weight_grams=weight_grams, province=province
        )
    except ShippingUnavailable as exc:
        raise DomainError(
            MESSAGES[exc.code], code="shipping_unavailable", status=422, field="shipping_method", reason=exc.code
        ) from None


def list_shipping_options(merchandise_total, *, weight_grams: int = 0, province: str = "", methods=None) -> list[dict]:
    """Every active method with its fee for this parcel, or why it is unavailable (checkout, API).
    `methods`: list_shipping_methods() when the caller has just read it."""
    options = []
    for method in list_shipping_methods() if methods is None else methods:
        try:
            fee = quote_shipping(method, merchandise_total, weight_grams=weight_grams, province=province)
        except DomainError as exc:
            # No province yet (the checkout page before the address is typed): priced by region later.
            unknown_region = exc.extra["reason"] == "region_not_served" and not province.strip()
            options.append(
                {
                    "method": method,
                    "fee": None,
                    "available": unknown_region,
                    "reason": "" if unknown_region else exc.extra["reason"],
                    "reason_text": "" if unknown_region else str(exc.detail),
                }
            )
        else:
            options.append({"method": method, "fee": fee, "available": True, "reason": "", "reason_text": ""})
    return options


def list_carriers() -> list[dict]:
    english = (get_language() or "").startswith("en")
    return [{"code": c.code, "name": c.name_en if english else c.name, "example": c.example} for c in CARRIERS.values()]


# --- tracking, exceptions, carrier report -----------------------------------------------------------

EXCEPTION_KINDS = ("late", "failed", "returned")


def list_tracking_events(shipment_ids: list[int]) -> dict[int, list[TrackingEvent]]:
    found: dict[int, list[TrackingEvent]] = {i: [] for i in shipment_ids}
    for event in TrackingEvent.objects.filter(shipment_id__in=shipment_ids).order_by("-occurred_at", "-id"):
        found[event.shipment_id].append(event)
    return found


def list_exceptions(kind: str = "") -> list[dict]:
    """Parcels needing attention: late against the method's promised days and not delivered,
    failed delivery, or returned to sender. Oldest first."""
    now = clock.now()
    late = Q(delivered_at__isnull=True, promised_by__lt=now) & ~Q(status__in=EXCEPTION_STATUSES)
    bad = Q(status__in=EXCEPTION_STATUSES)
    wanted = {"late": late, "failed": Q(status="failed"), "returned": Q(status="returned")}.get(kind, late | bad)
    rows = []
    for s in Shipment.objects.filter(wanted).select_related("order").order_by("shipped_at", "id")[:500]:
        reason = s.status if s.status in EXCEPTION_STATUSES else "late"
        rows.append(
            {
                "shipment": s,
                "order_number": s.order.number,
                "kind": reason,
                "days_late": max(0, (now - s.promised_by).days) if s.promised_by else 0,
            }
        )
    return rows


def summarize_carriers(start=None, end=None) -> list[dict]:
    """Per carrier, parcels shipped in [start, end): on-time rate (delivered by the promised day,
    among delivered parcels with a promise), average days to delivery, exceptions (late, failed,
    returned), and average cost per parcel (among parcels with a cost)."""
    now = clock.now()
    shipments = Shipment.objects.all()
    if start:
        shipments = shipments.filter(shipped_at__gte=start)
    if end:
        shipments = shipments.filter(shipped_at__lt=end)
    stats: dict[str, dict] = {}
    for s in shipments.only("carrier", "shipped_at", "promised_by", "delivered_at", "status", "cost").iterator():
        row = stats.setdefault(
            s.carrier,
            {
                "carrier": s.carrier,
                "parcels": 0,
                "delivered": 0,
                "on_time": 0,
                "promised": 0,
                "days_total": 0.0,
                "exceptions": 0,
                "cost_total": ZERO,
                "costed": 0,
            },
        )
        row["parcels"] += 1
        if s.delivered_at:
            row["delivered"] += 1
            row["days_total"] += (s.delivered_at - s.shipped_at).total_seconds() / 86400
            if s.promised_by:
                row["promised"] += 1
                row["on_time"] += s.delivered_at <= s.promised_by
        if s.status in EXCEPTION_STATUSES or is_late(promised_by=s.promised_by, delivered_at=s.delivered_at, now=now):
            row["exceptions"] += 1
        if s.cost is not None:
            row["cost_total"] += s.cost
            row["costed"] += 1
    english = (get_language() or "").startswith("en")
    out = []
    for code, row in sorted(stats.items()):
        carrier = CARRIERS.get(code)
        out.append(
            {
                "carrier": code,
                "name": (carrier.name_en if english else carrier.name) if carrier else code,
                "parcels": row["parcels"],
                "delivered": row["delivered"],
                "exceptions": row["exceptions"],
                "on_time_rate": (Decimal(row["on_time"]) / row["promised"]).quantize(Decimal("0.001"))
                if row["promised"]
                else None,
                "average_days": Decimal(row["days_total"] / row["delivered"]).quantize(Decimal("0.1"))
                if row["delivered"]
                else None,
                "cost_per_parcel": (row["cost_total"] / row["costed"]).quantize(Decimal("0.01"))
                if row["costed"]
                else None,
            }
        )
    return out
