"""Customer e-mails for an order, from the editable templates (messaging), in the language the
customer bought in."""

from urllib.parse import urlencode

from django.conf import settings
from django.utils import translation

from dianpu.fulfillment.carriers import get_carrier
from dianpu.messaging.domain.defaults import KINDS
from dianpu.messaging.services import send_notification
from dianpu.payments.queries import payment_start_for
from dianpu.shop.queries import get_shop_profile

from .models import Order


def order_context(order: Order) -> dict:
    """The plain data every order notification may use (see messaging/domain/defaults.py)."""
    english = (order.language or "").startswith("en")
    carrier = get_carrier(order.carrier) if order.carrier else None
    return {
        "order": {
            "number": order.number,
            "customer_name": order.ship_name,
            "email": order.email,
            "subtotal": order.subtotal,
            "shipping_total": order.shipping_total,
            "discount_total": order.discount_total,
            "grand_total": order.grand_total,
            "lines": [
                {
                    "name": ln.product_name,
                    "variant": ln.variant_label,
                    "quantity": ln.quantity,
                    "line_total": ln.line_total,
                }
                for ln in order.lines.all()
            ],
        },
        "shop_name": get_shop_profile().name,
        "status_url": f"{settings.SITE_URL}/orders/status/?{urlencode({'number': order.number, 'email': order.email})}",
        "carrier_name": (carrier.name_en if english else carrier.name) if carrier else "",
        "tracking_number": order.tracking_number,
        "tracking_url": carrier.tracking_url(order.tracking_number) if carrier else "",
        "payment_instructions": "",
        "return_number": "",
        "return_kind": "",
        "refund_amount": "",
    }


def send_order_email(order_id: int, kind: str, extra: dict | None = None) -> None:
    order = Order.objects.prefetch_related("lines").filter(pk=order_id).first()
    if order is None or kind not in KINDS:
        return
    with translation.override(order.language or settings.LANGUAGE_CODE):
        context = order_context(order)
        if kind == "order_confirmed":
            context["payment_instructions"] = _payment_instructions(order)
        context.update(extra or {})
        send_notification(to=order.email, kind=kind, language=order.language or settings.LANGUAGE_CODE, context=context)


def _payment_instructions(order: Order) -> str:
    """How to pay an unpaid order (the bank account for a transfer), as the confirmation page says."""
    if order.status != Order.Status.PENDING_PAYMENT or order.pays_on_delivery:
        return ""
    start = payment_start_for(
        payment_method=order.payment_method,
        order_number=order.number,
        amount=order.grand_total,
        email=order.email,
        language=order.language,
    )
    # Online gateways (Stripe, Alipay) are paid on the confirmation page, not from an e-mail.
    return start.instructions if start and not start.client_data else ""
