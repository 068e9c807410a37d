"""Payment use cases: money received, online payments started and confirmed by verified gateway
notifications, refunds (through the gateway that took the money, or recorded as manual).

The money rule: an order's refunds never add up to more than was paid for it. Each refund first
reserves its amount on the payment by one conditional UPDATE in whole fen
(refunded_fen + amount_fen_of_refund <= amount_fen: exact on SQLite too, which compares decimals as floats),
then asks the gateway; a refusal gives the reservation back. No card data is ever stored.
"""

import json
import logging
import time
from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from dianpu import events
from dianpu.audit.services import record_audit
from dianpu.core import clock
from dianpu.core.actors import Actor, person_of
from dianpu.core.errors import DomainError
from dianpu.core.money import to_fen
from dianpu.core.outbound import ensure_outside_transaction

from .domain.alipay import verify_alipay_notification
from .domain.amounts import CENT, from_minor_units
from .domain.rsa import KeyFormatError, parse_public_key
from .domain.signatures import SignatureRefused, verify_stripe_signature
from .domain.wechatpay import decrypt_resource, verify_signed
from .gateways import GATEWAYS, GatewayError, PaymentStart, get_any_gateway, get_gateway
from .gateways.wechatpay import WeChatPayGateway, apiv3_key, platform_public_key
from .messages import MESSAGES
from .models import GatewayEvent, Payment, PaymentSession, Refund

log = logging.getLogger(__name__)


class OrderRef(Protocol):
    """What a refund needs of an orders.Order (payments sits below orders and may not import it)."""

    @property
    def pk(self) -> Any: ...

    @property
    def number(self) -> str: ...


@transaction.atomic
def record_payment(
    *, order_id: int, gateway: str, amount: Decimal, reference: str = "", actor: Actor = None
) -> Payment:
    """Money received for an order (staff confirming a transfer, a courier's COD collection, a
    gateway's verified notification)."""
    return Payment.objects.create(
        order_id=order_id,
        gateway=gateway,
        amount=amount,
        reference=reference,
        recorded_by=person_of(actor),
        created_at=clock.now(),
    )


# Until the gateway has answered, an attempt's session holds its idempotency key as reference.
ATTEMPT_PREFIX = "dianpu-order-"


def _unavailable() -> DomainError:
    return DomainError(str(MESSAGES["payment_gateway_unavailable"]), code="payment_gateway_unavailable", status=502)


def _open_attempt(*, gateway: str, order_id: int, order_number: str, amount: Decimal) -> PaymentSession:
    """A new attempt to pay at an online gateway, keyed `dianpu-order-<number>[-<n>]`. Two buyers'
    clicks at once count the same n and so share one row (the reference is unique)."""
    n = PaymentSession.objects.filter(order_id=order_id, gateway=gateway).count() + 1
    key = f"{ATTEMPT_PREFIX}{order_number}" + (f"-{n}" if n > 1 else "")
    now = clock.now()
    try:
        with transaction.atomic():
            return PaymentSession.objects.create(
                gateway=gateway,
                reference=key,
                order_id=order_id,
                order_number=order_number,
                amount=amount,
                status=PaymentSession.Status.STARTING,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:
        return PaymentSession.objects.get(gateway=gateway, reference=key)


def start_payment(
    *,
    payment_method: str,
    order_id: int,
    order_number: str,
    amount: Decimal,
    email: str,
    language: str,
    client_ip: str = "",
    mobile: bool = False,
    openid: str = "",
) -> PaymentStart:
    """What the buyer needs to pay a placed order: instructions (bank transfer), or the payment
    made at an online gateway (a Stripe PaymentIntent, a WeChat Pay QR code) whose id we keep.

    Called after the order is committed, never inside a transaction: the gateway is on the
    network and may take seconds. Safe to call again ("pay again"): while the last attempt's
    outcome is unknown (timeout) the same idempotency key is sent, so the gateway returns the
    payment it may already have made; a payment already started is fetched, not made twice.
    Raises payment_gateway_unavailable (502) and leaves the order awaiting payment."""
    gateway = get_gateway(payment_method)
    if gateway is None:
        raise DomainError(str(MESSAGES["payment_method_unavailable"]), code="payment_method_unavailable", status=409)
    if gateway.offline:
        return gateway.start_payment(order_number=order_number, amount=amount, email=email, language=language)
    ensure_outside_transaction(f"{gateway.code} payment of {order_number}")
    latest = PaymentSession.objects.filter(order_id=order_id, gateway=gateway.code).order_by("-id").first()
    if latest is not None and latest.status == PaymentSession.Status.SUCCEEDED:
        raise DomainError(str(MESSAGES["payment_already_made"]), code="payment_already_made", status=409)
    if (
        latest is not None
        and latest.status != PaymentSession.Status.STARTING
        and not latest.reference.startswith(ATTEMPT_PREFIX)
    ):
        try:  # started before: the same payment again
            return gateway.resume_payment(
                reference=latest.reference,
                order_number=order_number,
                amount=amount,
                language=language,
                client_ip=client_ip,
                mobile=mobile,
                openid=openid,
            )
        except GatewayError:
            raise _unavailable() from None
    if latest is not None and latest.status == PaymentSession.Status.STARTING:
        session = latest  # its outcome is unknown: ask again with the same key
    else:
        session = _open_attempt(gateway=gateway.code, order_id=order_id, order_number=order_number, amount=amount)
    try:
        start = gateway.start_payment(
            order_number=order_number,
            amount=amount,
            email=email,
            language=language,
            idempotency_key=session.reference,
            client_ip=client_ip,
            mobile=mobile,
            openid=openid,
        )
    except GatewayError as exc:
        log.warning(
            "payment could not be started",
            extra={"order_number": order_number, "gateway": gateway.code, "answered": exc.answered, "code": exc.code},
        )
        if exc.answered:  # refused: nothing was made there; the next attempt is a new one
            PaymentSession.objects.filter(pk=session.pk, status=PaymentSession.Status.STARTING).update(
                status=PaymentSession.Status.FAILED, updated_at=clock.now()
            )
        raise _unavailable() from None
    try:
        with transaction.atomic():
            PaymentSession.objects.filter(pk=session.pk, status=PaymentSession.Status.STARTING).update(
                reference=start.reference[:100], status=PaymentSession.Status.PENDING, updated_at=clock.now()
            )
    except IntegrityError:  # the gateway's id is known already (an earlier attempt with the same id)
        PaymentSession.objects.filter(pk=session.pk, status=PaymentSession.Status.STARTING).delete()
    return start


def identify_wechat_payer(code: str) -> str:
    """The openid of the buyer whose WeChat browser came back from WeChat's web OAuth with `code`
    (for a JSAPI payment). Raises wechat_oauth_failed (502) when WeChat refuses or does not answer."""
    gateway = get_gateway("wechatpay")
    if not isinstance(gateway, WeChatPayGateway) or not gateway.offers_jsapi():
        raise DomainError(str(MESSAGES["payment_method_unavailable"]), code="payment_method_unavailable", status=409)
    try:
        return gateway.fetch_openid(code)
    except GatewayError:
        raise DomainError(str(MESSAGES["wechat_oauth_failed"]), code="wechat_oauth_failed", status=502) from None


# --- refunds ---------------------------------------------------------------------------------
def _mirror_fen(payment_id: int) -> None:
    """Copy a payment's fen into its decimal columns, exactly (no float arithmetic in SQL). Called
    right after the guarded UPDATE of the fen, whose row lock the transaction still holds."""
    amount_fen, refunded_fen = Payment.objects.filter(pk=payment_id).values_list("amount_fen", "refunded_fen").get()
    Payment.objects.filter(pk=payment_id).update(
        amount=from_minor_units(amount_fen), refunded_total=from_minor_units(refunded_fen)
    )


@transaction.atomic
def _move_refunded(payment_id: int, delta_fen: int) -> bool:
    """Add `delta_fen` (negative: give back) to what is refunded of a payment, by one conditional
    UPDATE in whole fen: never above what was paid, never below zero. False: it did not fit."""
    rows = Payment.objects.filter(pk=payment_id)
    if delta_fen >= 0:
        rows = rows.filter(refunded_fen__lte=F("amount_fen") - delta_fen)
    else:
        rows = rows.filter(refunded_fen__gte=-delta_fen)
    if rows.update(refunded_fen=F("refunded_fen") + delta_fen) != 1:
        return False
    _mirror_fen(payment_id)
    return True


def _refund_error(code: str, status: int = 422, **params: object) -> DomainError:
    text = str(MESSAGES[code])
    if params:
        text = text % params
    return DomainError(text, code=code, status=status)


def _clean_amount(value: object, code: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise _refund_error(code) from None
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise _refund_error(code)
    return amount.quantize(CENT)


@transaction.atomic
def _reserve_refund(
    *,
    order: OrderRef,
    amount: Decimal,
    shipping_amount: Decimal,
    reason: str,
    actor: Actor,
    manual: bool,
    ip_address: str | None,
    idempotency_key: str = "",
) -> Refund:
    payments = list(Payment.objects.filter(order_id=order.pk).order_by("created_at", "id"))
    if not payments:
        raise _refund_error("order_not_paid")
    paid = sum((p.amount for p in payments), Decimal("0.00"))
    refunded = sum((p.refunded_total for p in payments), Decimal("0.00"))
    payment = next((p for p in reversed(payments) if p.refundable >= amount), None)
    # One statement decides: of two concurrent refunds only those that still fit are reserved.
    if payment is None or not _move_refunded(payment.pk, to_fen(amount)):
        refunded = sum(
            Payment.objects.filter(order_id=order.pk).values_list("refunded_total", flat=True), Decimal("0.00")
        )
        raise _refund_error(
            "refund_exceeds_paid",
            amount=amount,
            refundable=max(paid - refunded, Decimal("0.00")),
            paid=paid,
            refunded=refunded,
        )
    gateway = get_any_gateway(payment.gateway)
    manual = manual or gateway is None or not gateway.refunds_online
    now = clock.now()
    refund = Refund.objects.create(
        order_id=order.pk,
        payment=payment,
        gateway=payment.gateway,
        amount=amount,
        shipping_amount=shipping_amount,
        reason=reason[:300],
        status=Refund.Status.SUCCEEDED if manual else Refund.Status.PENDING,
        manual=manual,
        idempotency_key=idempotency_key[:100],
        created_by=person_of(actor),
        created_at=now,
    )
    record_audit(
        actor=actor,
        action="payment.refund_requested" if not manual else "payment.refunded",
        obj=refund,
        object_repr=f"{order.number} ¥{amount}",
        changes={"amount": (None, amount), "status": (None, refund.status)},
        reason=reason,
        ip_address=ip_address,
    )
    if manual:
        _refunded(refund, order_number=order.number)
    return refund


def _refunded(refund: Refund, *, order_number: str) -> None:
    """The money is back with the buyer: the payment may be fully refunded, analytics hears it."""
    if refund.payment_id is not None:
        Payment.objects.filter(pk=refund.payment_id, refunded_fen=F("amount_fen")).update(
            status=Payment.Status.REFUNDED
        )
    events.publish(events.OrderRefunded(refund.order_id, order_number, refund.pk, refund.amount, refund.created_at))


@transaction.atomic
def settle_refund(*, refund_id: int, status: str, reference: str = "", actor: Actor = None) -> Refund | None:
    """The gateway's answer for a pending refund: succeeded (money back), failed/canceled
    (the reservation is given back), pending (just note its id). Safe to call twice."""
    refund = Refund.objects.select_related("order").filter(pk=refund_id).first()
    if refund is None:
        return None
    pending = Refund.objects.filter(pk=refund.pk, status=Refund.Status.PENDING)
    if status == "succeeded":
        if (
            pending.update(
                status=Refund.Status.SUCCEEDED, reference=reference or refund.reference, created_at=clock.now()
            )
            == 1
        ):
            refund.refresh_from_db()
            record_audit(
                actor=actor,
                action="payment.refunded",
                obj=refund,
                object_repr=f"{refund.order.number}",
                changes={"status": ("pending", "succeeded"), "reference": ("", refund.reference)},
            )
            _refunded(refund, order_number=refund.order.number)
    elif status in ("failed", "canceled"):
        if pending.update(status=Refund.Status.FAILED, reference=reference or refund.reference) == 1:
            if refund.payment_id is not None:
                _move_refunded(refund.payment_id, -to_fen(refund.amount))
            refund.refresh_from_db()
            record_audit(
                actor=actor,
                action="payment.refund_failed",
                obj=refund,
                object_repr=f"{refund.order.number}",
                changes={"status": ("pending", "failed")},
            )
    elif reference and not refund.reference:
        Refund.objects.filter(pk=refund.pk, reference="").update(reference=reference)
        refund.reference = reference
    return refund


def _gateway_reference(payment: Payment) -> str:
    """The gateway's id of the payment. A Stripe order marked paid by hand has the staff's note as
    its reference; its PaymentIntent is then the one we created for the order."""
    if payment.gateway == "stripe" and not payment.reference.startswith("pi_"):
        session = PaymentSession.objects.filter(order_id=payment.order_id, gateway="stripe").order_by("-id").first()
        if session is not None:
            return session.reference
    return payment.reference


def refund_order(
    *,
    order: OrderRef,
    amount: object,
    reason: str = "",
    shipping_amount: object = Decimal("0.00"),
    actor: Actor = None,
    manual: bool = False,
    ip_address: str | None = None,
    idempotency_key: str = "",
) -> Refund:
    """Give money back for an order, through the gateway of its payment (Stripe: a refund of the
    PaymentIntent) or recorded as manual (bank transfer, cash on delivery, or `manual=True`).

    Refused with nothing moved: an amount that is not positive (refund_amount_invalid), an order
    with no payment (order_not_paid), more than is left to refund (refund_exceeds_paid, also when
    concurrent refunds would together exceed it), a gateway refusal (refund_gateway_refused).
    With an `idempotency_key`, the same request repeated returns the refund it made the first time.
    """
    if idempotency_key:
        earlier = Refund.objects.filter(order_id=order.pk, idempotency_key=idempotency_key[:100]).first()
        if earlier is not None:
            return earlier
    amount = _clean_amount(amount, "refund_amount_invalid")
    if amount <= 0:
        raise _refund_error("refund_amount_invalid")
    shipping_amount = _clean_amount(shipping_amount or 0, "refund_shipping_invalid")
    if shipping_amount < 0 or shipping_amount > amount:
        raise _refund_error("refund_shipping_invalid")
    try:
        refund = _reserve_refund(
            order=order,
            amount=amount,
            shipping_amount=shipping_amount,
            reason=reason or "",
            actor=actor,
            manual=manual,
            ip_address=ip_address,
            idempotency_key=idempotency_key or "",
        )
    except IntegrityError:
        if not idempotency_key:
            raise
        return Refund.objects.get(order_id=order.pk, idempotency_key=idempotency_key[:100])  # the same request, at once
    if refund.status != Refund.Status.PENDING:
        return refund
    gateway = get_any_gateway(refund.gateway)
    if gateway is None or refund.payment is None:  # nothing to send it through: a person settles it
        return refund
    try:
        answer = gateway.refund(
            payment_reference=_gateway_reference(refund.payment),
            amount=amount,
            idempotency_key=f"dianpu-refund-{refund.pk}",
            metadata={"dianpu_refund_id": refund.pk, "order_number": order.number},
        )
    except GatewayError as exc:
        if not exc.answered:  # unknown outcome: stays pending until the gateway's notification
            return refund
        settle_refund(refund_id=refund.pk, status="failed", actor=actor)
        raise _refund_error("refund_gateway_refused", status=502, reason=str(exc)) from None
    if answer is None:  # a gateway without online refunds: a person settles it
        return refund
    return settle_refund(refund_id=refund.pk, status=answer.status, reference=answer.reference, actor=actor) or refund


def reconcile_pending_refunds(*, older_than_minutes: int = 10) -> int:
    """Refunds left pending because the gateway's answer was lost: ask the gateway what became
    of them (matched by our refund id in its metadata) and settle them. Returns how many settled."""
    cutoff = clock.now() - timedelta(minutes=older_than_minutes)
    settled = 0
    pending = Refund.objects.filter(status=Refund.Status.PENDING, manual=False, created_at__lt=cutoff)
    for payment_id in pending.values_list("payment_id", flat=True).distinct():
        payment = Payment.objects.filter(pk=payment_id).first()
        gateway = get_any_gateway(payment.gateway) if payment else None
        if payment is None or gateway is None or not gateway.lists_refunds:
            continue  # left pending for a person to check in the gateway's console
        try:
            known = {
                str(r.metadata.get("dianpu_refund_id", "")): r
                for r in gateway.list_refunds(payment_reference=payment.reference)
            }
        except GatewayError:
            log.warning("could not reconcile refunds", extra={"payment_id": payment_id})
            continue
        for refund in pending.filter(payment_id=payment_id):
            answer = known.get(str(refund.pk))
            if answer is not None:
                settle_refund(refund_id=refund.pk, status=answer.status, reference=answer.reference)
                settled += answer.status in ("succeeded", "failed", "canceled")
            elif refund.created_at < clock.now() - timedelta(hours=24):
                settle_refund(refund_id=refund.pk, status="failed")  # the gateway never received it
                settled += 1
    return settled


# --- gateway notifications -------------------------------------------------------------------
def handle_stripe_webhook(*, payload: bytes, signature_header: str, ip_address: str | None = None) -> str:
    """Verify a Stripe event and act on it once. Returns what was done (paid, duplicate, …).

    A missing, wrong or stale signature is refused (400, logged) and changes nothing. The event
    id is stored with the change it caused, in one transaction: delivered again, it is a no-op.
    """
    try:
        verify_stripe_signature(
            payload=payload,
            header=signature_header,
            now=time.time(),
            secret=getattr(settings, "STRIPE_WEBHOOK_SECRET", ""),
        )
    except SignatureRefused as exc:
        log.warning("stripe webhook refused: %s", exc.code, extra={"ip_address": ip_address})
        raise DomainError(str(MESSAGES[exc.code]), code=exc.code, status=400) from None
    try:
        event = json.loads(payload.decode())
        event_id, event_type, obj = str(event["id"]), str(event["type"]), event["data"]["object"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise DomainError(str(MESSAGES["webhook_malformed"]), code="webhook_malformed", status=400) from None
    return _apply_stripe_event(event_id, event_type, obj)


@transaction.atomic
def _apply_stripe_event(event_id: str, event_type: str, obj: dict[str, Any]) -> str:
    try:
        with transaction.atomic():
            record = GatewayEvent.objects.create(
                gateway="stripe",
                event_id=event_id,
                event_type=event_type[:60],
                reference=str(obj.get("id", ""))[:100],
                received_at=clock.now(),
            )
    except IntegrityError:
        return "duplicate"
    handler = STRIPE_EVENT_HANDLERS.get(event_type)
    try:
        outcome = handler(obj) if handler else "ignored"
    except _Deferred as deferred:
        # Arrived before the payment it refunds: kept, and replayed when that payment is confirmed.
        GatewayEvent.objects.filter(pk=record.pk).update(
            outcome="deferred", reference=deferred.reference[:100], payload=obj
        )
        return "deferred"
    GatewayEvent.objects.filter(pk=record.pk).update(outcome=outcome)
    return outcome


class _Deferred(Exception):
    def __init__(self, reference: str):
        super().__init__(reference)
        self.reference = reference


def _replay_deferred(reference: str) -> None:
    for record in GatewayEvent.objects.filter(gateway="stripe", outcome="deferred", reference=reference).order_by("id"):
        try:
            outcome = STRIPE_EVENT_HANDLERS[record.event_type](record.payload)
        except _Deferred:
            continue
        GatewayEvent.objects.filter(pk=record.pk).update(outcome=f"replayed:{outcome}"[:40], payload={})


def _on_intent_succeeded(intent: dict[str, Any]) -> str:
    reference = str(intent.get("id", ""))
    session = PaymentSession.objects.filter(gateway="stripe", reference=reference).first()
    order_number = str((intent.get("metadata") or {}).get("order_number", ""))
    if session is None and not order_number:
        log.warning("stripe payment for no known order", extra={"reference": reference})
        return "unknown_payment"
    now = clock.now()
    if session is not None:
        # Pending/failed -> succeeded once; a later "failed" never undoes it (see _on_intent_failed).
        if (
            PaymentSession.objects.filter(pk=session.pk)
            .exclude(status=PaymentSession.Status.SUCCEEDED)
            .update(status=PaymentSession.Status.SUCCEEDED, updated_at=now)
            != 1
        ):
            return "already_paid"
        order_number = session.order_number
    amount = from_minor_units(intent.get("amount_received") or intent.get("amount") or 0)
    events.publish(
        events.PaymentConfirmed(
            order_id=session.order_id if session else None,
            order_number=order_number,
            gateway="stripe",
            reference=reference,
            amount=amount,
            currency=str(intent.get("currency", "")).upper(),
            confirmed_at=now,
        )
    )
    _replay_deferred(reference)
    return "confirmed"


def _on_intent_failed(intent: dict[str, Any]) -> str:
    updated = PaymentSession.objects.filter(
        gateway="stripe", reference=str(intent.get("id", "")), status=PaymentSession.Status.PENDING
    ).update(status=PaymentSession.Status.FAILED, updated_at=clock.now())
    return "failed" if updated else "ignored"


def _sync_refund(data: dict[str, Any], payment_intent: str) -> str:
    """A refund as Stripe reports it: settle ours, or record one made in Stripe's dashboard."""
    reference, status = str(data.get("id", "")), str(data.get("status", ""))
    ours_id = (data.get("metadata") or {}).get("dianpu_refund_id")
    ours = Refund.objects.filter(gateway="stripe", reference=reference).first() if reference else None
    if ours is None and ours_id and str(ours_id).isdigit():
        ours = Refund.objects.filter(pk=int(ours_id), gateway="stripe").first()
    if ours is not None:
        settle_refund(refund_id=ours.pk, status=status, reference=reference)
        return f"refund_{status}"
    if status != "succeeded":
        return "ignored"
    payment = Payment.objects.select_for_update().filter(gateway="stripe", reference=payment_intent).first()
    if payment is None:  # the payment's own notification has not arrived yet
        raise _Deferred(payment_intent)
    if Refund.objects.filter(gateway="stripe", reference=reference).exists():
        return "refund_known"
    amount = from_minor_units(data.get("amount") or 0)
    if amount <= 0 or not _move_refunded(payment.pk, to_fen(amount)):
        log.error("stripe refund exceeds what we recorded as paid", extra={"reference": reference})
        return "refund_exceeds_paid"
    refund = Refund.objects.create(
        order_id=payment.order_id,
        payment=payment,
        gateway="stripe",
        amount=amount,
        reason="Stripe",
        status=Refund.Status.SUCCEEDED,
        reference=reference,
        created_at=clock.now(),
    )
    record_audit(actor=None, action="payment.refunded", obj=refund, changes={"amount": (None, amount)}, reason="Stripe")
    _refunded(refund, order_number=refund.order.number)
    return "refund_recorded"


def _on_charge_refunded(charge: dict[str, Any]) -> str:
    refunds = (charge.get("refunds") or {}).get("data") or []
    outcomes = [_sync_refund(r, str(charge.get("payment_intent", ""))) for r in refunds]
    return ",".join(outcomes)[:40] or "ignored"


def _on_refund(refund: dict[str, Any]) -> str:
    return _sync_refund(refund, str(refund.get("payment_intent", "")))


STRIPE_EVENT_HANDLERS = {
    "payment_intent.succeeded": _on_intent_succeeded,
    "payment_intent.payment_failed": _on_intent_failed,
    "payment_intent.canceled": _on_intent_failed,
    "charge.refunded": _on_charge_refunded,
    "refund.created": _on_refund,
    "refund.updated": _on_refund,
    "refund.failed": _on_refund,
    "charge.refund.updated": _on_refund,
}


def handle_alipay_notification(*, params: dict[str, Any], ip_address: str | None = None) -> str:
    """Verify an Alipay asynchronous notification (RSA2 with Alipay's public key, our app id) and
    act on it once (keyed by notify_id). TRADE_SUCCESS / TRADE_FINISHED confirm the payment of
    out_trade_no (the order number) for total_amount; TRADE_CLOSED marks the attempt failed."""
    try:
        verify_alipay_notification(params, parse_public_key(getattr(settings, "ALIPAY_PUBLIC_KEY", "")))
        if params.get("app_id") != settings.ALIPAY_APP_ID:
            raise SignatureRefused("signature_mismatch")
    except (SignatureRefused, KeyFormatError) as exc:
        code = getattr(exc, "code", "signature_missing")
        log.warning("alipay notification refused: %s", code, extra={"ip_address": ip_address})
        raise DomainError(str(MESSAGES[code]), code=code, status=400) from None
    event_id = params.get("notify_id") or f"{params.get('trade_no', '')}:{params.get('trade_status', '')}"
    return _apply_alipay_notification(event_id, params)


@transaction.atomic
def _apply_alipay_notification(event_id: str, params: dict[str, Any]) -> str:
    try:
        with transaction.atomic():
            GatewayEvent.objects.create(
                gateway="alipay",
                event_id=event_id[:100],
                event_type=str(params.get("trade_status", ""))[:60],
                reference=str(params.get("trade_no", ""))[:100],
                received_at=clock.now(),
            )
    except IntegrityError:
        return "duplicate"
    order_number, status = str(params.get("out_trade_no", "")), params.get("trade_status", "")
    session = PaymentSession.objects.filter(gateway="alipay", reference=order_number).first()
    now = clock.now()
    if status == "TRADE_CLOSED":
        PaymentSession.objects.filter(
            gateway="alipay", reference=order_number, status=PaymentSession.Status.PENDING
        ).update(status=PaymentSession.Status.FAILED, updated_at=now)
        return "failed"
    if status not in ("TRADE_SUCCESS", "TRADE_FINISHED"):
        return "ignored"
    if (
        session is not None
        and PaymentSession.objects.filter(pk=session.pk)
        .exclude(status=PaymentSession.Status.SUCCEEDED)
        .update(status=PaymentSession.Status.SUCCEEDED, updated_at=now)
        != 1
    ):
        return "already_paid"
    try:
        amount = _clean_amount(params.get("total_amount", ""), "webhook_malformed")
    except DomainError:
        amount = Decimal("0.00")
    events.publish(
        events.PaymentConfirmed(
            order_id=session.order_id if session else None,
            order_number=order_number,
            gateway="alipay",
            reference=str(params.get("trade_no", ""))[:100],
            amount=amount,
            currency="CNY",
            confirmed_at=now,
        )
    )
    return "confirmed"


def handle_wechatpay_notification(*, payload: bytes, headers: Mapping[str, str], ip_address: str | None = None) -> str:
    """Verify a WeChat Pay API v3 notification (Wechatpay-Signature by the platform key whose
    serial we hold, at most 5 minutes old), decrypt its resource with the APIv3 key, and act on
    it once (keyed by the notification id). TRANSACTION.SUCCESS confirms the payment of
    out_trade_no (the order number) for amount.total fen; REFUND.* settle our refund of that
    out_refund_no. A refused one changes nothing and is answered 400 (WeChat Pay retries)."""
    try:
        verify_signed(
            timestamp=headers.get("Wechatpay-Timestamp", ""),
            nonce=headers.get("Wechatpay-Nonce", ""),
            signature=headers.get("Wechatpay-Signature", ""),
            serial=headers.get("Wechatpay-Serial", ""),
            body=payload,
            key=platform_public_key(),
            expected_serial=getattr(settings, "WECHATPAY_PLATFORM_SERIAL", ""),
            now=time.time(),
        )
        notification = json.loads(payload.decode())
        data = decrypt_resource(notification.get("resource"), key=apiv3_key())
        event_id, event_type = str(notification["id"]), str(notification["event_type"])
    except (SignatureRefused, KeyFormatError) as exc:
        code = getattr(exc, "code", "signature_missing")
        log.warning("wechatpay notification refused: %s", code, extra={"ip_address": ip_address})
        raise DomainError(str(MESSAGES[code]), code=code, status=400) from None
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        raise DomainError(str(MESSAGES["webhook_malformed"]), code="webhook_malformed", status=400) from None
    if str(data.get("mchid", settings.WECHATPAY_MCHID)) != settings.WECHATPAY_MCHID:
        log.warning("wechatpay notification for another merchant", extra={"ip_address": ip_address})
        raise DomainError(str(MESSAGES["signature_mismatch"]), code="signature_mismatch", status=400)
    return _apply_wechatpay_event(event_id, event_type, data)


@transaction.atomic
def _apply_wechatpay_event(event_id: str, event_type: str, data: dict[str, Any]) -> str:
    try:
        with transaction.atomic():
            record = GatewayEvent.objects.create(
                gateway="wechatpay",
                event_id=event_id[:100],
                event_type=event_type[:60],
                reference=str(data.get("transaction_id") or data.get("refund_id") or "")[:100],
                received_at=clock.now(),
            )
    except IntegrityError:
        return "duplicate"
    if event_type == "TRANSACTION.SUCCESS":
        outcome = _confirm_wechatpay_transaction(data)
    elif event_type.startswith("REFUND."):
        outcome = _settle_wechatpay_refund(data)
    else:
        outcome = "ignored"
    GatewayEvent.objects.filter(pk=record.pk).update(outcome=outcome[:40])
    return outcome


def _confirm_wechatpay_transaction(tx: dict[str, Any]) -> str:
    if tx.get("trade_state") != "SUCCESS" or str(tx.get("appid", settings.WECHATPAY_APPID)) != settings.WECHATPAY_APPID:
        return "ignored"
    order_number = str(tx.get("out_trade_no", ""))
    session = PaymentSession.objects.filter(gateway="wechatpay", order_number=order_number).order_by("-id").first()
    if session is None:
        log.warning("wechatpay payment for no known order", extra={"order_number": order_number})
        return "unknown_payment"
    now = clock.now()
    # Notification and the worker's query may both report it: the session turns succeeded once.
    if (
        PaymentSession.objects.filter(pk=session.pk)
        .exclude(status=PaymentSession.Status.SUCCEEDED)
        .update(status=PaymentSession.Status.SUCCEEDED, updated_at=now)
        != 1
    ):
        return "already_paid"
    amount = tx.get("amount") or {}
    try:
        paid = from_minor_units(int(amount.get("total") or 0))  # integer fen, exactly
    except (TypeError, ValueError):
        paid = Decimal("0.00")
    events.publish(
        events.PaymentConfirmed(
            order_id=session.order_id,
            order_number=order_number,
            gateway="wechatpay",
            reference=str(tx.get("transaction_id", ""))[:100],
            amount=paid,
            currency=str(amount.get("currency", "CNY")).upper(),
            confirmed_at=now,
        )
    )
    return "confirmed"


def _settle_wechatpay_refund(data: dict[str, Any]) -> str:
    key, status = str(data.get("out_refund_no", "")), str(data.get("refund_status", ""))
    pk = key.removeprefix("dianpu-refund-")
    ours = Refund.objects.filter(pk=int(pk), gateway="wechatpay").first() if pk.isdigit() else None
    if ours is None:
        log.warning("wechatpay refund we did not make", extra={"out_refund_no": key})
        return "refund_unknown"
    answer = {"SUCCESS": "succeeded", "CLOSED": "failed", "ABNORMAL": "failed"}.get(status, "pending")
    settle_refund(refund_id=ours.pk, status=answer, reference=str(data.get("refund_id", "")))
    return f"refund_{answer}"


def reconcile_pending_payments(*, older_than_minutes: int = 5, within_days: int = 3) -> int:
    """Online payments whose notification may have been lost: ask gateways that answer order
    queries (WeChat Pay) what became of attempts started more than a few minutes ago, and confirm
    the paid ones exactly as their notification would have. Returns how many were confirmed.
    Runs in the worker, outside any transaction (one network call per attempt)."""
    now = clock.now()
    confirmed = 0
    asked = [code for code, g in GATEWAYS.items() if hasattr(g, "query_payment") and g.is_enabled()]
    sessions = PaymentSession.objects.filter(
        gateway__in=asked,
        status=PaymentSession.Status.PENDING,
        created_at__lt=now - timedelta(minutes=older_than_minutes),
        created_at__gte=now - timedelta(days=within_days),
    ).order_by("id")
    for session in sessions[:500]:
        try:
            queried: Any = GATEWAYS[session.gateway]  # one that has query_payment (above)
            tx = queried.query_payment(reference=session.reference)
        except GatewayError:
            log.warning("could not query a payment", extra={"gateway": session.gateway, "ref": session.reference})
            continue
        state = tx.get("trade_state")
        if state == "SUCCESS":
            outcome = _apply_wechatpay_event(f"query:{tx.get('transaction_id', '')}", "TRANSACTION.SUCCESS", tx)
            confirmed += outcome == "confirmed"
        elif state in ("CLOSED", "REVOKED", "PAYERROR"):
            PaymentSession.objects.filter(pk=session.pk, status=PaymentSession.Status.PENDING).update(
                status=PaymentSession.Status.FAILED, updated_at=now
            )
    return confirmed


def reconcile_wechatpay_refunds(*, older_than_minutes: int = 10) -> int:
    """WeChat Pay refunds still pending (their notification lost): ask WeChat Pay by out_refund_no
    and settle them as the notification would have. Returns how many settled."""
    gateway = GATEWAYS["wechatpay"]
    if not isinstance(gateway, WeChatPayGateway) or not gateway.is_enabled():
        return 0
    settled = 0
    pending = Refund.objects.filter(
        gateway="wechatpay",
        status=Refund.Status.PENDING,
        manual=False,
        created_at__lt=clock.now() - timedelta(minutes=older_than_minutes),
    ).order_by("id")
    for refund in pending[:200]:
        try:
            answer = gateway.query_refund(idempotency_key=f"dianpu-refund-{refund.pk}")
        except GatewayError:
            log.warning("could not query a wechatpay refund", extra={"refund_id": refund.pk})
            continue
        if answer.status in ("succeeded", "failed"):
            settle_refund(refund_id=refund.pk, status=answer.status, reference=answer.reference)
            settled += 1
    return settled


# --- payments follow their goods when orders are merged or split -----------------------------------


@transaction.atomic
def move_payments(
    *, from_order_id: int, to_order_id: int, actor: Actor = None, reason: str = "", ip_address: str | None = None
) -> list[Payment]:
    """Merge: every payment of one order (with its refunds) now belongs to the other order. Each
    record moves whole — amount, refunded_total and the gateway's reference unchanged — so what
    can still be refunded of each charge stays exactly what it was. Refused (409, nothing moved)
    while a refund of the order is still in progress at the gateway."""
    payments = list(Payment.objects.select_for_update().filter(order_id=from_order_id).order_by("id"))
    if Refund.objects.filter(order_id=from_order_id, status=Refund.Status.PENDING).exists():
        raise _refund_error("payment_refund_in_progress", 409)
    for p in payments:
        reference = _gateway_reference(p)  # a Stripe session is found by the old order: keep its id
        Payment.objects.filter(pk=p.pk).update(order_id=to_order_id, reference=reference[:100])
        p.order_id, p.reference = to_order_id, reference[:100]
        record_audit(
            actor=actor,
            action="payment.moved",
            obj=p,
            reason=reason,
            ip_address=ip_address,
            changes={"order": (from_order_id, to_order_id)},
        )
    Refund.objects.filter(order_id=from_order_id).update(order_id=to_order_id)
    return payments


@transaction.atomic
def split_payment(
    *,
    from_order_id: int,
    to_order_id: int,
    amount: Decimal,
    actor: Actor = None,
    reason: str = "",
    ip_address: str | None = None,
) -> Payment:
    """Split: `amount` of one order's payment becomes a payment of another order (same gateway and
    charge reference; a refund of either part goes back through the same charge). Taken from one
    payment whose unrefunded part covers it, by a conditional UPDATE, so refunded_total never
    exceeds the amount on either side. Refused (409, nothing changed) when no payment can give it
    or it would leave a payment of zero."""
    amount = Decimal(str(amount)).quantize(CENT)
    if amount <= 0:
        raise _refund_error("payment_split_impossible", 409)
    candidates = list(Payment.objects.select_for_update().filter(order_id=from_order_id).order_by("-created_at", "-id"))
    source = next((p for p in candidates if p.amount - p.refunded_total >= amount and p.amount > amount), None)
    fen = to_fen(amount)
    if (
        source is None
        or Payment.objects.filter(pk=source.pk, amount_fen__gt=fen, refunded_fen__lte=F("amount_fen") - fen).update(
            amount_fen=F("amount_fen") - fen
        )
        != 1
    ):
        raise _refund_error("payment_split_impossible", 409)
    _mirror_fen(source.pk)
    new = Payment.objects.create(
        order_id=to_order_id,
        gateway=source.gateway,
        amount=amount,
        reference=_gateway_reference(source)[:100],
        recorded_by=person_of(actor),
        created_at=clock.now(),
    )
    record_audit(
        actor=actor,
        action="payment.split",
        obj=new,
        reason=reason,
        ip_address=ip_address,
        changes={
            "amount": (str(source.amount), f"{source.amount - amount} + {amount}"),
            "order": (from_order_id, to_order_id),
        },
    )
    return new
