"""Refunds from the console's order page: a thin edge over payments.services.refund_order."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dianpu.accounts.decorators import staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.core.errors import DomainError, NotFoundError
from dianpu.core.http import client_ip
from dianpu.orders.queries import get_order
from dianpu.payments.services import refund_order


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        label=gettext_lazy("退款金额"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    shipping_amount = forms.DecimalField(
        label=gettext_lazy("其中运费"), max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False
    )
    reason = forms.CharField(label=gettext_lazy("原因"), max_length=300)
    manual = forms.BooleanField(label=gettext_lazy("线下退款（已在渠道外退回）"), required=False)


@require_POST
@staff_permission_required(roles.VIEW_ORDERS, roles.REFUND_ORDER)
def refund_create(request, number):
    try:
        order = get_order(number)
    except NotFoundError as exc:
        raise Http404(str(exc.detail)) from exc
    form = RefundForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(f"{form.fields[k].label}: {' '.join(v)}" for k, v in form.errors.items())
        messages.error(request, _("退款未提交：%(errors)s") % {"errors": errors})
        return redirect("console:orders:order-detail", number=order.number)
    data = form.cleaned_data
    try:
        refund = refund_order(
            order=order,
            amount=data["amount"],
            reason=data["reason"],
            shipping_amount=data["shipping_amount"] or Decimal("0.00"),
            manual=data["manual"],
            actor=request.user,
            ip_address=client_ip(request),
        )
    except DomainError as exc:
        messages.error(request, str(exc.detail))
        return redirect("console:orders:order-detail", number=order.number)
    messages.success(
        request,
        _("已提交退款 ¥%(amount)s（%(status)s）。") % {"amount": refund.amount, "status": refund.get_status_display()},
    )
    return redirect("console:orders:order-detail", number=order.number)
