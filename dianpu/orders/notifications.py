"""Customer e-mails for an order, rendered in the language the customer bought in."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from dianpu.fulfillment.carriers import get_carrier
from dianpu.payments.queries import payment_start_for

from .models import Order

SUBJECTS = {
    "order_confirmed": lambda o: _("订单 %(number)s 已确认") % {"number": o.number},
    "payment_received": lambda o: _("订单 %(number)s 已收到付款") % {"number": o.number},
    "shipped": lambda o: _("订单 %(number)s 已发货") % {"number": o.number},
    "delivered": lambda o: _("订单 %(number)s 已签收") % {"number": o.number},
    "cancelled": lambda o: _("订单 %(number)s 已取消") % {"number": o.number},
}


def send_order_email(order_id: int, kind: str) -> None:
    order = Order.objects.prefetch_related("lines").filter(pk=order_id).first()
    if order is None or kind not in SUBJECTS:
        return
    with translation.override(order.language or settings.LANGUAGE_CODE):
        carrier = get_carrier(order.carrier) if order.carrier else None
        context = {
            "order": order,
            "kind": kind,
            "shop_name": settings.SHOP_NAME,
            "status_url": f"{settings.SITE_URL}/orders/status/?{urlencode({'number': order.number, 'email': order.email})}",
            "carrier_name": (carrier.name_en if order.language.startswith("en") else carrier.name) if carrier else "",
            "tracking_url": carrier.tracking_url(order.tracking_number) if carrier else "",
        }
        context["payment_instructions"] = _payment_instructions(order) if kind == "order_confirmed" else ""
        subject = SUBJECTS[kind](order)
        text = render_to_string("orders/email/order_email.txt", context)
        html = render_to_string("orders/email/order_email.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [order.email])
    message.attach_alternative(html, "text/html")
    message.send()


def _payment_instructions(order: Order) -> str:
    """How to pay an unpaid order (the bank account for a transfer), as the confirmation page says."""
    if order.status != Order.Status.PENDING_PAYMENT or order.pays_on_delivery:
        return ""
    start = payment_start_for(payment_method=order.payment_method, order_number=order.number,
                              amount=order.grand_total, email=order.email, language=order.language)
    return start.instructions if start else ""
