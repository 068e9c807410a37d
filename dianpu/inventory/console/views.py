"""Stock pages: levels per warehouse, the ledger of one SKU, transfers and adjustments, safety
stock, warehouses, days of cover and slow movers, the daily sheet, stocktakes. Thin edges over
inventory.queries and inventory.services."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dianpu.accounts.decorators import forbidden, staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.core.errors import DomainError, NotFoundError
from dianpu.core.exports import Column, Table, export_response, local_time, wants_export
from dianpu.core.http import client_ip
from dianpu.inventory import queries, services
from dianpu.inventory.domain.cover import DEFAULT_WINDOW, VERDICT_WINDOW
from dianpu.inventory.exports import build_daily_sheet_file, daily_sheet_filename
from dianpu.inventory.messages import ACTION_LABELS
from dianpu.inventory.models import Stocktake

from .forms import (
    AdjustmentForm,
    CountForm,
    CoverFilterForm,
    LedgerFilterForm,
    LevelFilterForm,
    SafetyStockForm,
    SheetFilterForm,
    StocktakeForm,
    TransferForm,
    WarehouseForm,
)

PAGE_SIZE = 50
LEDGER_ROWS = 100


def _can_adjust(request) -> bool:
    return request.user.has_perm(roles.ADJUST_STOCK)


def _variant_or_error(form, field="sku"):
    try:
        return queries.get_variant(form.cleaned_data[field].strip())
    except NotFoundError as exc:
        form.add_error(field, str(exc.detail))
        return None


@staff_permission_required(roles.VIEW_STOCK)
def level_list(request):
    filters = LevelFilterForm(request.GET or None)
    c = filters.cleaned_data if filters.is_valid() else {}
    levels = queries.list_levels(
        warehouse=c.get("warehouse"), search=(c.get("q") or "").strip(), low_only=bool(c.get("low"))
    )
    if wants_export(request):
        return export_response(
            request,
            Table(
                "stock_levels",
                _("库存"),
                [
                    Column("sku", _("SKU")),
                    Column("product", _("商品")),
                    Column("option", _("规格")),
                    Column("warehouse", _("仓库")),
                    Column("on_hand", _("在库"), numeric=True),
                    Column("reserved", _("已占用"), numeric=True),
                    Column("available", _("可用"), numeric=True),
                    Column("safety_stock", _("安全库存"), numeric=True),
                ],
                (
                    {
                        "sku": lv.variant.sku,
                        "product": lv.variant.product.name,
                        "option": lv.variant.option_label,
                        "warehouse": lv.warehouse.name,
                        "on_hand": lv.on_hand,
                        "reserved": lv.reserved,
                        "available": lv.available_units,
                        "safety_stock": lv.safety_stock,
                    }
                    for lv in levels.iterator(chunk_size=2000)
                ),
            ),
        )
    page = Paginator(levels, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "inventory/console/level_list.html",
        {
            "filters": filters,
            "page_obj": page,
            "levels": page.object_list,
            "can_adjust": _can_adjust(request),
            "tab": "levels",
        },
    )


@staff_permission_required(roles.VIEW_STOCK)
def move_list(request, sku):
    try:
        variant = queries.get_variant(sku)
    except NotFoundError as exc:
        raise Http404(sku) from exc
    filters = LedgerFilterForm(request.GET or None)
    c = filters.cleaned_data if filters.is_valid() else {}
    moves = queries.list_ledger(variant, warehouse=c.get("warehouse"), kind=c.get("kind") or "")
    if wants_export(request):
        return export_response(
            request,
            Table(
                f"ledger_{variant.sku}",
                _("库存流水"),
                [
                    Column("created_at", _("时间")),
                    Column("kind", _("类型")),
                    Column("warehouse", _("仓库")),
                    Column("on_hand_delta", _("在库变动"), numeric=True),
                    Column("reserved_delta", _("占用变动"), numeric=True),
                    Column("reference", _("单号")),
                    Column("reason", _("原因")),
                    Column("actor", _("操作人")),
                ],
                (
                    {
                        "created_at": local_time(m.created_at),
                        "kind": m.get_kind_display(),
                        "warehouse": m.warehouse.name,
                        "on_hand_delta": m.on_hand_delta,
                        "reserved_delta": m.reserved_delta,
                        "reference": m.reference,
                        "reason": m.reason,
                        "actor": m.actor.get_username() if m.actor_id else "system",
                    }
                    for m in moves.iterator(chunk_size=2000)
                ),
            ),
        )
    page = Paginator(moves, LEDGER_ROWS).get_page(request.GET.get("page"))
    return render(
        request,
        "inventory/console/move_list.html",
        {
            "variant": variant,
            "moves": page.object_list,
            "page_obj": page,
            "filters": filters,
            "levels": queries.list_levels().filter(variant=variant),
            "on_hand": queries.get_on_hand_by_variant([variant.id]).get(variant.id, 0),
            "available": queries.get_available_by_variant([variant.id]).get(variant.id, 0),
            "can_view_catalog": request.user.has_perm(roles.VIEW_CATALOG),
            "can_adjust": _can_adjust(request),
            "safety_form": SafetyStockForm(),
            "tab": "levels",
        },
    )


@staff_permission_required(roles.VIEW_STOCK, roles.ADJUST_STOCK)
@require_POST
def safety_stock_set(request, sku):
    form = SafetyStockForm(request.POST)
    if form.is_valid():
        try:
            services.set_safety_stock(
                actor=request.user,
                variant=queries.get_variant(sku),
                warehouse=form.cleaned_data["warehouse"],
                safety_stock=form.cleaned_data["safety_stock"],
                ip_address=client_ip(request),
            )
            messages.success(request, _("安全库存已保存。"))
        except DomainError as exc:
            messages.error(request, str(exc.detail))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("console:inventory:move-list", sku=sku)


@staff_permission_required(roles.VIEW_STOCK, roles.ADJUST_STOCK)
def transfer_create(request):
    form = TransferForm(request.POST or None, initial={"sku": request.GET.get("sku", "")})
    if request.method == "POST" and form.is_valid():
        variant = _variant_or_error(form)
        if variant is not None:
            c = form.cleaned_data
            try:
                reference = services.transfer_stock(
                    actor=request.user,
                    variant=variant,
                    from_warehouse=c["from_warehouse"],
                    to_warehouse=c["to_warehouse"],
                    quantity=c["quantity"],
                    reason=c["reason"],
                    ip_address=client_ip(request),
                )
                messages.success(request, _("调拨 %(reference)s 已完成。") % {"reference": reference})
                return redirect("console:inventory:move-list", sku=variant.sku)
            except DomainError as exc:
                form.add_error(None, str(exc.detail))
    return render(
        request,
        "inventory/console/stock_form.html",
        {
            "form": form,
            "title": _("库存调拨"),
            "tab": "levels",
            "help": _("只能调出可用数量（在库减去已占用）；调出和调入在同一事务中完成，并各记一条库存流水。"),
        },
    )


@staff_permission_required(roles.VIEW_STOCK, roles.ADJUST_STOCK)
def adjustment_create(request):
    form = AdjustmentForm(request.POST or None, initial={"sku": request.GET.get("sku", "")})
    if request.method == "POST" and form.is_valid():
        variant = _variant_or_error(form)
        if variant is not None:
            c = form.cleaned_data
            try:
                services.record_adjustment(
                    actor=request.user,
                    variant=variant,
                    warehouse=c["warehouse"],
                    delta=form.delta(),
                    reason_code=c["reason_code"],
                    note=c["note"],
                    ip_address=client_ip(request),
                )
                messages.success(request, _("库存已调整。"))
                return redirect("console:inventory:move-list", sku=variant.sku)
            except DomainError as exc:
                form.add_error(None, str(exc.detail))
    return render(
        request,
        "inventory/console/stock_form.html",
        {
            "form": form,
            "title": _("库存调整"),
            "tab": "levels",
            "help": _("报损、丢失、盘盈或更正：每次调整都带原因记入库存流水和审计日志。"),
        },
    )


@staff_permission_required(roles.VIEW_STOCK)
def warehouse_list(request):
    form = WarehouseForm(request.POST or None)
    if request.method == "POST":
        if not _can_adjust(request):
            return forbidden(request, roles.ADJUST_STOCK)
        if form.is_valid():
            try:
                services.create_warehouse(actor=request.user, ip_address=client_ip(request), **form.cleaned_data)
                messages.success(request, _("仓库已添加。"))
                return redirect("console:inventory:warehouse-list")
            except DomainError as exc:
                form.add_error(None, str(exc.detail))
    return render(
        request,
        "inventory/console/warehouse_list.html",
        {
            "warehouses": queries.list_warehouses(),
            "form": form,
            "can_adjust": _can_adjust(request),
            "tab": "warehouses",
        },
    )


def _cover_filters(request):
    filters = CoverFilterForm(request.GET or None)
    c = filters.cleaned_data if filters.is_valid() else {}
    return filters, c.get("window") or DEFAULT_WINDOW, c


def _cover_table(window, c) -> Table:
    """Days of cover as exported: every SKU matching the page's filters, streamed in chunks."""
    warehouse, search, slow = c.get("warehouse"), (c.get("q") or "").strip(), bool(c.get("slow"))

    def source():
        if warehouse is None:
            yield from queries.iter_cover_rows(
                queries.list_stock_summaries(
                    search=search,
                    action=c.get("action") or "",
                    slow_only=slow,
                    sort=c.get("sort") or ("-age" if slow else "sku"),
                    window=window,
                ),
                window=window,
            )
        elif slow:
            yield from queries.list_cover(window=window, warehouse=warehouse, search=search, slow_only=True)
        else:
            ids = queries.list_cover_variant_ids(search)
            for i in range(0, len(ids), 2000):
                yield from queries.list_cover(
                    window=window, warehouse=warehouse, search=search, variant_ids=ids[i : i + 2000]
                )

    def rows():
        for r in source():
            yield {
                "sku": r.sku,
                "name": r.name,
                "option": r.option_label,
                "available": r.available,
                "safety_stock": r.safety_stock,
                "sold_in_window": r.sold_in_window,
                "velocity": r.velocity,
                "days_of_cover": r.days_of_cover,
                "age_days": r.age_days,
                "action": str(ACTION_LABELS.get(r.action, r.action or "")),
                "clearance_percent": r.clearance_percent or None,
            }

    return Table(
        "days_of_cover",
        _("可售天数"),
        [
            Column("sku", _("SKU")),
            Column("name", _("商品")),
            Column("option", _("规格")),
            Column("available", _("可用"), numeric=True),
            Column("safety_stock", _("安全库存"), numeric=True),
            Column("sold_in_window", _("窗口销量"), numeric=True),
            Column("velocity", _("日均销量"), numeric=True),
            Column("days_of_cover", _("可售天数"), numeric=True),
            Column("age_days", _("库龄（天）"), numeric=True),
            Column("action", _("建议")),
            Column("clearance_percent", _("建议折扣"), numeric=True),
        ],
        rows(),
    )


def _action_cards(counts, url_name, extra=""):
    """The summary cards: one per verdict, each a link to the list filtered to its rows."""
    base = reverse(url_name)
    return [
        {"code": code, "label": label, "count": counts.get(code, 0), "url": f"{base}?action={code}{extra}"}
        for code, label in ACTION_LABELS.items()
    ]


@staff_permission_required(roles.VIEW_STOCK)
def cover_list(request):
    services.ensure_stock_summaries_current()
    filters, window, c = _cover_filters(request)
    if wants_export(request):
        return export_response(request, _cover_table(window, c))
    page, rows = queries.page_cover(
        page_number=request.GET.get("page"),
        page_size=PAGE_SIZE,
        window=window,
        warehouse=c.get("warehouse"),
        search=(c.get("q") or "").strip(),
        slow_only=bool(c.get("slow")),
        action=c.get("action") or "",
        sort=c.get("sort") or "",
    )
    return render(
        request,
        "inventory/console/cover_list.html",
        {
            "filters": filters,
            "window": window,
            "page_obj": page,
            "rows": rows,
            "verdict_window": VERDICT_WINDOW,
            "cards": _action_cards(queries.count_stock_actions(), "console:inventory:cover-list"),
            "active_action": c.get("action") or "",
            "action_labels": ACTION_LABELS,
            "tab": "cover",
        },
    )


@staff_permission_required(roles.VIEW_STOCK)
def daily_sheet(request):
    services.ensure_stock_summaries_current()
    filters = SheetFilterForm(request.GET or None)
    c = filters.cleaned_data if filters.is_valid() else {}
    page, rows = queries.page_cover(
        page_number=request.GET.get("page"),
        page_size=PAGE_SIZE,
        window=queries.SHEET_WINDOW,
        search=(c.get("q") or "").strip(),
        action=c.get("action") or "",
        sort=c.get("sort") or "",
    )
    return render(
        request,
        "inventory/console/daily_sheet.html",
        {
            "day": queries.local_today(),
            "page_obj": page,
            "rows": rows,
            "action_labels": ACTION_LABELS,
            "filters": filters,
            "active_action": c.get("action") or "",
            "verdict_window": VERDICT_WINDOW,
            "cards": _action_cards(queries.count_stock_actions(), "console:inventory:daily-sheet"),
            "tab": "daily",
        },
    )


@staff_permission_required(roles.VIEW_STOCK)
def daily_sheet_xlsx(request):
    """Today's sheet of every SKU, streamed through a temporary file in constant memory."""
    services.ensure_stock_summaries_current()
    day = queries.local_today()
    return FileResponse(
        build_daily_sheet_file(day),
        as_attachment=True,
        filename=daily_sheet_filename(day),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# --- stocktakes ---------------------------------------------------------------------------------


@staff_permission_required(roles.VIEW_STOCK)
def stocktake_list(request):
    form = StocktakeForm(request.POST or None)
    if request.method == "POST":
        if not _can_adjust(request):
            return forbidden(request, roles.ADJUST_STOCK)
        if form.is_valid():
            sheet = services.open_stocktake(actor=request.user, **form.cleaned_data)
            messages.success(request, _("盘点单 %(number)s 已创建。") % {"number": sheet.number})
            return redirect("console:inventory:stocktake-detail", number=sheet.number)
    page = Paginator(queries.list_stocktakes(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "inventory/console/stocktake_list.html",
        {
            "page_obj": page,
            "sheets": page.object_list,
            "form": form,
            "can_adjust": _can_adjust(request),
            "tab": "stocktakes",
        },
    )


def _get_stocktake(number):
    try:
        return queries.get_stocktake(number)
    except NotFoundError as exc:
        raise Http404(number) from exc


@staff_permission_required(roles.VIEW_STOCK)
def stocktake_detail(request, number):
    sheet = _get_stocktake(number)
    form = CountForm(request.POST or None, initial={"quantity": 1, "add": True})
    if request.method == "POST":
        if not _can_adjust(request):
            return forbidden(request, roles.ADJUST_STOCK)
        if form.is_valid():
            c = form.cleaned_data
            try:
                line = services.record_count(
                    actor=request.user, stocktake=sheet, code=c["code"], quantity=c["quantity"], add=c["add"]
                )
                messages.success(
                    request, _("%(sku)s 已盘点 %(counted)s 件。") % {"sku": line.variant.sku, "counted": line.counted}
                )
                return redirect(f"{request.path}?only={request.GET.get('only', '')}")
            except DomainError as exc:
                form.add_error("code", str(exc.detail))
    only = request.GET.get("only", "")
    lines = Paginator(queries.list_count_lines(sheet, only=only), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "inventory/console/stocktake_detail.html",
        {
            "sheet": sheet,
            "form": form,
            "page_obj": lines,
            "lines": lines.object_list,
            "only": only,
            "report": queries.get_variance_report(sheet),
            "is_open": sheet.status == Stocktake.Status.OPEN,
            "can_adjust": _can_adjust(request),
            "tab": "stocktakes",
        },
    )


@staff_permission_required(roles.VIEW_STOCK, roles.ADJUST_STOCK)
@require_POST
def stocktake_post(request, number):
    sheet = _get_stocktake(number)
    try:
        adjusted = services.post_stocktake(actor=request.user, stocktake=sheet, ip_address=client_ip(request))
        messages.success(request, _("盘点单已过账，调整了 %(count)s 个 SKU。") % {"count": adjusted})
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    return redirect("console:inventory:stocktake-detail", number=number)


@staff_permission_required(roles.VIEW_STOCK, roles.ADJUST_STOCK)
@require_POST
def stocktake_cancel(request, number):
    try:
        services.cancel_stocktake(actor=request.user, stocktake=_get_stocktake(number))
        messages.success(request, _("盘点单已取消。"))
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    return redirect("console:inventory:stocktake-detail", number=number)
