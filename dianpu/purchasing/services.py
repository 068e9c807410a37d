"""Purchasing use cases: suppliers and their prices, purchase orders from draft to received.

Status changes are conditional UPDATEs on the old status (of two concurrent actions one wins);
a receipt line is `UPDATE … SET quantity_received = quantity_received + n WHERE
quantity_received + n <= quantity_ordered` unless over-receipt is explicitly allowed. Stock
and cost change only through inventory.services.receive_stock.
"""

import re
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F

from dianpu.audit.services import record_audit
from dianpu.catalog.models import Variant
from dianpu.core import clock
from dianpu.core.actors import Actor, person_of
from dianpu.core.errors import DomainError
from dianpu.core.phones import check_phone
from dianpu.inventory.models import Warehouse
from dianpu.inventory.services import add_on_order, get_default_warehouse, receive_stock

from .domain import states
from .messages import MESSAGES
from .models import OPEN_STATUSES, PurchaseOrder, PurchaseOrderLine, Supplier, SupplierPrice

CODE = re.compile(r"^[A-Za-z0-9_-]{1,30}$")
STATUS_LABELS = dict(PurchaseOrder.Status.choices)


def _error(error_code: str, status: int = 422, **params: Any) -> DomainError:
    text = str(MESSAGES[error_code]) % params if params else MESSAGES[error_code]
    extra = {("value" if k == "code" else k): str(v) for k, v in params.items()}
    return DomainError(text, code=error_code, status=status, **extra)


def _cost(value: object) -> Decimal:
    try:
        cost = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise _error("cost_invalid") from None
    if not cost.is_finite() or cost < 0:
        raise _error("cost_invalid")
    return cost.quantize(Decimal("0.01"))


def _quantity(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise _error("quantity_invalid")
    return value


def _lead_time(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 365:
        raise _error("lead_time_invalid")
    return value


def _person(actor: Actor) -> User | None:
    return person_of(actor)


# --- suppliers -------------------------------------------------------------------------------

SUPPLIER_FIELDS = ("name", "contact_name", "email", "phone", "lead_time_days", "note", "is_active")


def _clean_supplier(fields: dict[str, Any]) -> dict[str, Any]:
    clean = {k: v for k, v in fields.items() if k in SUPPLIER_FIELDS}
    for key in ("name", "contact_name", "email", "phone", "note"):
        if key in clean:
            clean[key] = (clean[key] or "").strip()
    if "name" in clean and not clean["name"]:
        raise _error("name_required")
    if clean.get("email"):
        try:
            validate_email(clean["email"])
        except ValidationError:
            raise _error("email_invalid") from None
    if clean.get("phone") and (problem := check_phone(clean["phone"])):  # mainland China unless "+"
        raise _error(problem)
    if "lead_time_days" in clean:
        clean["lead_time_days"] = _lead_time(clean["lead_time_days"])
    return clean


@transaction.atomic
def create_supplier(*, actor: Actor, code: str, name: str, lead_time_days: int = 7, **fields: Any) -> Supplier:
    code = (code or "").strip()
    if not CODE.match(code):
        raise _error("supplier_code_invalid")
    clean = _clean_supplier({"name": name, "lead_time_days": lead_time_days, **fields})
    try:
        with transaction.atomic():
            supplier = Supplier.objects.create(code=code, created_at=clock.now(), **clean)
    except IntegrityError:
        raise _error("supplier_code_taken", status=409, code=code) from None
    record_audit(actor=actor, action="supplier.created", obj=supplier)
    return supplier


@transaction.atomic
def update_supplier(*, actor: Actor, supplier: Supplier, changes: dict[str, Any]) -> Supplier:
    clean = _clean_supplier(changes)
    before = {k: getattr(supplier, k) for k in clean}
    Supplier.objects.filter(pk=supplier.pk).update(**clean)
    supplier.refresh_from_db()
    diff = {k: (before[k], getattr(supplier, k)) for k in clean if before[k] != getattr(supplier, k)}
    if diff:
        record_audit(actor=actor, action="supplier.updated", obj=supplier, changes=diff)
    return supplier


@transaction.atomic
def set_supplier_price(
    *,
    actor: Actor,
    supplier: Supplier,
    variant: Variant,
    unit_cost: object,
    min_order_quantity: int = 1,
    supplier_sku: str = "",
) -> SupplierPrice:
    cost = _cost(unit_cost)
    moq = _quantity(min_order_quantity)
    price, _created = SupplierPrice.objects.update_or_create(
        supplier=supplier,
        variant=variant,
        defaults={"unit_cost": cost, "min_order_quantity": moq, "supplier_sku": (supplier_sku or "").strip()[:64]},
    )
    record_audit(
        actor=actor,
        action="supplier.price_set",
        obj=supplier,
        object_repr=f"{supplier.code} {variant.sku}",
        changes={"unit_cost": ("", str(cost)), "min_order_quantity": ("", moq)},
    )
    return price


# --- purchase orders ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LineInput:
    sku: str
    quantity: int
    unit_cost: Decimal | str | None = None  # None: the supplier's price, else the SKU's cost


def _number() -> str:
    return f"PO{clock.now():%y%m%d}-{secrets.token_hex(3).upper()}"


@transaction.atomic
def create_purchase_order(
    *, actor: Actor, supplier: Supplier, lines: list[LineInput], warehouse: Warehouse | None = None, note: str = ""
) -> PurchaseOrder:
    """A draft purchase order; every line checked before anything is written."""
    if not lines:
        raise _error("lines_required")
    skus = [ln.sku for ln in lines]
    seen = set()
    for sku in skus:
        if sku in seen:
            raise _error("duplicate_sku", sku=sku)
        seen.add(sku)
    variants = {v.sku: v for v in Variant.objects.filter(sku__in=skus)}
    prices = dict(
        SupplierPrice.objects.filter(supplier=supplier, variant__sku__in=skus).values_list("variant__sku", "unit_cost")
    )
    rows = []
    for ln in lines:
        variant = variants.get(ln.sku)
        if variant is None:
            raise _error("unknown_sku", sku=ln.sku)
        quantity = _quantity(ln.quantity)
        cost = _cost(ln.unit_cost if ln.unit_cost not in (None, "") else prices.get(ln.sku, variant.cost_price))
        rows.append((variant, quantity, cost))
    order = PurchaseOrder.objects.create(
        number=_number(),
        supplier=supplier,
        warehouse=warehouse or get_default_warehouse(),
        note=(note or "")[:300],
        created_by=_person(actor),
        created_at=clock.now(),
    )
    PurchaseOrderLine.objects.bulk_create(
        [PurchaseOrderLine(purchase_order=order, variant=v, quantity_ordered=q, unit_cost=c) for v, q, c in rows]
    )
    record_audit(
        actor=actor,
        action="purchase_order.created",
        obj=order,
        object_repr=order.number,
        changes={"lines": ("", len(rows))},
    )
    return order


@transaction.atomic
def create_purchase_orders_from_suggestions(
    *,
    actor: Actor,
    wanted: dict[str, int],
    warehouse: Warehouse | None = None,
) -> list[PurchaseOrder]:
    """Draft one purchase order per supplier for `wanted` (SKU -> units), each SKU from its
    cheapest supplier (then the shortest lead time)."""
    from .queries import get_preferred_prices

    if not wanted:
        raise _error("lines_required")
    preferred = get_preferred_prices(list(wanted))
    by_supplier: dict[int, list[LineInput]] = {}
    for sku, quantity in wanted.items():
        price = preferred.get(sku)
        if price is None:
            if not Variant.objects.filter(sku=sku).exists():
                raise _error("unknown_sku", sku=sku)
            raise _error("no_supplier", sku=sku)
        by_supplier.setdefault(price.supplier_id, []).append(LineInput(sku, quantity, price.unit_cost))
    suppliers = Supplier.objects.in_bulk(list(by_supplier))
    return [
        create_purchase_order(actor=actor, supplier=suppliers[sid], lines=lines, warehouse=warehouse)
        for sid, lines in sorted(by_supplier.items())
    ]


def _status_error(order: PurchaseOrder) -> DomainError:
    return DomainError(
        str(MESSAGES["status_not_allowed"])
        % {"number": order.number, "status": STATUS_LABELS.get(order.status, order.status)},
        code="status_not_allowed",
        status=409,
        current_status=order.status,
    )


def _outstanding_by_variant(order: PurchaseOrder) -> dict[int, int]:
    """Units still to come per variant id on `order` (each line's ordered − received, not below 0)."""
    result: dict[int, int] = {}
    for variant_id, ordered, received in order.lines.values_list("variant_id", "quantity_ordered", "quantity_received"):
        result[variant_id] = result.get(variant_id, 0) + max(0, ordered - received)
    return result


def _move(order: PurchaseOrder, action: str, to_status: str, **fields: Any) -> None:
    """Conditional status change: refused (and nothing written) unless the order is still in a
    status `action` may start from."""
    updated = PurchaseOrder.objects.filter(pk=order.pk, status__in=states.ALLOWED_FROM[action]).update(
        status=to_status, **fields
    )
    if updated != 1:
        order.refresh_from_db()
        raise _status_error(order)


@transaction.atomic
def send_purchase_order(*, actor: Actor, order: PurchaseOrder) -> PurchaseOrder:
    """Draft → sent. On commit the PDF is e-mailed to the supplier (when it has an address)."""
    _move(order, "send", PurchaseOrder.Status.SENT, sent_at=clock.now())
    add_on_order(_outstanding_by_variant(order))
    record_audit(actor=actor, action="purchase_order.sent", obj=order, object_repr=order.number)
    order.refresh_from_db()
    if order.supplier.email:
        from .tasks import email_purchase_order

        transaction.on_commit(lambda: email_purchase_order(order.pk))
    return order


@transaction.atomic
def cancel_purchase_order(*, actor: Actor, order: PurchaseOrder, reason: str = "") -> PurchaseOrder:
    was = PurchaseOrder.objects.select_for_update().values_list("status", flat=True).filter(pk=order.pk).first()
    _move(order, "cancel", PurchaseOrder.Status.CANCELLED)
    if was in OPEN_STATUSES:
        add_on_order({v: -n for v, n in _outstanding_by_variant(order).items()})
    record_audit(actor=actor, action="purchase_order.cancelled", obj=order, object_repr=order.number, reason=reason)
    order.refresh_from_db()
    return order


@transaction.atomic
def receive_purchase_order(
    *, actor: Actor, order: PurchaseOrder, received: dict[str, int], allow_over: bool = False, note: str = ""
) -> PurchaseOrder:
    """Goods in against a sent order (SKU -> units arrived now). Each line's receipt goes onto
    the ledger at the order's price (moving-average cost); more than outstanding is refused
    unless `allow_over`. All lines or none."""
    received = {sku: q for sku, q in received.items() if q != 0}
    if not received:
        raise _error("nothing_received")
    for quantity in received.values():
        _quantity(quantity)
    lines = {ln.variant.sku: ln for ln in order.lines.select_related("variant")}
    for sku in received:
        if sku not in lines:
            raise _error("not_on_order", sku=sku, number=order.number)
    # Take the order first: a concurrent cancel or a second receipt waits on this row.
    if (
        PurchaseOrder.objects.filter(pk=order.pk, status__in=states.ALLOWED_FROM["receive"]).update(status=F("status"))
        != 1
    ):
        order.refresh_from_db()
        raise _status_error(order)
    for sku, quantity in sorted(received.items(), key=lambda kv: lines[kv[0]].pk):
        line = lines[sku]
        rows = PurchaseOrderLine.objects.filter(pk=line.pk)
        if not allow_over:
            rows = rows.filter(quantity_received__lte=F("quantity_ordered") - quantity)
        if rows.update(quantity_received=F("quantity_received") + quantity) != 1:
            line.refresh_from_db()
            raise _error("over_receipt", sku=sku, quantity=quantity, outstanding=line.outstanding)
        ordered, now_received = PurchaseOrderLine.objects.values_list("quantity_ordered", "quantity_received").get(
            pk=line.pk
        )
        add_on_order({line.variant_id: max(0, ordered - now_received) - max(0, ordered - now_received + quantity)})
        receive_stock(
            actor=actor,
            variant=line.variant,
            warehouse=order.warehouse,
            quantity=quantity,
            unit_cost=line.unit_cost,
            reference=order.number,
            reason=(note or "")[:200],
        )
    progress = list(order.lines.values_list("quantity_ordered", "quantity_received"))
    to_status = states.status_after_receipt(progress)
    fields = {"received_at": clock.now()} if to_status == states.RECEIVED else {}
    PurchaseOrder.objects.filter(pk=order.pk, status__in=states.ALLOWED_FROM["receive"]).update(
        status=to_status, **fields
    )
    record_audit(
        actor=actor,
        action="purchase_order.received",
        obj=order,
        object_repr=order.number,
        changes={sku: ("", q) for sku, q in received.items()},
        reason=note,
    )
    order.refresh_from_db()
    return order
