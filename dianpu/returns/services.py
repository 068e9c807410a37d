"""After-sales use cases. Each step moves a request by a conditional UPDATE on its old status
(two agents clicking at once: one wins, the other is told), writes a history row and the audit
log. Stock comes back only through inventory.adjust_stock (kind "return"); money only through
payments.refund_order."""

import logging
import secrets
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from dianpu import events
from dianpu.audit.services import record_audit
from dianpu.core import clock
from dianpu.core.actors import Actor, person_of
from dianpu.core.errors import ConflictError, DomainError, NotFoundError, ValidationFailed
from dianpu.fulfillment.services import validate_tracking
from dianpu.inventory.models import StockMove
from dianpu.inventory.services import adjust_stock
from dianpu.payments.services import refund_order

from .domain.rules import REASONS, OrderForReturn, check_lines, check_request
from .domain.states import COUNTED_STATUSES, Action, Kind, ReturnRefused, Status, next_status
from .messages import ACTION_LABELS, MESSAGES
from .models import ReturnHistory, ReturnLine, ReturnRequest

if TYPE_CHECKING:
    from dianpu.orders.models import Order
from .queries import calculate_refund_due

log = logging.getLogger(__name__)


def _error(code: str, http_status: int = 422, **params: Any) -> DomainError:
    text = str(MESSAGES.get(code, code))
    if params:
        try:
            text = text % params
        except (KeyError, TypeError, ValueError):
            pass
    return DomainError(text, code=code, status=http_status)


def _refusal(exc: ReturnRefused) -> DomainError:
    params = dict(exc.params)
    if "status" in params:
        params["status"] = str(ReturnRequest.Status(params["status"]).label)
    if "action" in params and params["action"] in ACTION_LABELS:
        params["action"] = str(ACTION_LABELS[params["action"]])
    return _error(exc.code, http_status=409 if exc.code == "return_transition_not_allowed" else 422, **params)


def _person(actor: Actor) -> User | None:
    return person_of(actor)


def _label(actor: Actor, fallback: str = "system") -> str:
    person = _person(actor)
    return person.get_username() if person is not None else fallback


def _notify(request_id: int, kind: str) -> None:
    from .tasks import send_return_notification  # tasks import services; import late to avoid a cycle

    try:
        send_return_notification(request_id, kind)
    except Exception:  # a mail outage never undoes the after-sales step
        log.exception("could not queue return notification", extra={"return_id": request_id, "kind": kind})


def get_return_or_error(number: str) -> ReturnRequest:
    request = ReturnRequest.objects.select_related("order").filter(number=number).first()
    if request is None:
        raise NotFoundError(str(MESSAGES["return_not_found"]), code="return_not_found")
    return request


@transaction.atomic
def request_return(
    *,
    order: "Order",
    kind: str,
    reason: str,
    lines: dict[int, int],
    reason_detail: str = "",
    actor: Actor = None,
    source: str = ReturnRequest.Source.AGENT,
    ip_address: str | None = None,
) -> ReturnRequest:
    """Open an after-sales request for some lines of an order (`lines`: order line id -> quantity).

    Refused (422, nothing written): an unknown kind or reason, an order outside the rules
    (refund-only before shipping; returns and exchanges after delivery; within the return window
    after delivery), quantities beyond what was bought less what is already in other requests."""
    now = clock.now()
    problem = check_request(
        kind,
        OrderForReturn(status=order.status, is_paid=order.paid_at is not None, delivered_at=order.delivered_at),
        now=now,
        window_days=settings.RETURN_WINDOW_DAYS,
    )
    if problem:
        raise _error(problem, days=settings.RETURN_WINDOW_DAYS)
    if reason not in REASONS:
        raise _error("return_reason_unknown")
    # Lock the order's requests' lines by locking the order row: two requests for the same units
    # cannot both pass the quantity check.
    type(order).objects.select_for_update().filter(pk=order.pk).first()
    ordered = {ln.pk: ln.quantity for ln in order.lines.all()}
    already = dict(
        ReturnLine.objects.filter(request__order=order, request__status__in=[s.value for s in COUNTED_STATUSES])
        .values("order_line_id")
        .annotate(n=Sum("quantity"))
        .values_list("order_line_id", "n")
    )
    if kind == Kind.INTERCEPT:  # the whole parcel is stopped: every unit not already in a request
        lines = {k: n - already.get(k, 0) for k, n in ordered.items() if n > already.get(k, 0)}
    wanted = {int(k): int(v) for k, v in lines.items() if int(v) != 0}
    errors = check_lines(wanted, ordered, already)
    if errors:
        first = next(iter(errors.values()))
        raise ValidationFailed({f"lines.{k}": str(MESSAGES[v]) for k, v in errors.items()}, detail=str(MESSAGES[first]))
    for _attempt in range(10):
        try:
            with transaction.atomic():
                request = ReturnRequest.objects.create(
                    number=f"RT{now:%y%m%d}{secrets.randbelow(10**6):06d}",
                    order=order,
                    kind=kind,
                    reason=reason,
                    reason_detail=reason_detail[:500],
                    source=source,
                    created_by=_person(actor),
                    created_at=now,
                )
            break
        except IntegrityError:
            continue
    else:
        raise ConflictError(code="return_number_exhausted")
    ReturnLine.objects.bulk_create(
        [ReturnLine(request=request, order_line_id=k, quantity=v) for k, v in wanted.items()]
    )
    ReturnHistory.objects.create(
        request=request,
        action="request",
        to_status=request.status,
        actor_label=_label(actor, order.email),
        note=reason_detail[:500],
        created_at=now,
    )
    record_audit(
        actor=actor,
        action="return.requested",
        obj=request,
        object_repr=f"{request.number} ({order.number})",
        changes={"status": (None, request.status), "kind": (None, kind)},
        reason=reason_detail,
        ip_address=ip_address,
    )
    return request


def _move(
    request: ReturnRequest,
    action: str,
    *,
    actor: Actor = None,
    note: str = "",
    ip_address: str | None = None,
    **fields: Any,
) -> ReturnRequest:
    """Apply one step of the state table: conditional UPDATE, history row, audit entry."""
    try:
        target = next_status(request.kind, request.status, action)
    except ReturnRefused as exc:
        raise _refusal(exc) from None
    now = clock.now()
    updates = {"status": target.value, **fields}
    if ReturnRequest.objects.filter(pk=request.pk, status=request.status).update(**updates) != 1:
        raise ConflictError(str(MESSAGES["return_changed"]), code="return_changed")
    from_status = request.status
    for key, value in updates.items():
        setattr(request, key, value)
    ReturnHistory.objects.create(
        request=request,
        action=action,
        from_status=from_status,
        to_status=target.value,
        actor_label=_label(actor),
        note=note[:500],
        created_at=now,
    )
    record_audit(
        actor=actor,
        action=f"return.{action}",
        obj=request,
        changes={"status": (from_status, target.value)},
        reason=note,
        ip_address=ip_address,
    )
    return request


@transaction.atomic
def approve_return(
    *, request: ReturnRequest, actor: Actor = None, note: str = "", ip_address: str | None = None
) -> ReturnRequest:
    now = clock.now()
    _move(
        request,
        Action.APPROVE,
        actor=actor,
        note=note,
        ip_address=ip_address,
        decided_at=now,
        decided_by=_person(actor),
        decision_note=note[:500],
    )
    transaction.on_commit(lambda: _notify(request.pk, "return_approved"))
    return request


@transaction.atomic
def reject_return(
    *, request: ReturnRequest, actor: Actor = None, note: str = "", ip_address: str | None = None
) -> ReturnRequest:
    if not note.strip():
        raise _error("reject_reason_required")
    return _move(
        request,
        Action.REJECT,
        actor=actor,
        note=note,
        ip_address=ip_address,
        decided_at=clock.now(),
        decided_by=_person(actor),
        decision_note=note[:500],
    )


@transaction.atomic
def cancel_return(
    *, request: ReturnRequest, actor: Actor = None, note: str = "", ip_address: str | None = None
) -> ReturnRequest:
    return _move(request, Action.CANCEL, actor=actor, note=note, ip_address=ip_address, closed_at=clock.now())


@transaction.atomic
def record_return_shipment(
    *, request: ReturnRequest, carrier: str, tracking_number: str, actor: Actor = None, ip_address: str | None = None
) -> ReturnRequest:
    """The buyer sent the goods back: the parcel's carrier and tracking number."""
    if request.kind == Kind.REFUND_ONLY:
        raise _error("refund_only_keeps_goods")
    carrier, tracking_number = validate_tracking(carrier, tracking_number)
    return _move(
        request,
        Action.SHIP_BACK,
        actor=actor,
        note=f"{carrier} {tracking_number}",
        ip_address=ip_address,
        carrier=carrier,
        tracking_number=tracking_number,
        shipped_back_at=clock.now(),
    )


def proposed_inspections(request: ReturnRequest) -> dict[int, tuple[int, int, str]]:
    """What receiving proposes before anyone counts: every returned unit back into stock."""
    return {line.pk: (line.quantity, 0, "") for line in request.lines.all()}


@transaction.atomic
def request_intercept(
    *, request: ReturnRequest, actor: Actor = None, note: str = "", ip_address: str | None = None
) -> ReturnRequest:
    """拦截: the agent has asked the carrier to stop the parcel (note: the carrier's ticket)."""
    return _move(
        request,
        Action.REQUEST_INTERCEPT,
        actor=actor,
        note=note,
        ip_address=ip_address,
        decided_at=clock.now(),
        decided_by=_person(actor),
        decision_note=note[:500],
    )


@transaction.atomic
def record_intercept_outcome(
    *, request: ReturnRequest, stopped: bool, actor: Actor = None, note: str = "", ip_address: str | None = None
) -> ReturnRequest:
    """The carrier's answer. Stopped: the parcel comes back to us, is received (restocked) and
    then refunded like a return. Not stopped: the request ends; once delivered the buyer may ask
    for a return (its units are free again)."""
    if stopped:
        return _move(request, Action.CONFIRM_INTERCEPT, actor=actor, note=note, ip_address=ip_address)
    return _move(request, Action.FAIL_INTERCEPT, actor=actor, note=note, ip_address=ip_address, closed_at=clock.now())


@transaction.atomic
def receive_return(
    *,
    request: ReturnRequest,
    inspections: dict[int, tuple[int, int, str]] | None = None,
    actor: Actor = None,
    ip_address: str | None = None,
) -> ReturnRequest:
    """Goods arrived and were inspected: per return line (restocked, written off, note); a line
    not given is as proposed — all of it restocked. Every unit is either restocked (back on
    hand: a `return` move on the stock ledger) or written off."""
    inspections = inspections or {}
    lines = list(request.lines.select_related("order_line__variant"))
    inspections = {**proposed_inspections(request), **inspections}
    for line in lines:
        restock, write_off, _note = inspections.get(line.pk, (0, 0, ""))
        if restock < 0 or write_off < 0 or restock + write_off != line.quantity:
            raise _error("inspection_incomplete", sku=line.order_line.sku, quantity=line.quantity)
    received_at = clock.now()
    _move(request, Action.RECEIVE, actor=actor, ip_address=ip_address, received_at=received_at)
    for line in lines:
        restock, write_off, note = inspections[line.pk]
        ReturnLine.objects.filter(pk=line.pk).update(
            restocked_quantity=restock, written_off_quantity=write_off, inspection_note=(note or "")[:300]
        )
        variant = line.order_line.variant
        if restock and variant is not None:
            adjust_stock(
                variant=variant,
                delta=restock,
                reason=f"{request.number} {request.get_reason_display()}",
                actor=actor,
                kind=StockMove.Kind.RETURN,
                reference=request.number,
                ip_address=ip_address,
            )
    events.publish(
        events.ReturnReceived(
            return_id=request.pk, number=request.number, order_id=request.order_id, received_at=received_at
        )
    )
    return request


def refund_return(
    *,
    request: ReturnRequest,
    include_shipping: bool = False,
    amount: object = None,
    manual: bool = False,
    actor: Actor = None,
    ip_address: str | None = None,
) -> ReturnRequest:
    """Give back what was paid for the returned lines (not their list price), with the order's
    shipping if asked, through the order's gateway or as manual. The request is claimed first
    (conditional UPDATE), so a double click cannot refund it twice; a refused refund un-claims it."""
    due = calculate_refund_due(request, include_shipping=include_shipping)
    total = due["total"]
    if amount is not None:
        amount = Decimal(str(amount))
        if amount > total:
            raise _error("return_refund_amount_too_large", amount=total)
    else:
        amount = total
    shipping = min(due["shipping"], amount)
    from_status = request.status
    with transaction.atomic():
        _move(request, Action.REFUND, actor=actor, ip_address=ip_address, note=f"¥{amount}", refunded_at=clock.now())
    try:
        refund = refund_order(
            order=request.order,
            amount=amount,
            shipping_amount=shipping,
            manual=manual,
            reason=f"{request.number} {request.get_reason_display()}",
            actor=actor,
            ip_address=ip_address,
        )
    except DomainError:
        with transaction.atomic():
            ReturnRequest.objects.filter(pk=request.pk, status=Status.REFUNDED).update(
                status=from_status, refunded_at=None
            )
            ReturnHistory.objects.create(
                request=request,
                action="refund_failed",
                from_status=Status.REFUNDED,
                to_status=from_status,
                actor_label=_label(actor),
                created_at=clock.now(),
            )
        request.status = from_status
        raise
    ReturnRequest.objects.filter(pk=request.pk).update(refund=refund)
    request.refund = refund  # the buyer hears of it from orders (OrderRefunded -> "refund_made")
    return request


@transaction.atomic
def close_return(
    *, request: ReturnRequest, actor: Actor = None, note: str = "", ip_address: str | None = None
) -> ReturnRequest:
    return _move(request, Action.CLOSE, actor=actor, note=note, ip_address=ip_address, closed_at=clock.now())


@transaction.atomic
def create_exchange_order(
    *,
    request: ReturnRequest,
    replacements: dict[int, str] | None = None,
    actor: Actor = None,
    ip_address: str | None = None,
) -> "Order":
    """The replacement order of an approved exchange whose goods came back (status received).

    `replacements`: return line id -> the SKU sent instead (another option of the same product;
    by default the same SKU). Same customer, address and shipping method as the original order,
    no shipping fee. Each unit costs what the buyer paid for the unit returned is credited, so
    the order's total is the price difference (never negative): zero -> the order is paid at
    once; more -> it awaits payment of the difference. Stock is held through inventory. Once
    per request (a conditional UPDATE claims it); refused with nothing written otherwise."""
    from dianpu.catalog.queries import get_variants_by_sku
    from dianpu.inventory.services import reserve_stock
    from dianpu.orders.domain.states import Action as OrderAction
    from dianpu.orders.services import AddressInput, LineInput, create_order, transition_order

    current = ReturnRequest.objects.select_for_update().select_related("order").get(pk=request.pk)
    if current.kind != Kind.EXCHANGE:
        raise _error("exchange_only", 409)
    if current.replacement_order is not None:
        raise _error("exchange_already_created", 409, number=current.replacement_order.number)
    if current.status != Status.RECEIVED:
        raise _error("exchange_not_received", 409)
    order = current.order
    lines = list(current.lines.select_related("order_line__variant"))
    replacements = {int(k): str(v).strip() for k, v in (replacements or {}).items() if str(v).strip()}
    if any(pk not in {ln.pk for ln in lines} for pk in replacements):
        raise _error("exchange_sku_unknown", sku=", ".join(replacements.values()))
    variants = get_variants_by_sku(list(replacements.values()))
    inputs, credit_total = [], Decimal("0.00")
    for line in lines:
        old = line.order_line
        sku = replacements.get(line.pk, old.sku)
        variant = variants.get(sku) if line.pk in replacements else old.variant
        if variant is None or not variant.is_active:
            raise _error("exchange_sku_unknown", sku=sku)
        if old.variant is None or variant.product_id != old.variant.product_id:
            raise _error("exchange_other_product", sku=sku)
        price = variant.selling_price * line.quantity
        credit = min(price, old.paid_for(line.quantity))
        credit_total += credit
        inputs.append(
            LineInput(
                variant_id=variant.pk,
                product_id=variant.product_id,
                sku=variant.sku,
                product_name=old.product_name,
                variant_label=variant.option_label,
                unit_price=variant.selling_price,
                quantity=line.quantity,
                discount_total=credit,
            )
        )
    new = create_order(
        customer=order.customer,
        email=order.email,
        lines=inputs,
        address=AddressInput(
            name=order.ship_name,
            phone=order.ship_phone,
            country=order.ship_country,
            province=order.ship_province,
            city=order.ship_city,
            line1=order.ship_line1,
            postcode=order.ship_postcode,
            district=order.ship_district,
            line2=order.ship_line2,
        ),
        shipping_method=order.shipping_method,
        payment_method=order.payment_method,
        pays_on_delivery=order.pays_on_delivery,
        shipping_total=Decimal("0.00"),
        language=order.language,
        ip_address=ip_address,
        note=str(_("换货：售后单 %(number)s") % {"number": current.number})[:500],
        channel=order.channel,
        discount_total=credit_total,
    )
    if ReturnRequest.objects.filter(pk=current.pk, replacement_order__isnull=True).update(replacement_order=new) != 1:
        raise ConflictError(str(MESSAGES["return_changed"]), code="return_changed")
    wanted: dict[int, int] = {}
    for ln in inputs:
        wanted[ln.variant_id] = wanted.get(ln.variant_id, 0) + ln.quantity
    reserve_stock(reference=new.number, wanted=wanted, actor=actor)  # short -> 409 naming the SKU, all undone
    if new.grand_total == 0:
        transition_order(
            order=new, action=OrderAction.MARK_PAID, actor=actor, reason=current.number, ip_address=ip_address
        )
    ReturnHistory.objects.create(
        request=current,
        action="exchange_order",
        from_status=current.status,
        to_status=current.status,
        actor_label=_label(actor),
        note=new.number,
        created_at=clock.now(),
    )
    record_audit(
        actor=actor,
        action="return.exchange_order",
        obj=current,
        ip_address=ip_address,
        changes={"replacement_order": ("", new.number), "to_pay": ("", str(new.grand_total))},
    )
    request.replacement_order = new
    return new
