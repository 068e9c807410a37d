"""Fulfillment pages of the console: thin edges over fulfillment.queries and fulfillment.services."""

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from dianpu.accounts.decorators import staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.core import clock
from dianpu.core.errors import DomainError
from dianpu.core.exports import Column, Table, export_response, local_time, wants_export
from dianpu.core.http import client_ip
from dianpu.core.uploads import UploadRefused, read_upload_text
from dianpu.fulfillment import queries, services
from dianpu.fulfillment.carriers import CARRIERS
from dianpu.fulfillment.documents import render_labels, render_packing_slips, render_pick_list
from dianpu.orders import queries as order_queries
from dianpu.orders.batch_shipping import BatchRefused, ship_orders_in_batch
from dianpu.shop.queries import get_shop_profile

from .forms import BatchShipForm, ReportPeriodForm, ShippingMethodForm, ShippingRateForm, TrackingUploadForm


@staff_permission_required(roles.MANAGE_SHIPPING)
def method_list(request):
    return render(request, "fulfillment/console/method_list.html", {"methods": queries.list_all_shipping_methods()})


@staff_permission_required(roles.MANAGE_SHIPPING)
def method_edit(request, code):
    method = next((m for m in queries.list_all_shipping_methods() if m.code == code), None)
    if method is None:
        raise Http404(code)
    form = ShippingMethodForm(request.POST or None, instance=method, prefix="m")
    rate_form = ShippingRateForm(prefix="r")
    status = 200
    if request.method == "POST" and request.POST.get("form") == "method":
        if form.is_valid():
            try:
                services.update_shipping_method(
                    actor=request.user, code=code, changes=form.cleaned_data, ip_address=client_ip(request)
                )
            except DomainError as exc:
                form.add_error(None, str(exc.detail))
            else:
                messages.success(request, _("配送方式已保存。"))
                return redirect("console:fulfillment:method-edit", code=code)
        status = 422
    elif request.method == "POST" and request.POST.get("form") == "rate":
        form = ShippingMethodForm(instance=method, prefix="m")
        rate_form = ShippingRateForm(request.POST, prefix="r")
        if rate_form.is_valid():
            try:
                services.save_shipping_rate(
                    actor=request.user, code=code, ip_address=client_ip(request), **rate_form.cleaned_data
                )
            except DomainError as exc:
                rate_form.add_error(None, str(exc.detail))
            else:
                messages.success(request, _("运费已保存。"))
                return redirect("console:fulfillment:method-edit", code=code)
        status = 422
    return render(
        request,
        "fulfillment/console/method_edit.html",
        {"method": method, "form": form, "rate_form": rate_form, "rates": list(method.rates.all())},
        status=status,
    )


@require_POST
@staff_permission_required(roles.MANAGE_SHIPPING)
def rate_delete(request, code, rate_id):
    try:
        services.delete_shipping_rate(actor=request.user, rate_id=rate_id, ip_address=client_ip(request))
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("运费已删除。"))
    return redirect("console:fulfillment:method-edit", code=code)


# --- pick lists, documents, batch shipping -----------------------------------------------------------


def _numbers(request) -> list[str]:
    raw = request.POST.getlist("numbers") or request.GET.getlist("numbers")
    found = []
    for chunk in raw:
        for n in chunk.replace(",", " ").split():
            if n.upper() not in found:
                found.append(n.upper())
    return found[:500]


def _doc_labels() -> dict[str, str]:
    return {
        "warehouse": _("仓库"),
        "sku": _("SKU"),
        "product": _("商品"),
        "quantity": _("数量"),
        "orders": _("订单"),
        "packing_slip": _("发货单"),
        "order": _("订单号"),
        "ship_to": _("收件人"),
        "shipping_method": _("配送方式"),
        "total_units": _("件数合计"),
        "note": _("买家留言"),
        "sender": _("寄件人"),
    }


@staff_permission_required(roles.VIEW_ORDERS, roles.FULFIL_ORDER)
def pick_list(request):
    orders = list(order_queries.list_orders_to_ship()[:300])
    return render(request, "fulfillment/console/pick_list.html", {"orders": orders})


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@staff_permission_required(roles.VIEW_ORDERS, roles.FULFIL_ORDER)
def document_pdf(request, kind):
    numbers = _numbers(request)
    if not numbers:
        messages.error(request, _("请先选择订单。"))
        return redirect("console:fulfillment:pick-list")
    printed = timezone.localtime(clock.now()).strftime("%Y-%m-%d %H:%M")
    if kind == "pick-list":
        content = render_pick_list(
            order_queries.list_pick_lines(numbers), title=_("拣货单"), printed_at=printed, labels=_doc_labels()
        )
    elif kind in ("packing-slips", "labels"):
        english = (get_language() or "").startswith("en")
        docs = order_queries.list_parcel_docs(
            numbers,
            method_names={m.code: m.display_name for m in queries.list_all_shipping_methods()},
            carrier_names={c.code: (c.name_en if english else c.name) for c in CARRIERS.values()},
            shop_name=get_shop_profile().name,
            sender=get_shop_profile().sender_line,
        )
        render_doc = render_packing_slips if kind == "packing-slips" else render_labels
        content = render_doc(docs, labels=_doc_labels())
    else:
        raise Http404(kind)
    return _pdf(content, f"{kind}-{clock.now():%Y%m%d%H%M}.pdf")


@staff_permission_required(roles.VIEW_ORDERS, roles.FULFIL_ORDER)
def batch_ship(request):
    form = BatchShipForm(
        request.POST or None, request.FILES or None, initial={"lines": "\n".join(f"{n},," for n in _numbers(request))}
    )
    report, refused, status = [], [], 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            text = read_upload_text(upload, services.UPLOAD_LIMITS) if upload else form.cleaned_data.get("lines", "")
            report = ship_orders_in_batch(text=text, actor=request.user, ip_address=client_ip(request))
        except BatchRefused as exc:
            refused, status = exc.report, 422
            messages.error(request, str(exc.detail))
        except UploadRefused as exc:
            status = exc.status
            messages.error(request, str(exc.detail))
        else:
            messages.success(request, _("已发货 %(count)s 个订单。") % {"count": len(report)})
    return render(
        request,
        "fulfillment/console/batch_ship.html",
        {"form": form, "report": report, "refused": refused},
        status=status,
    )


@staff_permission_required(roles.VIEW_ORDERS)
def home(request):
    """The section's landing page: the first fulfillment page this role may use."""
    if request.user.has_perm(roles.FULFIL_ORDER):
        return redirect("console:fulfillment:pick-list")
    if request.user.has_perm(roles.MANAGE_SHIPPING):
        return redirect("console:fulfillment:method-list")
    return redirect("console:fulfillment:exception-list")


# --- tracking ----------------------------------------------------------------------------------------

EXCEPTION_LABELS = {"late": _lazy("超时未签收"), "failed": _lazy("派送失败"), "returned": _lazy("已退回")}


@staff_permission_required(roles.VIEW_ORDERS)
def exception_list(request):
    kind = request.GET.get("kind", "")
    rows = queries.list_exceptions(kind if kind in EXCEPTION_LABELS else "")
    for row in rows:
        row["label"] = EXCEPTION_LABELS[row["kind"]]
    if wants_export(request):
        return export_response(
            request,
            Table(
                "shipping_exceptions",
                _("物流异常"),
                [
                    Column("order_number", _("订单号")),
                    Column("carrier", _("承运商")),
                    Column("tracking_number", _("运单号")),
                    Column("shipped_at", _("发货时间")),
                    Column("promised_by", _("承诺送达")),
                    Column("label", _("异常")),
                    Column("days_late", _("超时天数"), numeric=True),
                    Column("status", _("最新轨迹")),
                    Column("last_event_at", _("轨迹时间")),
                ],
                (
                    {
                        "order_number": r["order_number"],
                        "carrier": r["shipment"].carrier,
                        "tracking_number": r["shipment"].tracking_number,
                        "shipped_at": local_time(r["shipment"].shipped_at),
                        "promised_by": local_time(r["shipment"].promised_by),
                        "label": str(r["label"]),
                        "days_late": r.get("days_late"),
                        "status": r["shipment"].get_status_display(),
                        "last_event_at": local_time(r["shipment"].last_event_at),
                    }
                    for r in rows
                ),
            ),
        )
    return render(
        request,
        "fulfillment/console/exception_list.html",
        {"rows": rows, "kind": kind, "kinds": EXCEPTION_LABELS.items()},
    )


@staff_permission_required(roles.VIEW_ORDERS, roles.FULFIL_ORDER)
def tracking_upload(request):
    form = TrackingUploadForm(request.POST or None, request.FILES or None)
    result, problems, status = None, [], 200
    if request.method == "POST" and form.is_valid():
        try:
            text = read_upload_text(form.cleaned_data["file"], services.UPLOAD_LIMITS)
            result = services.import_tracking_file(text=text, actor=request.user, ip_address=client_ip(request))
        except services.TrackingRefused as exc:
            problems, status = exc.problems, 422
            messages.error(request, str(exc.detail))
        except UploadRefused as exc:
            status = exc.status
            messages.error(request, str(exc.detail))
        else:
            messages.success(request, _("已导入 %(stored)s 条轨迹（%(duplicates)s 条重复已忽略）。") % result)
    return render(
        request,
        "fulfillment/console/tracking_upload.html",
        {"form": form, "result": result, "problems": problems},
        status=status,
    )


@staff_permission_required(roles.VIEW_ORDERS, roles.VIEW_FIGURES)
def carrier_report(request):
    form = ReportPeriodForm(request.GET or None)
    c = form.cleaned_data if form.is_valid() else {}
    start = _start_of(c["shipped_from"]) if c.get("shipped_from") else None
    end = _start_of(c["shipped_to"]) + timedelta(days=1) if c.get("shipped_to") else None
    rows = queries.summarize_carriers(start, end)
    if wants_export(request):
        return export_response(
            request,
            Table(
                "carrier_report",
                _("承运商表现"),
                [
                    Column("name", _("承运商")),
                    Column("parcels", _("包裹数"), numeric=True),
                    Column("delivered", _("已签收"), numeric=True),
                    Column("on_time_rate", _("准时率"), percent=True),
                    Column("average_days", _("平均天数"), numeric=True),
                    Column("exceptions", _("异常"), numeric=True),
                    Column("cost_per_parcel", _("单件成本"), numeric=True),
                ],
                [{**r, "name": str(r["name"])} for r in rows],
            ),
        )
    return render(request, "fulfillment/console/carrier_report.html", {"rows": rows, "form": form})


def _start_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
