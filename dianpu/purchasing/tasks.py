"""Purchasing tasks: e-mail a sent purchase order's PDF to its supplier."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from .models import PurchaseOrder
from .pdf import build_purchase_order_pdf, purchase_order_filename


@db_task(retries=3, retry_delay=60)
def email_purchase_order(order_id: int) -> None:
    order = PurchaseOrder.objects.select_related("supplier", "warehouse").filter(pk=order_id).first()
    if order is None or not order.supplier.email or order.status == PurchaseOrder.Status.DRAFT:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("采购单 %(number)s") % {"number": order.number}
        body = _("您好，附件是 %(shop)s 的采购单 %(number)s，请确认交期。") % {
            "shop": settings.SHOP_NAME,
            "number": order.number,
        }
        pdf = build_purchase_order_pdf(order)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [order.supplier.email])
    message.attach(purchase_order_filename(order), pdf, "application/pdf")
    message.send()
