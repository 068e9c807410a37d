import json
import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from dianpu import events as events_bus
from dianpu.audit.services import record_audit
from dianpu.core import clock
from dianpu.core.actors import Actor, person_of
from dianpu.core.errors import DomainError, NotFoundError
from dianpu.core.uploads import MB, UploadLimits, check_text_rows

from .carriers import get_carrier
from .domain.tracking import (
    EventProblem,
    SignatureRejected,
    TrackingEventIn,
    parse_event,
    parse_events_file,
    verify_signature,
)
from .messages import MESSAGES
from .models import Shipment, ShippingMethod, ShippingRate, TrackingEvent


def validate_tracking(carrier_code: str, tracking_number: str) -> tuple[str, str]:
    """(carrier code, normalised tracking number), or a DomainError saying what is wrong."""
    carrier = get_carrier(carrier_code or "")
    if carrier is None:
        raise DomainError(MESSAGES["carrier_unknown"], code="carrier_unknown", status=422, field="carrier")
    if not carrier.is_valid_tracking_number(tracking_number):
        detail = str(MESSAGES["tracking_number_invalid"]) % {"carrier": carrier.name, "example": carrier.example}
        raise DomainError(detail, code="tracking_number_invalid", status=422, field="tracking_number")
    return carrier.code, carrier.normalize(tracking_number)


@transaction.atomic
def create_shipment(
    *,
    order_id: int,
    carrier: str,
    tracking_number: str,
    actor: Actor = None,
    shipping_method: str = "",
    cost: Decimal | None = None,
) -> Shipment:
    """Record a parcel handed to a carrier; it is due by shipped_at + the method's slowest days."""
    carrier_code, number = validate_tracking(carrier, tracking_number)
    person = person_of(actor)
    now = clock.now()
    method = ShippingMethod.objects.filter(code=shipping_method).first() if shipping_method else None
    promised_by = now + timedelta(days=method.delivery_days_max) if method is not None else None
    return Shipment.objects.create(
        order_id=order_id,
        carrier=carrier_code,
        tracking_number=number,
        shipped_at=now,
        shipped_by=person,
        shipping_method=shipping_method,
        promised_by=promised_by,
        cost=cost,
    )


# --- shipping methods and rate tables --------------------------------------------------------------

METHOD_FIELDS = (
    "name",
    "name_en",
    "fee",
    "free_over",
    "delivery_days_min",
    "delivery_days_max",
    "is_active",
    "max_weight_grams",
)


def _get_method(code: str) -> ShippingMethod:
    method = ShippingMethod.objects.filter(code=code).first()
    if method is None:
        raise NotFoundError(MESSAGES["shipping_method_unknown"], code="shipping_method_unknown")
    return method


@transaction.atomic
def update_shipping_method(
    *, actor: Actor, code: str, changes: dict[str, Any], ip_address: str | None = None
) -> ShippingMethod:
    """Change a method's fee, free-shipping threshold, promised days, weight limit, availability."""
    method = _get_method(code)
    values = {f: changes[f] for f in METHOD_FIELDS if f in changes}
    if (values.get("fee") is not None and values["fee"] < 0) or (
        values.get("free_over") is not None and values["free_over"] < 0
    ):
        raise DomainError(MESSAGES["rate_invalid"], code="rate_invalid", status=422)
    before = {f: getattr(method, f) for f in values}
    ShippingMethod.objects.filter(pk=method.pk).update(**values)
    method.refresh_from_db()
    record_audit(
        actor=actor,
        action="shipping_method.updated",
        obj=method,
        ip_address=ip_address,
        changes={f: (str(before[f]), str(getattr(method, f))) for f in values if before[f] != getattr(method, f)},
    )
    return method


@transaction.atomic
def create_shipping_method(
    *,
    actor: Actor,
    code: str,
    name: str,
    name_en: str = "",
    fee: Decimal,
    free_over: Decimal | None = None,
    delivery_days_min: int = 2,
    delivery_days_max: int = 5,
    needs_tracking: bool = True,
    ip_address: str | None = None,
) -> ShippingMethod:
    """Add a shipping method (offered at checkout at once); a code taken is refused."""
    if fee < 0 or (free_over is not None and free_over < 0) or delivery_days_min > delivery_days_max:
        raise DomainError(MESSAGES["rate_invalid"], code="rate_invalid", status=422)
    if ShippingMethod.objects.filter(code=code).exists():
        raise DomainError(MESSAGES["shipping_method_exists"], code="shipping_method_exists", status=422)
    position = (ShippingMethod.objects.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    method = ShippingMethod.objects.create(
        code=code,
        name=name,
        name_en=name_en,
        fee=fee,
        free_over=free_over,
        delivery_days_min=delivery_days_min,
        delivery_days_max=delivery_days_max,
        needs_tracking=needs_tracking,
        position=position,
    )
    record_audit(
        actor=actor,
        action="shipping_method.created",
        obj=method,
        ip_address=ip_address,
        changes={"code": ("", code), "name": ("", name), "fee": ("", str(fee))},
    )
    return method


@transaction.atomic
def save_shipping_rate(
    *,
    actor: Actor,
    code: str,
    province: str,
    first_weight_grams: int,
    first_fee: Decimal,
    step_grams: int,
    step_fee: Decimal,
    ip_address: str | None = None,
) -> ShippingRate:
    """Add or replace the rate of one province (or the default row, province "") of a method."""
    method = _get_method(code)
    if first_weight_grams <= 0 or step_grams <= 0 or first_fee < 0 or step_fee < 0:
        raise DomainError(MESSAGES["rate_invalid"], code="rate_invalid", status=422)
    province = province.strip()
    rate, created = ShippingRate.objects.update_or_create(
        method=method,
        province=province,
        defaults=dict(
            first_weight_grams=first_weight_grams, first_fee=first_fee, step_grams=step_grams, step_fee=step_fee
        ),
    )
    record_audit(
        actor=actor,
        action="shipping_rate.saved",
        obj=method,
        ip_address=ip_address,
        changes={
            f"rate[{province or '*'}]": (
                "" if created else "…",
                f"{first_weight_grams}g ¥{first_fee} + {step_grams}g ¥{step_fee}",
            )
        },
    )
    return rate


@transaction.atomic
def delete_shipping_rate(*, actor: Actor, rate_id: int, ip_address: str | None = None) -> None:
    rate = ShippingRate.objects.select_related("method").filter(pk=rate_id).first()
    if rate is None or ShippingRate.objects.filter(pk=rate_id).delete()[0] == 0:
        raise NotFoundError(MESSAGES["rate_not_found"], code="rate_not_found")
    record_audit(
        actor=actor,
        action="shipping_rate.deleted",
        obj=rate.method,
        ip_address=ip_address,
        changes={f"rate[{rate.province or '*'}]": (f"¥{rate.first_fee}", "")},
    )


# --- tracking events -----------------------------------------------------------------------------------


class TrackingRefused(DomainError):
    """Some events cannot be stored (unknown parcel, bad status or time): none were stored."""

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__(
            str(MESSAGES["tracking_refused"]) % {"count": len(problems)},
            code="tracking_refused",
            status=422,
            lines=problems,
        )
        self.problems = problems


def _problem(line: int, column: str, code: str, value: str = "") -> dict[str, Any]:
    return {
        "line": line,
        "column": column,
        "code": code,
        "message": str(MESSAGES[f"tracking_{code}"]) + (f" ({value})" if value else ""),
    }


def _normalize_number(number: str) -> str:
    return re.sub(r"[\s-]", "", number or "").upper()


@transaction.atomic
def record_tracking_events(
    *, events: list[TrackingEventIn], problems: list[EventProblem], source: str
) -> dict[str, Any]:
    """Store carrier scans against their parcels, all or nothing. The same event sent twice is stored
    once. A parcel's status follows its latest scan; a delivered scan marks it delivered and
    publishes ParcelDelivered (orders then marks the order delivered)."""
    report = [_problem(p.line, p.column, p.code, p.value) for p in problems]
    numbers = {_normalize_number(e.tracking_number) for e in events}
    shipments: dict[tuple[str, str], Shipment] = {}
    for s in Shipment.objects.filter(tracking_number__in=numbers):
        shipments[(s.carrier, s.tracking_number)] = s
        shipments.setdefault(("", s.tracking_number), s)
    resolved = []
    for e in events:
        shipment = shipments.get((e.carrier, _normalize_number(e.tracking_number)))
        if shipment is None:
            report.append(_problem(e.line, "tracking_number", "parcel_unknown", e.tracking_number))
        else:
            resolved.append((e, shipment))
    if report:
        raise TrackingRefused(sorted(report, key=lambda r: r["line"]))
    now = clock.now()
    stored = duplicates = 0
    for e, shipment in sorted(resolved, key=lambda pair: pair[0].occurred_at):
        _row, created = TrackingEvent.objects.get_or_create(
            shipment=shipment,
            key=e.key,
            defaults=dict(
                status=e.status,
                occurred_at=e.occurred_at,
                location=e.location,
                description=e.description,
                source=source,
                received_at=now,
            ),
        )
        if not created:
            duplicates += 1
            continue
        stored += 1
        newer = Q(last_event_at__isnull=True) | Q(last_event_at__lte=e.occurred_at)
        Shipment.objects.filter(newer, pk=shipment.pk).update(status=e.status, last_event_at=e.occurred_at)
        if (
            e.status == Shipment.Status.DELIVERED
            and Shipment.objects.filter(pk=shipment.pk, delivered_at__isnull=True).update(delivered_at=e.occurred_at)
            == 1
        ):
            events_bus.publish(events_bus.ParcelDelivered(shipment.order_id, shipment.pk, e.occurred_at))
    return {"stored": stored, "duplicates": duplicates}


def receive_tracking_webhook(*, body: bytes, signature: str) -> dict[str, Any]:
    """Verify the signature, read the events, store them. DomainError on a bad signature (401) or body (422)."""
    try:
        verify_signature(
            getattr(settings, "TRACKING_WEBHOOK_SECRET", ""), signature, body, int(clock.now().timestamp())
        )
    except SignatureRejected as exc:
        raise DomainError(MESSAGES[f"tracking_{exc.code}"], code=exc.code, status=401) from None
    try:
        payload = json.loads(body.decode("utf-8"))
        raw_events = payload["events"]
        if not isinstance(raw_events, list) or not all(isinstance(r, dict) for r in raw_events):
            raise TypeError
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise DomainError(MESSAGES["tracking_body_invalid"], code="body_invalid", status=422) from None
    events, problems = [], []
    for i, raw in enumerate(raw_events, 1):
        event, found = parse_event(raw, i)
        problems += found
        if event is not None:
            events.append(event)
    return record_tracking_events(events=events, problems=problems, source="webhook")


# Tracking and batch-shipping files: CSV only, read whole (edges use core.uploads.read_upload_text).
UPLOAD_LIMITS = UploadLimits(max_bytes=5 * MB, max_rows=50_000, max_columns=20, max_cell_chars=2000)


def import_tracking_file(*, text: str, actor: Actor, ip_address: str | None = None) -> dict[str, Any]:
    check_text_rows(text, UPLOAD_LIMITS)
    events, problems = parse_events_file(text)
    if not events and not problems:
        problems = [EventProblem(0, "", "file_empty")]
    result = record_tracking_events(events=events, problems=problems, source="file")
    record_audit(
        actor=actor,
        action="tracking.imported",
        object_type="fulfillment.trackingevent",
        object_id="file",
        object_repr="tracking file",
        changes={"stored": ("", str(result["stored"])), "duplicates": ("", str(result["duplicates"]))},
        ip_address=ip_address,
    )
    return result
