"""After-sales pages: the queue, one request with its steps, opening one for an order, the
return-rate report. Thin edges over returns.services / returns.queries."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dianpu.accounts.decorators import forbidden, staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.core.errors import DomainError, NotFoundError
from dianpu.core.exports import Column, Table, export_response, local_time, wants_export
from dianpu.core.http import client_ip
from dianpu.fulfillment.queries import list_carriers
from dianpu.orders.queries import get_order
from dianpu.returns import queries, services
from dianpu.returns.messages import ACTION_LABELS
from dianpu.returns.models import ReturnRequest

PAGE_SIZE = 30
ACTION_PERMISSIONS = {
    "approve": roles.MANAGE_RETURNS,
    "reject": roles.MANAGE_RETURNS,
    "cancel": roles.MANAGE_RETURNS,
    "ship_back": roles.MANAGE_RETURNS,
    "close": roles.MANAGE_RETURNS,
    "receive": roles.RECEIVE_RETURNS,
    "refund": roles.REFUND_ORDER,
    "exchange_order": roles.MANAGE_RETURNS,
    "request_intercept": roles.MANAGE_RETURNS,
    "confirm_intercept": roles.MANAGE_RETURNS,
    "fail_intercept": roles.MANAGE_RETURNS,
}


class ReturnFilterForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("搜索"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("售后单号 / 订单号 / 邮箱")}),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[("", gettext_lazy("全部"))] + list(ReturnRequest.Status.choices),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("类型"),
        required=False,
        choices=[("", gettext_lazy("全部"))] + list(ReturnRequest.Kind.choices),
    )


class ReportForm(forms.Form):
    date_from = forms.DateField(
        label=gettext_lazy("下单日期从"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=gettext_lazy("到"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


def _get(number: str) -> ReturnRequest:
    try:
        return queries.get_return(number)
    except NotFoundError as exc:
        raise Http404(str(exc.detail)) from exc


@staff_permission_required(roles.VIEW_RETURNS)
def return_list(request):
    filters = ReturnFilterForm(request.GET or None)
    c = filters.cleaned_data if filters.is_valid() else {}
    rows = queries.list_returns(status=c.get("status") or "", kind=c.get("kind") or "", search=c.get("q") or "")
    if wants_export(request):
        return export_response(
            request,
            Table(
                "returns",
                _("售后"),
                [
                    Column("number", _("售后单号")),
                    Column("created_at", _("申请时间")),
                    Column("order", _("订单号")),
                    Column("kind", _("类型")),
                    Column("reason", _("原因")),
                    Column("units", _("件数"), numeric=True),
                    Column("source", _("发起方")),
                    Column("status", _("状态")),
                ],
                (
                    {
                        "number": r.number,
                        "created_at": local_time(r.created_at),
                        "order": r.order.number,
                        "kind": r.get_kind_display(),
                        "reason": r.get_reason_display(),
                        "units": r.units or 0,
                        "source": r.get_source_display(),
                        "status": r.get_status_display(),
                    }
                    for r in rows.iterator(chunk_size=2000)
                ),
            ),
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = queries.count_returns_by_status()
    return render(
        request,
        "returns/console/return_list.html",
        {
            "filters": filters,
            "page_obj": page,
            "waiting": counts.get("requested", 0),
            "arriving": counts.get("in_transit", 0) + counts.get("intercepted", 0),
            "to_refund": counts.get("received", 0),
        },
    )


def _detail_context(request, ret: ReturnRequest) -> dict:
    due = queries.calculate_refund_due(ret)
    due_lines = {d["line_id"]: d["amount"] for d in due["lines"]}
    allowed = [a for a in queries.list_allowed_return_actions(ret) if request.user.has_perm(ACTION_PERMISSIONS[a])]
    return {
        "ret": ret,
        "order": ret.order,
        "history": list(ret.history.all()),
        "lines": [{"line": ln, "refund": due_lines.get(ln.pk)} for ln in ret.lines.select_related("order_line")],
        "due": due,
        "due_with_shipping": queries.calculate_refund_due(ret, include_shipping=True),
        "actions": [{"code": a, "label": ACTION_LABELS[a]} for a in allowed],
        "carriers": [(c["code"], c["name"]) for c in list_carriers()],
        "action_labels": ACTION_LABELS,
        "exchange_rows": queries.list_exchange_options(ret) if "exchange_order" in allowed else [],
    }


@staff_permission_required(roles.VIEW_RETURNS)
def return_detail(request, number):
    return render(request, "returns/console/return_detail.html", _detail_context(request, _get(number)))


def _decimal(value: str) -> Decimal | None:
    try:
        return Decimal(value) if value.strip() else None
    except (InvalidOperation, AttributeError):
        return None


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


@require_POST
@staff_permission_required(roles.VIEW_RETURNS)
def return_action(request, number, action):
    ret = _get(number)
    permission = ACTION_PERMISSIONS.get(action)
    if permission is None:
        raise Http404()
    if not request.user.has_perm(permission):
        return forbidden(request, permission)
    post, common = request.POST, {"request": ret, "actor": request.user, "ip_address": client_ip(request)}
    try:
        if action == "approve":
            services.approve_return(note=post.get("note", ""), **common)
        elif action == "reject":
            services.reject_return(note=post.get("note", ""), **common)
        elif action == "cancel":
            services.cancel_return(note=post.get("note", ""), **common)
        elif action == "close":
            services.close_return(note=post.get("note", ""), **common)
        elif action == "request_intercept":
            services.request_intercept(note=post.get("note", ""), **common)
        elif action in ("confirm_intercept", "fail_intercept"):
            services.record_intercept_outcome(
                stopped=action == "confirm_intercept", note=post.get("note", ""), **common
            )
        elif action == "ship_back":
            services.record_return_shipment(
                carrier=post.get("carrier", ""), tracking_number=post.get("tracking_number", ""), **common
            )
        elif action == "receive":
            inspections = {
                ln.pk: (
                    _int(post.get(f"restock-{ln.pk}")),
                    _int(post.get(f"writeoff-{ln.pk}")),
                    post.get(f"note-{ln.pk}", ""),
                )
                for ln in ret.lines.all()
            }
            services.receive_return(inspections=inspections, **common)
        elif action == "exchange_order":
            new = services.create_exchange_order(
                replacements={ln.pk: post.get(f"replacement-{ln.pk}", "") for ln in ret.lines.all()}, **common
            )
            messages.success(request, _("已生成换货订单 %(number)s。") % {"number": new.number})
            return redirect("console:returns:return-detail", number=ret.number)
        elif action == "refund":
            services.refund_return(
                include_shipping=bool(post.get("include_shipping")),
                amount=_decimal(post.get("amount", "")),
                manual=bool(post.get("manual")),
                **common,
            )
    except DomainError as exc:
        ret = _get(number)  # as it is now: nothing was changed
        return render(
            request,
            "returns/console/return_detail.html",
            {**_detail_context(request, ret), "error": str(exc.detail), "failed_action": action},
            status=exc.status if 400 <= exc.status < 500 else 422,
        )
    messages.success(
        request, _("售后单 %(number)s：%(action)s。") % {"number": ret.number, "action": ACTION_LABELS[action]}
    )
    return redirect("console:returns:return-detail", number=ret.number)


@staff_permission_required(roles.VIEW_RETURNS, roles.MANAGE_RETURNS)
def return_create(request, order_number):
    try:
        order = get_order(order_number)
    except NotFoundError as exc:
        raise Http404(str(exc.detail)) from exc
    lines = list(order.lines.all())
    context = {
        "order": order,
        "lines": lines,
        "kinds": ReturnRequest.Kind.choices,
        "reasons": ReturnRequest.Reason.choices,
        "submitted": request.POST,
    }
    if request.method == "POST":
        wanted = {ln.pk: max(_int(request.POST.get(f"qty-{ln.pk}") or 0), 0) for ln in lines}
        try:
            ret = services.request_return(
                order=order,
                kind=request.POST.get("kind", ""),
                reason=request.POST.get("reason", ""),
                reason_detail=request.POST.get("reason_detail", ""),
                lines={k: v for k, v in wanted.items() if v},
                actor=request.user,
                source=ReturnRequest.Source.AGENT,
                ip_address=client_ip(request),
            )
        except DomainError as exc:
            return render(
                request, "returns/console/return_create.html", {**context, "error": str(exc.detail)}, status=422
            )
        messages.success(request, _("已创建售后单 %(number)s。") % {"number": ret.number})
        return redirect("console:returns:return-detail", number=ret.number)
    return render(request, "returns/console/return_create.html", context)


@staff_permission_required(roles.VIEW_RETURNS)
def return_report(request):
    form = ReportForm(request.GET or None)
    c = form.cleaned_data if form.is_valid() else {}
    return render(
        request,
        "returns/console/return_report.html",
        {
            "form": form,
            "by_product": queries.return_rate_by_product(date_from=c.get("date_from"), date_to=c.get("date_to")),
            "by_reason": queries.return_rate_by_reason(date_from=c.get("date_from"), date_to=c.get("date_to")),
        },
    )
