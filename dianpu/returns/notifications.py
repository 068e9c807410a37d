"""Customer e-mails about an after-sales request, from the editable templates (messaging)."""

from django.conf import settings
from django.utils import translation

from dianpu.messaging.services import send_notification
from dianpu.orders.notifications import order_context

from .models import ReturnRequest


def send_return_email(request_id: int, kind: str) -> None:
    request = ReturnRequest.objects.select_related("order").filter(pk=request_id).first()
    if request is None or kind != "return_approved":
        return
    order = request.order
    language = order.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = order_context(order)
        context.update(return_number=request.number, return_kind=str(request.get_kind_display()))
        send_notification(to=order.email, kind=kind, language=language, context=context)
