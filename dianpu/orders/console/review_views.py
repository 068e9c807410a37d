"""Console pages of order review (审单): the queue of held orders with their reasons (release or
cancel), the rule thresholds and the blacklist. Thin edges over orders.review and orders.services."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dianpu.accounts.decorators import staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.core.errors import DomainError
from dianpu.core.exports import Column, Table, export_response, local_time, wants_export
from dianpu.core.http import client_ip
from dianpu.orders import queries, review
from dianpu.orders.merging import list_merge_candidates, merge_orders, split_order
from dianpu.orders.models import BlacklistEntry, ReviewSettings
from dianpu.orders.services import release_order, transition_order

from .views import _get_order


class ReviewSettingsForm(forms.ModelForm):
    class Meta:
        model = ReviewSettings
        fields = list(review.SETTING_FIELDS)
        help_texts = {
            "high_value_over": gettext_lazy("留空即不检查金额"),
            "max_orders_per_address_per_day": gettext_lazy("0 表示不检查"),
        }


class BlacklistForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=BlacklistEntry.Kind.choices)
    value = forms.CharField(label=gettext_lazy("内容"), max_length=200)
    note = forms.CharField(label=gettext_lazy("备注"), max_length=200, required=False)


@staff_permission_required(roles.VIEW_ORDERS, roles.REVIEW_ORDER)
def review_queue(request):
    if wants_export(request):  # every held order (the page shows the first 200)
        return export_response(
            request,
            Table(
                "held_orders",
                _("待审订单"),
                [
                    Column("number", _("订单号")),
                    Column("held_at", _("挂起时间")),
                    Column("ship_name", _("收货人")),
                    Column("ship_phone", _("电话")),
                    Column("address", _("收货地址")),
                    Column("grand_total", _("应付总额"), numeric=True),
                    Column("status", _("状态")),
                    Column("reasons", _("挂起原因")),
                ],
                (
                    {
                        "number": o.number,
                        "held_at": local_time(o.held_at),
                        "ship_name": o.ship_name,
                        "ship_phone": o.ship_phone,
                        "address": o.address_text,
                        "grand_total": o.grand_total,
                        "status": o.get_status_display(),
                        "reasons": "; ".join(
                            f"{r['label']} {r['detail']}".strip() for r in queries.describe_hold_reasons(o)
                        ),
                    }
                    for o in queries.list_held_orders().iterator(chunk_size=2000)
                ),
            ),
        )
    rows = [{"order": o, "reasons": queries.describe_hold_reasons(o)} for o in queries.list_held_orders()[:200]]
    return render(
        request,
        "orders/console/review_queue.html",
        {
            "rows": rows,
            "can_cancel": request.user.has_perm(roles.CANCEL_ORDER),
            "can_manage": request.user.has_perm(roles.MANAGE_REVIEW_RULES),
        },
    )


@require_POST
@staff_permission_required(roles.VIEW_ORDERS, roles.REVIEW_ORDER)
def order_release(request, number):
    order = _get_order(number)
    try:
        release_order(
            order=order, actor=request.user, reason=request.POST.get("reason", "")[:500], ip_address=client_ip(request)
        )
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("订单 %(number)s 已放行。") % {"number": number})
    if request.POST.get("next") == "detail":
        return redirect("console:orders:order-detail", number=number)
    return redirect("console:orders:review-queue")


@require_POST
@staff_permission_required(roles.VIEW_ORDERS, roles.CANCEL_ORDER)
def order_reject(request, number):
    order = _get_order(number)
    try:
        transition_order(
            order=order,
            action="cancel",
            actor=request.user,
            reason=request.POST.get("reason", "")[:500] or _("审单未通过"),
            ip_address=client_ip(request),
        )
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("订单 %(number)s 已取消。") % {"number": number})
    return redirect("console:orders:review-queue")


@staff_permission_required(roles.VIEW_ORDERS, roles.MANAGE_REVIEW_RULES)
def review_settings(request):
    current = review.get_review_settings()
    form = ReviewSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            review.update_review_settings(actor=request.user, changes=form.cleaned_data, ip_address=client_ip(request))
        except DomainError as exc:
            form.add_error(exc.extra.get("field"), str(exc.detail))
        else:
            messages.success(request, _("审单规则已保存。"))
            return redirect("console:orders:review-settings")
    return render(
        request, "orders/console/review_settings.html", {"form": form}, status=422 if request.method == "POST" else 200
    )


@staff_permission_required(roles.VIEW_ORDERS, roles.MANAGE_REVIEW_RULES)
def blacklist(request):
    form = BlacklistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review.add_blacklist_entry(actor=request.user, ip_address=client_ip(request), **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.extra.get("field") if exc.extra.get("field") in form.fields else None, str(exc.detail))
        else:
            messages.success(request, _("已加入黑名单。"))
            return redirect("console:orders:blacklist")
    return render(
        request,
        "orders/console/blacklist.html",
        {"form": form, "entries": queries.list_blacklist()[:500]},
        status=422 if request.method == "POST" else 200,
    )


@require_POST
@staff_permission_required(roles.VIEW_ORDERS, roles.MANAGE_REVIEW_RULES)
def blacklist_remove(request, entry_id):
    try:
        review.remove_blacklist_entry(actor=request.user, entry_id=entry_id, ip_address=client_ip(request))
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("已移出黑名单。"))
    return redirect("console:orders:blacklist")


@staff_permission_required(roles.VIEW_ORDERS, roles.REVIEW_ORDER)
def merge(request):
    """Unpaid orders of one customer to one address, grouped: merge a group into its oldest order."""
    if request.method == "POST":
        try:
            target = merge_orders(
                numbers=request.POST.getlist("numbers"), actor=request.user, ip_address=client_ip(request)
            )
        except DomainError as exc:
            messages.error(request, str(exc.detail))
            return redirect("console:orders:order-merge")
        messages.success(request, _("已合并到订单 %(number)s。") % {"number": target.number})
        return redirect("console:orders:order-detail", number=target.number)
    return render(request, "orders/console/merge.html", {"groups": list_merge_candidates()})


@require_POST
@staff_permission_required(roles.VIEW_ORDERS, roles.REVIEW_ORDER)
def order_split(request, number):
    order = _get_order(number)
    quantities = {}
    for line in order.lines.all():
        raw = request.POST.get(f"line-{line.pk}", "").strip()
        if raw:
            quantities[line.pk] = int(raw) if raw.isdigit() else -1
    try:
        new = split_order(number=number, quantities=quantities, actor=request.user, ip_address=client_ip(request))
    except DomainError as exc:
        messages.error(request, str(exc.detail))
        return redirect("console:orders:order-detail", number=number)
    messages.success(request, _("已拆出新订单 %(number)s。") % {"number": new.number})
    return redirect("console:orders:order-detail", number=new.number)
