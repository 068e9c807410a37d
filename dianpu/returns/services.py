"""After-sales use cases. Each step moves a request by a conditional UPDATE on its old status
(two agents clicking at once: one wins, the other is told), writes a history row and the audit
log. Stock comes back only through inventory.adjust_stock (kind "return"); money only through
payments.refund_order."""

import logging
import secrets
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum

from dianpu.audit.services import record_audit
from dianpu.core import clock
from dianpu.core.errors import ConflictError, DomainError, NotFoundError, ValidationFailed
from dianpu.fulfillment.services import validate_tracking
from dianpu.inventory.models import StockMove
from dianpu.inventory.services import adjust_stock
from dianpu.payments.services import refund_order

from .domain.rules import REASONS, OrderForReturn, check_lines, check_request
from .domain.states import COUNTED_STATUSES, Action, Kind, ReturnRefused, Status, next_status
from .messages import ACTION_LABELS, MESSAGES
from .models import ReturnHistory, ReturnLine, ReturnRequest
from .queries import calculate_refund_due

log = logging.getLogger(__name__)


def _error(code: str, http_status: int = 422, **params) -> DomainError:
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


def _person(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _label(actor, fallback: str = "system") -> str:
    return actor.get_username() if _person(actor) else fallback


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
def request_return(*, order, kind: str, reason: str, lines: dict[int, int], reason_detail: str = "",
                   actor=None, source: str = ReturnRequest.Source.AGENT,
                   ip_address: str | None = None) -> ReturnRequest:
    """Open an after-sales request for some lines of an order (`lines`: order line id -> quantity).

    Refused (422, nothing written): an unknown kind or reason, an order outside the rules
    (refund-only before shipping; returns and exchanges after delivery; within the return window
    after delivery), quantities beyond what was bought less what is already in other requests."""
    now = clock.now()
    problem = check_request(kind, OrderForReturn(status=order.status, is_paid=order.paid_at is not None,
                                                 delivered_at=order.delivered_at),
                            now=now, window_days=settings.RETURN_WINDOW_DAYS)
    if problem:
        raise _error(problem, days=settings.RETURN_WINDOW_DAYS)
    if reason not in REASONS:
        raise _error("return_reason_unknown")
    # Lock the order's requests' lines by locking the order row: two requests for the same units
    # cannot both pass the quantity check.
    type(order).objects.select_for_update().filter(pk=order.pk).first()
    ordered = {ln.pk: ln.quantity for ln in order.lines.all()}
    already = dict(ReturnLine.objects.filter(request__order=order, request__status__in=[s.value for s in COUNTED_STATUSES])
                   .values("order_line_id").annotate(n=Sum("quantity")).values_list("order_line_id", "n"))
    wanted = {int(k): int(v) for k, v in lines.items() if int(v) != 0}
    errors = check_lines(wanted, ordered, already)
    if errors:
        first = next(iter(errors.values()))
        raise ValidationFailed({f"lines.{k}": str(MESSAGES[v]) for k, v in errors.items()}, detail=str(MESSAGES[first]))
    for _attempt in range(10):
        try:
            with transaction.atomic():
                request = ReturnRequest.objects.create(
                    number=f"RT{now:%y%m%d}{secrets.randbelow(10**6):06d}", order=order, kind=kind,
                    reason=reason, reason_detail=reason_detail[:500], source=source,
                    created_by=_person(actor), created_at=now)
            break
        except IntegrityError:
            continue
    else:
        raise ConflictError(code="return_number_exhausted")
    ReturnLine.objects.bulk_create([ReturnLine(request=request, order_line_id=k, quantity=v) for k, v in wanted.items()])
    ReturnHistory.objects.create(request=request, action="request", to_status=request.status,
                                 actor_label=_label(actor, order.email), note=reason_detail[:500], created_at=now)
    record_audit(actor=actor, action="return.requested", obj=request, object_repr=f"{request.number} ({order.number})",
                 changes={"status": (None, request.status), "kind": (None, kind)}, reason=reason_detail,
                 ip_address=ip_address)
    return request


def _move(request: ReturnRequest, action: str, *, actor=None, note: str = "", ip_address=None,
          **fields) -> ReturnRequest:
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
    ReturnHistory.objects.create(request=request, action=action, from_status=from_status, to_status=target.value,
                                 actor_label=_label(actor), note=note[:500], created_at=now)
    record_audit(actor=actor, action=f"return.{action}", obj=request,
                 changes={"status": (from_status, target.value)}, reason=note, ip_address=ip_address)
    return request


@transaction.atomic
def approve_return(*, request: ReturnRequest, actor=None, note: str = "", ip_address=None) -> ReturnRequest:
    now = clock.now()
    _move(request, Action.APPROVE, actor=actor, note=note, ip_address=ip_address, decided_at=now,
          decided_by=_person(actor), decision_note=note[:500])
    transaction.on_commit(lambda: _notify(request.pk, "return_approved"))
    return request


@transaction.atomic
def reject_return(*, request: ReturnRequest, actor=None, note: str = "", ip_address=None) -> ReturnRequest:
    if not note.strip():
        raise _error("reject_reason_required")
    return _move(request, Action.REJECT, actor=actor, note=note, ip_address=ip_address, decided_at=clock.now(),
                 decided_by=_person(actor), decision_note=note[:500])


@transaction.atomic
def cancel_return(*, request: ReturnRequest, actor=None, note: str = "", ip_address=None) -> ReturnRequest:
    return _move(request, Action.CANCEL, actor=actor, note=note, ip_address=ip_address, closed_at=clock.now())


@transaction.atomic
def record_return_shipment(*, request: ReturnRequest, carrier: str, tracking_number: str, actor=None,
                           ip_address=None) -> ReturnRequest:
    """The buyer sent the goods back: the parcel's carrier and tracking number."""
    if request.kind == Kind.REFUND_ONLY:
        raise _error("refund_only_keeps_goods")
    carrier, tracking_number = validate_tracking(carrier, tracking_number)
    return _move(request, Action.SHIP_BACK, actor=actor, note=f"{carrier} {tracking_number}", ip_address=ip_address,
                 carrier=carrier, tracking_number=tracking_number, shipped_back_at=clock.now())


@transaction.atomic
def receive_return(*, request: ReturnRequest, inspections: dict[int, tuple[int, int, str]], actor=None,
                   ip_address=None) -> ReturnRequest:
    """Goods arrived and were inspected: per return line (restocked, written off, note). Every
    unit is either restocked (back on hand: a `return` move on the stock ledger) or written off."""
    lines = list(request.lines.select_related("order_line__variant"))
    for line in lines:
        restock, write_off, _note = inspections.get(line.pk, (0, 0, ""))
        if restock < 0 or write_off < 0 or restock + write_off != line.quantity:
            raise _error("inspection_incomplete", sku=line.order_line.sku, quantity=line.quantity)
    _move(request, Action.RECEIVE, actor=actor, ip_address=ip_address, received_at=clock.now())
    for line in lines:
        restock, write_off, note = inspections[line.pk]
        ReturnLine.objects.filter(pk=line.pk).update(restocked_quantity=restock, written_off_quantity=write_off,
                                                     inspection_note=(note or "")[:300])
        variant = line.order_line.variant
        if restock and variant is not None:
            adjust_stock(variant=variant, delta=restock, reason=f"{request.number} {request.get_reason_display()}",
                         actor=actor, kind=StockMove.Kind.RETURN, reference=request.number, ip_address=ip_address)
    return request


def refund_return(*, request: ReturnRequest, include_shipping: bool = False, amount=None, manual: bool = False,
                  actor=None, ip_address=None) -> ReturnRequest:
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
        refund = refund_order(order=request.order, amount=amount, shipping_amount=shipping, manual=manual,
                              reason=f"{request.number} {request.get_reason_display()}", actor=actor,
                              ip_address=ip_address)
    except DomainError:
        with transaction.atomic():
            ReturnRequest.objects.filter(pk=request.pk, status=Status.REFUNDED).update(status=from_status,
                                                                                       refunded_at=None)
            ReturnHistory.objects.create(request=request, action="refund_failed", from_status=Status.REFUNDED,
                                         to_status=from_status, actor_label=_label(actor), created_at=clock.now())
        request.status = from_status
        raise
    ReturnRequest.objects.filter(pk=request.pk).update(refund=refund)
    request.refund = refund  # the buyer hears of it from orders (OrderRefunded -> "refund_made")
    return request


@transaction.atomic
def close_return(*, request: ReturnRequest, actor=None, note: str = "", ip_address=None) -> ReturnRequest:
    return _move(request, Action.CLOSE, actor=actor, note=note, ip_address=ip_address, closed_at=clock.now())
