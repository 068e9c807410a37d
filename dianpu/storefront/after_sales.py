"""After-sales on the buyer's order page: open a request, enter the return parcel's tracking.

The buyer proves the order is theirs the way the order-status page does: number + e-mail."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from dianpu.accounts import throttling
from dianpu.core.errors import DomainError
from dianpu.core.http import client_ip
from dianpu.fulfillment.queries import list_carriers
from dianpu.orders.queries import get_order_for_customer
from dianpu.returns.models import ReturnRequest
from dianpu.returns.queries import list_request_kinds, list_returns_for_order
from dianpu.returns.services import cancel_return, record_return_shipment, request_return


def after_sales_context(order) -> dict:
    """What the order-status page shows under 售后: the order's requests, and the request form."""
    returns = list_returns_for_order(order.pk)
    kinds = list_request_kinds(order)  # only what would be accepted now: no form that is then refused
    return {
        "returns": [
            {
                "ret": r,
                "needs_tracking": r.status == ReturnRequest.Status.APPROVED
                and r.kind != ReturnRequest.Kind.REFUND_ONLY,
                "can_withdraw": r.status == ReturnRequest.Status.REQUESTED,
            }
            for r in returns
        ],
        "can_request": bool(kinds),
        "kinds": [(k, label) for k, label in ReturnRequest.Kind.choices if k in kinds],
        "in_transit": ReturnRequest.Kind.INTERCEPT.value in kinds,
        "reasons": ReturnRequest.Reason.choices,
        "carriers": [(c["code"], c["name"]) for c in list_carriers()],
        "window_days": settings.RETURN_WINDOW_DAYS,
    }


def _back(number: str, email: str):
    return redirect(reverse("storefront:order-status") + "?" + urlencode({"number": number, "email": email}))


NOT_FOUND = _lazy("没有找到与该订单号和邮箱相符的订单，请核对后重试。")
THROTTLED = _lazy("查询失败次数过多，请 15 分钟后再试。")


def _order(request):
    """The buyer's order, or None with the reason queued as a message. Each miss counts against
    the order and the address (the same budget as the status page's look-up)."""
    number, email = request.POST.get("number", "")[:40], request.POST.get("email", "")
    ip = client_ip(request)
    if throttling.is_order_lookup_refused(number, ip):
        messages.error(request, THROTTLED)
        return None, number, email
    order = get_order_for_customer(number, email)
    if order is None:
        throttling.record_order_lookup_failure(number, ip)
        messages.error(request, NOT_FOUND)
    return order, number, email


@require_POST
def return_request(request):
    order, number, email = _order(request)
    if order is None:
        return redirect("storefront:order-status")
    lines = {}
    for line in order.lines.all():
        try:
            quantity = int(request.POST.get(f"qty-{line.pk}") or 0)
        except ValueError:
            quantity = 0
        if quantity > 0:
            lines[line.pk] = quantity
    try:
        created = request_return(
            order=order,
            kind=request.POST.get("kind", ""),
            reason=request.POST.get("reason", ""),
            reason_detail=request.POST.get("reason_detail", "")[:500],
            lines=lines,
            source=ReturnRequest.Source.CUSTOMER,
            ip_address=client_ip(request),
        )
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("售后申请 %(number)s 已提交，我们会尽快处理。") % {"number": created.number})
    return _back(number, email)


@require_POST
def return_shipment(request, return_number):
    order, number, email = _order(request)
    if order is None:
        return redirect("storefront:order-status")
    ret = ReturnRequest.objects.filter(number=return_number, order=order).first()
    if ret is None:
        messages.error(request, NOT_FOUND)
        return redirect("storefront:order-status")
    try:
        record_return_shipment(
            request=ret,
            carrier=request.POST.get("carrier", ""),
            tracking_number=request.POST.get("tracking_number", ""),
            ip_address=client_ip(request),
        )
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("已登记退回运单，收到商品后我们会尽快处理。"))
    return _back(number, email)


@require_POST
def return_withdraw(request, return_number):
    """The buyer withdraws a request nobody has reviewed yet."""
    order, number, email = _order(request)
    if order is None:
        return redirect("storefront:order-status")
    ret = ReturnRequest.objects.filter(number=return_number, order=order).first()
    if ret is None:
        messages.error(request, NOT_FOUND)
        return redirect("storefront:order-status")
    if ret.status != ReturnRequest.Status.REQUESTED:
        messages.error(request, _("售后单已在处理中，不能撤销；如需帮助请联系客服。"))
        return _back(number, email)
    try:
        cancel_return(request=ret, note=_("顾客撤销"), ip_address=client_ip(request))
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("售后申请 %(number)s 已撤销。") % {"number": ret.number})
    return _back(number, email)
