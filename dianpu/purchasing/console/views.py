"""Purchasing pages: suppliers and prices, replenishment suggestions, purchase orders (create,
send, PDF, receive, cancel). Thin edges over purchasing.queries and purchasing.services."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dianpu.accounts.decorators import forbidden, staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.core.errors import DomainError, NotFoundError
from dianpu.core.exports import Column, Table, export_response, local_time, wants_export
from dianpu.inventory.domain.cover import WINDOWS
from dianpu.inventory.queries import get_variant
from dianpu.inventory.services import ensure_stock_summaries_current, get_default_warehouse
from dianpu.purchasing import queries, services
from dianpu.purchasing.pdf import build_purchase_order_pdf, purchase_order_filename

from .forms import (
    OrderFilterForm,
    PurchaseOrderForm,
    SupplierEditForm,
    SupplierForm,
    SupplierPriceForm,
    receipt_form,
    received_quantities,
)

PAGE_SIZE = 50
SUGGESTION_PAGE_SIZE = 100


def _can(request, permission) -> bool:
    return request.user.has_perm(permission)


def _order(number):
    try:
        return queries.get_purchase_order(number)
    except NotFoundError as exc:
        raise Http404(number) from exc


def _supplier(code):
    try:
        return queries.get_supplier(code)
    except NotFoundError as exc:
        raise Http404(code) from exc


@staff_permission_required(roles.VIEW_PURCHASING)
def order_list(request):
    filters = OrderFilterForm(request.GET or None)
    c = filters.cleaned_data if filters.is_valid() else {}
    orders = queries.list_purchase_orders(status=c.get("status") or "", search=(c.get("q") or "").strip())
    if wants_export(request):
        return export_response(
            request,
            Table(
                "purchase_orders",
                _("采购单"),
                [
                    Column("number", _("采购单号")),
                    Column("supplier", _("供应商")),
                    Column("warehouse", _("收货仓库")),
                    Column("status", _("状态")),
                    Column("units_ordered", _("订购"), numeric=True),
                    Column("units_received", _("已到货"), numeric=True),
                    Column("created_at", _("创建时间")),
                ],
                (
                    {
                        "number": o.number,
                        "supplier": o.supplier.name,
                        "warehouse": o.warehouse.name,
                        "status": o.get_status_display(),
                        "units_ordered": o.units_ordered or 0,
                        "units_received": o.units_received or 0,
                        "created_at": local_time(o.created_at),
                    }
                    for o in orders.iterator(chunk_size=2000)
                ),
            ),
        )
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "purchasing/console/order_list.html",
        {
            "filters": filters,
            "page_obj": page,
            "orders": page.object_list,
            "can_manage": _can(request, roles.MANAGE_PURCHASING),
            "tab": "orders",
        },
    )


@staff_permission_required(roles.VIEW_PURCHASING, roles.MANAGE_PURCHASING)
def order_create(request):
    initial = {"warehouse": get_default_warehouse().code, "supplier": request.GET.get("supplier", "")}
    form = PurchaseOrderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            order = services.create_purchase_order(
                actor=request.user, supplier=c["supplier"], lines=c["lines"], warehouse=c["warehouse"], note=c["note"]
            )
            messages.success(request, _("采购单 %(number)s 已创建（草稿）。") % {"number": order.number})
            return redirect("console:purchasing:order-detail", number=order.number)
        except DomainError as exc:
            form.add_error(None, str(exc.detail))
    return render(request, "purchasing/console/order_form.html", {"form": form, "tab": "orders"})


@staff_permission_required(roles.VIEW_PURCHASING)
def order_detail(request, number):
    order = _order(number)
    form = receipt_form(order, request.POST or None)
    if request.method == "POST":
        if not _can(request, roles.RECEIVE_GOODS):
            return forbidden(request, roles.RECEIVE_GOODS)
        if form.is_valid():
            try:
                services.receive_purchase_order(
                    actor=request.user,
                    order=order,
                    received=received_quantities(form),
                    allow_over=form.cleaned_data["allow_over"],
                    note=form.cleaned_data["note"],
                )
                messages.success(request, _("到货已入库。"))
                return redirect("console:purchasing:order-detail", number=number)
            except DomainError as exc:
                form.add_error(None, str(exc.detail))
    lines = [{"line": ln, "field": form[f"qty_{ln.variant.sku}"]} for ln in order.lines.all()]
    return render(
        request,
        "purchasing/console/order_detail.html",
        {
            "order": order,
            "lines": lines,
            "form": form,
            "total": queries.order_total(order),
            "can_manage": _can(request, roles.MANAGE_PURCHASING),
            "can_receive": _can(request, roles.RECEIVE_GOODS),
            "receivable": order.status in ("sent", "partially_received"),
            "tab": "orders",
        },
    )


@staff_permission_required(roles.VIEW_PURCHASING, roles.MANAGE_PURCHASING)
@require_POST
def order_send(request, number):
    try:
        services.send_purchase_order(actor=request.user, order=_order(number))
        messages.success(request, _("采购单已发送。"))
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    return redirect("console:purchasing:order-detail", number=number)


@staff_permission_required(roles.VIEW_PURCHASING, roles.MANAGE_PURCHASING)
@require_POST
def order_cancel(request, number):
    try:
        services.cancel_purchase_order(actor=request.user, order=_order(number))
        messages.success(request, _("采购单已取消。"))
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    return redirect("console:purchasing:order-detail", number=number)


@staff_permission_required(roles.VIEW_PURCHASING)
def order_pdf(request, number):
    order = _order(number)
    response = HttpResponse(build_purchase_order_pdf(order), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{purchase_order_filename(order)}"'
    return response


@staff_permission_required(roles.VIEW_PURCHASING)
def suggestion_list(request):
    try:
        window = int(request.GET.get("window", 30))
        cover_days = max(0, min(int(request.GET.get("cover_days", 30)), 365))
    except ValueError:
        window, cover_days = 30, 30
    window = window if window in WINDOWS else 30
    if request.method == "POST":
        if not _can(request, roles.MANAGE_PURCHASING):
            return forbidden(request, roles.MANAGE_PURCHASING)
        wanted, bad = {}, []
        for sku in request.POST.getlist("sku"):
            raw = request.POST.get(f"qty_{sku}", "").strip()
            if not raw.isdigit() or int(raw) <= 0:
                bad.append(sku)
            else:
                wanted[sku] = int(raw)
        if bad:
            messages.error(request, _("以下 SKU 的数量不是正整数：%(skus)s") % {"skus": ", ".join(bad)})
        elif not wanted:
            messages.error(request, _("请先勾选要采购的 SKU。"))
        else:
            try:
                orders = services.create_purchase_orders_from_suggestions(actor=request.user, wanted=wanted)
                messages.success(
                    request,
                    _("已生成 %(count)s 张采购单草稿：%(numbers)s")
                    % {"count": len(orders), "numbers": ", ".join(o.number for o in orders)},
                )
                return redirect("console:purchasing:order-list")
            except DomainError as exc:
                messages.error(request, str(exc.detail))
    ensure_stock_summaries_current()
    page = Paginator(
        queries.list_replenishment_suggestions(window=window, cover_days=cover_days), SUGGESTION_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "purchasing/console/suggestion_list.html",
        {
            "suggestions": page.object_list,
            "page_obj": page,
            "window": window,
            "cover_days": cover_days,
            "windows": WINDOWS,
            "can_manage": _can(request, roles.MANAGE_PURCHASING),
            "tab": "suggestions",
        },
    )


@staff_permission_required(roles.VIEW_PURCHASING)
def supplier_list(request):
    form = SupplierForm(request.POST or None)
    if request.method == "POST":
        if not _can(request, roles.MANAGE_PURCHASING):
            return forbidden(request, roles.MANAGE_PURCHASING)
        if form.is_valid():
            try:
                supplier = services.create_supplier(actor=request.user, **form.cleaned_data)
                messages.success(request, _("供应商已添加。"))
                return redirect("console:purchasing:supplier-detail", code=supplier.code)
            except DomainError as exc:
                form.add_error(None, str(exc.detail))
    suppliers = queries.list_suppliers(search=request.GET.get("q", "").strip())
    if request.method == "GET" and wants_export(request):
        return export_response(
            request,
            Table(
                "suppliers",
                _("供应商"),
                [
                    Column("code", _("编码")),
                    Column("name", _("名称")),
                    Column("contact_name", _("联系人")),
                    Column("phone", _("电话")),
                    Column("email", _("邮箱")),
                    Column("lead_time_days", _("交货周期（天）"), numeric=True),
                    Column("is_active", _("启用")),
                ],
                (
                    {
                        "code": s.code,
                        "name": s.name,
                        "contact_name": s.contact_name,
                        "phone": s.phone,
                        "email": s.email,
                        "lead_time_days": s.lead_time_days,
                        "is_active": "✓" if s.is_active else "",
                    }
                    for s in suppliers
                ),
            ),
        )
    return render(
        request,
        "purchasing/console/supplier_list.html",
        {
            "suppliers": suppliers,
            "form": form,
            "can_manage": _can(request, roles.MANAGE_PURCHASING),
            "tab": "suppliers",
        },
    )


@staff_permission_required(roles.VIEW_PURCHASING)
def supplier_detail(request, code):
    supplier = _supplier(code)
    fields = {k: getattr(supplier, k) for k in SupplierEditForm.base_fields if k != "code"}
    edit = SupplierEditForm(request.POST if request.POST.get("form") == "edit" else None, initial=fields)
    price = SupplierPriceForm(request.POST if request.POST.get("form") == "price" else None)
    if request.method == "POST":
        if not _can(request, roles.MANAGE_PURCHASING):
            return forbidden(request, roles.MANAGE_PURCHASING)
        try:
            if edit.is_bound and edit.is_valid():
                services.update_supplier(actor=request.user, supplier=supplier, changes=edit.cleaned_data)
                messages.success(request, _("供应商已保存。"))
                return redirect("console:purchasing:supplier-detail", code=code)
            if price.is_bound and price.is_valid():
                c = price.cleaned_data
                services.set_supplier_price(
                    actor=request.user,
                    supplier=supplier,
                    variant=get_variant(c["sku"].strip()),
                    unit_cost=c["unit_cost"],
                    min_order_quantity=c["min_order_quantity"],
                    supplier_sku=c["supplier_sku"],
                )
                messages.success(request, _("报价已保存。"))
                return redirect("console:purchasing:supplier-detail", code=code)
        except DomainError as exc:
            (edit if edit.is_bound else price).add_error(None, str(exc.detail))
    return render(
        request,
        "purchasing/console/supplier_detail.html",
        {
            "supplier": supplier,
            "edit": edit,
            "price_form": price,
            "prices": queries.list_supplier_prices(supplier),
            "orders": queries.list_purchase_orders(supplier=supplier)[:20],
            "can_manage": _can(request, roles.MANAGE_PURCHASING),
            "tab": "suppliers",
        },
    )
