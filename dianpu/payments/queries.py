from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils.translation import get_language

from dianpu.shop.queries import get_shop_profile

from .domain.amounts import CENT, from_minor_units
from .gateways import GATEWAYS, GatewayError, PaymentStart, get_gateway, list_gateways
from .models import Payment, PaymentSession, Refund


def list_payment_methods() -> list[dict]:
    """The methods a buyer may choose: configured (keys set) and not switched off by the owner."""
    english = (get_language() or "").startswith("en")
    profile = get_shop_profile()
    return [
        {
            "code": g.code,
            "name": g.name_en if english else g.name,
            "description": g.description_en if english else g.description,
            "pays_on_delivery": g.pays_on_delivery,
            "fee_percent": profile.payment_fee(g.code)[0],
            "fee_fixed": profile.payment_fee(g.code)[1],
        }
        for g in list_gateways()
        if profile.payment_method_on(g.code)
    ]


def is_payment_method_offered(code: str) -> bool:
    """Configured and switched on in the shop settings (checkout refuses the others)."""
    return get_gateway(code) is not None and get_shop_profile().payment_method_on(code)


def list_gateway_settings() -> list[dict]:
    """Every gateway for the settings page: switched on or not, its fee, and which of its keys
    (kept in the environment) are set."""
    profile = get_shop_profile()
    rows = []
    for g in GATEWAYS.values():
        keys = [
            (name, bool(getattr(settings, name, "") or getattr(settings, f"{name}_PATH", "")))
            for name in g.key_settings
        ]
        rows.append(
            {
                "code": g.code,
                "name": g.name,
                "name_en": g.name_en,
                "configured": g.is_enabled(),
                "keys": keys,
                "on": profile.payment_method_on(g.code),
                "fee_percent": profile.payment_fee(g.code)[0],
                "fee_fixed": profile.payment_fee(g.code)[1],
            }
        )
    return rows


def payment_start_for(
    *,
    payment_method: str,
    order_number: str,
    amount,
    email: str,
    language: str,
    client_ip: str = "",
    mobile: bool = False,
    openid: str = "",
) -> PaymentStart | None:
    """What the customer needs to pay an order (e.g. the bank account for a transfer, or the
    client secret of its Stripe PaymentIntent), as its gateway says; None for a method that no
    longer exists, an online payment that was never started (the gateway did not answer at
    checkout: the buyer is offered "pay again") or one that cannot be fetched right now.
    Online gateways are asked over the network: never call this inside a transaction."""
    gateway = get_gateway(payment_method)
    if gateway is None:
        return None
    if gateway.offline:
        return gateway.start_payment(order_number=order_number, amount=amount, email=email, language=language)
    session = PaymentSession.objects.filter(gateway=gateway.code, order_number=order_number).order_by("-id").first()
    if session is None or not is_payment_started(session):
        return None
    try:
        return gateway.resume_payment(
            reference=session.reference,
            order_number=order_number,
            amount=amount,
            language=language,
            client_ip=client_ip,
            mobile=mobile,
            openid=openid,
        )
    except GatewayError:
        return None


def is_payment_started(session: PaymentSession) -> bool:
    """The gateway answered this attempt with its own id (not a start that timed out or was refused)."""
    return session.status != PaymentSession.Status.STARTING and not session.reference.startswith("dianpu-order-")


def can_pay_again(*, payment_method: str, order_number: str) -> bool:
    """An online payment that could not be started (or was refused): the buyer may try again."""
    gateway = get_gateway(payment_method)
    if gateway is None or gateway.offline:
        return False
    session = PaymentSession.objects.filter(gateway=gateway.code, order_number=order_number).order_by("-id").first()
    return session is None or not is_payment_started(session)


def list_refunds(order_id: int) -> list[Refund]:
    return list(Refund.objects.filter(order_id=order_id).select_related("created_by").order_by("created_at", "id"))


def get_refund_summary(order_id: int) -> dict:
    """Paid, refunded (succeeded or in progress) and what is left to refund, for one order."""
    totals = Payment.objects.filter(order_id=order_id).aggregate(paid=Sum("amount_fen"), refunded=Sum("refunded_fen"))
    paid, refunded = from_minor_units(totals["paid"] or 0), from_minor_units(totals["refunded"] or 0)  # exact sums
    return {"paid": paid, "refunded": refunded, "refundable": max(paid - refunded, Decimal("0.00"))}


def get_refunded_shipping(order_id: int) -> Decimal:
    """Shipping already given back (or on its way back) for an order."""
    total = (
        Refund.objects.filter(order_id=order_id)
        .exclude(status=Refund.Status.FAILED)
        .aggregate(s=Sum("shipping_amount"))["s"]
    )
    return Decimal(total or 0).quantize(CENT)
