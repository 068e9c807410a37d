"""Invoice (发票) requests on the buyer's order page: the form (title, tax number, e-mail) and the
status of what was asked. The buyer proves the order is theirs as for after-sales: number + e-mail."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dianpu.core.errors import DomainError
from dianpu.finance.models import InvoiceRequest
from dianpu.finance.tax import list_invoice_requests_for_order, request_invoice_for_order

from .after_sales import _back, _order


def invoice_context(order) -> dict:
    """What the order page shows under 发票: the requests and their status, and the form while the
    order is paid and has no request open or issued."""
    requests = list_invoice_requests_for_order(order.pk)
    open_or_issued = any(r.status != InvoiceRequest.Status.REJECTED for r in requests)
    return {
        "requests": requests,
        "can_request": order.paid_at is not None and not open_or_issued,
        "unpaid": order.paid_at is None,
    }


@require_POST
def invoice_request(request):
    order, number, email = _order(request)
    if order is None:
        return redirect("storefront:order-status")
    try:
        request_invoice_for_order(
            order=order,
            title=request.POST.get("title", "")[:200],
            tax_number=request.POST.get("tax_number", "")[:40],
            email=request.POST.get("invoice_email", "")[:300],
        )
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("发票申请已提交，开具后将发送到您的邮箱。"))
    return _back(number, email)
