"""Staff stock endpoints: warehouses, levels, the ledger, transfers, adjustments, safety stock,
days of cover and slow movers, the daily sheet (JSON and XLSX), stocktakes."""

from django.http import FileResponse
from ninja import Query, Router, Schema, Status

from dianpu.accounts.auth import StaffToken, require_perm
from dianpu.accounts.domain import roles
from dianpu.catalog.queries import get_category
from dianpu.core.bounds import PageNumber
from dianpu.core.http import client_ip

from . import queries, services
from .exports import build_daily_sheet_file, daily_sheet_filename
from .schemas import (
    AdjustmentIn,
    CountIn,
    CountLineOut,
    CoverList,
    Ledger,
    LevelList,
    LevelOut,
    PostedOut,
    SafetyStockIn,
    StocktakeIn,
    StocktakeOut,
    StocktakeSummaryOut,
    TransferIn,
    TransferOut,
    WarehouseIn,
    WarehouseOut,
)

router = Router(tags=["stock"], auth=StaffToken())
MAX_PAGE = 500


def _page(rows, page: int, page_size: int):
    size = max(1, min(page_size, MAX_PAGE))
    page = max(1, page)
    return rows[(page - 1) * size : page * size], page


def level_out(level) -> dict:
    available = level.on_hand - level.reserved
    return {
        "sku": level.variant.sku,
        "product": level.variant.product.name,
        "variant": level.variant.option_label,
        "warehouse": level.warehouse.code,
        "on_hand": level.on_hand,
        "reserved": level.reserved,
        "available": available,
        "safety_stock": level.safety_stock,
        "is_low": available <= level.safety_stock,
    }


def _level_of(sku: str, code: str) -> dict:
    return level_out(queries.list_levels(warehouse=queries.get_warehouse(code)).get(variant__sku=sku))


@router.get("/warehouses", response=list[WarehouseOut], summary="Warehouses, the default first")
def list_warehouses(request):
    require_perm(request.auth, roles.VIEW_STOCK)
    return list(queries.list_warehouses())


@router.post("/warehouses", response={201: WarehouseOut}, summary="Add a warehouse")
def create_warehouse(request, payload: WarehouseIn):
    require_perm(request.auth, roles.VIEW_STOCK, roles.ADJUST_STOCK)
    return Status(
        201,
        services.create_warehouse(
            actor=request.auth,
            code=payload.code,
            name=payload.name,
            is_default=payload.is_default,
            ip_address=client_ip(request),
        ),
    )


class LevelFilters(Schema):
    warehouse: str = ""
    search: str = ""
    low_only: bool = False
    page: PageNumber = 1
    page_size: int = 100


@router.get(
    "/stock-levels",
    response=LevelList,
    summary="Stock per SKU per warehouse: on hand, reserved, available, safety stock (filters, low only)",
)
def list_levels(request, filters: Query[LevelFilters]):
    require_perm(request.auth, roles.VIEW_STOCK)
    services.ensure_stock_summaries_current()
    warehouse = queries.get_warehouse(filters.warehouse) if filters.warehouse else None
    levels = queries.list_levels(warehouse=warehouse, search=filters.search, low_only=filters.low_only)
    rows, page = _page(levels, filters.page, filters.page_size)
    return {"items": [level_out(lv) for lv in rows], "count": levels.count(), "page": page}


class LedgerFilters(Schema):
    warehouse: str = ""
    kind: str = ""
    page: PageNumber = 1
    page_size: int = 100


@router.get("/stock-levels/{sku}/moves", response=Ledger, summary="The stock ledger of one SKU, newest first")
def list_moves(request, sku: str, filters: Query[LedgerFilters]):
    require_perm(request.auth, roles.VIEW_STOCK)
    variant = queries.get_variant(sku)
    warehouse = queries.get_warehouse(filters.warehouse) if filters.warehouse else None
    moves = queries.list_ledger(variant, warehouse=warehouse, kind=filters.kind)
    rows, page = _page(moves, filters.page, filters.page_size)
    return {
        "sku": sku,
        "on_hand": queries.get_on_hand_by_variant([variant.id]).get(variant.id, 0),
        "available": queries.get_available_by_variant([variant.id]).get(variant.id, 0),
        "items": [
            {
                "at": m.created_at,
                "kind": m.kind,
                "warehouse": m.warehouse.code,
                "on_hand_delta": m.on_hand_delta,
                "reserved_delta": m.reserved_delta,
                "reference": m.reference,
                "reason": m.reason,
                "actor": m.actor.get_username() if m.actor else "",
            }
            for m in rows
        ],
        "count": moves.count(),
        "page": page,
    }


@router.post(
    "/stock-levels/{sku}/safety-stock", response=LevelOut, summary="Set the safety stock of a SKU in a warehouse"
)
def set_safety_stock(request, sku: str, payload: SafetyStockIn):
    require_perm(request.auth, roles.VIEW_STOCK, roles.ADJUST_STOCK)
    level = services.set_safety_stock(
        actor=request.auth,
        variant=queries.get_variant(sku),
        warehouse=queries.get_warehouse(payload.warehouse),
        safety_stock=payload.safety_stock,
        ip_address=client_ip(request),
    )
    return level_out(level)


@router.post(
    "/stock-transfers",
    response={201: TransferOut},
    summary="Move available units between warehouses (two ledger rows, all or nothing)",
)
def transfer(request, payload: TransferIn):
    require_perm(request.auth, roles.VIEW_STOCK, roles.ADJUST_STOCK)
    variant = queries.get_variant(payload.sku)
    source, target = queries.get_warehouse(payload.from_warehouse), queries.get_warehouse(payload.to_warehouse)
    reference = services.transfer_stock(
        actor=request.auth,
        variant=variant,
        from_warehouse=source,
        to_warehouse=target,
        quantity=payload.quantity,
        reason=payload.reason,
        ip_address=client_ip(request),
    )
    return Status(
        201,
        {
            "reference": reference,
            "sku": payload.sku,
            "from_level": _level_of(payload.sku, source.code),
            "to_level": _level_of(payload.sku, target.code),
        },
    )


@router.post(
    "/stock-adjustments",
    response={201: LevelOut},
    summary="Add or remove units by hand with a reason (damaged, lost, found, correction, sample, other)",
)
def adjust(request, payload: AdjustmentIn):
    require_perm(request.auth, roles.VIEW_STOCK, roles.ADJUST_STOCK)
    level = services.record_adjustment(
        actor=request.auth,
        variant=queries.get_variant(payload.sku),
        warehouse=queries.get_warehouse(payload.warehouse),
        delta=payload.delta,
        reason_code=payload.reason_code,
        note=payload.note,
        ip_address=client_ip(request),
    )
    return Status(201, level_out(level))


class CoverFilters(Schema):
    window: int = 30
    warehouse: str = ""
    search: str = ""
    slow_only: bool = False
    page: PageNumber = 1
    page_size: int = 100


def cover_out(r) -> dict:
    return {
        "sku": r.sku,
        "product": r.name,
        "variant": r.option_label,
        "on_hand": r.on_hand,
        "reserved": r.reserved,
        "available": r.available,
        "safety_stock": r.safety_stock,
        "sold_in_window": r.sold_in_window,
        "sold_yesterday": r.sold_yesterday,
        "returns_7_days": r.returns,
        "velocity": r.velocity,
        "days_of_cover": r.days_of_cover,
        "age_days": r.age_days,
        "action": r.action,
        "clearance_percent": r.clearance_percent,
    }


@router.get(
    "/stock-cover",
    response=CoverList,
    summary="Days of cover (可售天数) per SKU from sales velocity over 7/14/30 days; slow movers and overstock",
)
def list_cover(request, filters: Query[CoverFilters]):
    require_perm(request.auth, roles.VIEW_STOCK)
    services.ensure_stock_summaries_current()
    warehouse = queries.get_warehouse(filters.warehouse) if filters.warehouse else None
    page, rows = queries.page_cover(
        page_number=max(1, filters.page),
        page_size=max(1, min(filters.page_size, MAX_PAGE)),
        window=queries.check_window(filters.window),
        warehouse=warehouse,
        search=filters.search,
        slow_only=filters.slow_only,
    )
    return {
        "window": filters.window,
        "items": [cover_out(r) for r in rows],
        "count": page.paginator.count,
        "page": page.number,
    }


@router.get(
    "/inventory-sheets/daily",
    response=CoverList,
    summary="Today's inventory sheet: stock, sold yesterday, 7-day velocity, days of cover, returns, action",
)
def daily_sheet(request, page: PageNumber = 1, page_size: int = 100):
    require_perm(request.auth, roles.VIEW_STOCK)
    services.ensure_stock_summaries_current()
    found, rows = queries.page_cover(page_number=max(1, page), page_size=max(1, min(page_size, MAX_PAGE)), window=7)
    return {"window": 7, "items": [cover_out(r) for r in rows], "count": found.paginator.count, "page": found.number}


@router.get(
    "/inventory-sheets/daily.xlsx",
    summary="Today's inventory sheet as an XLSX workbook",
    response={200: None},
    openapi_extra={
        "responses": {
            200: {
                "description": "XLSX",
                "content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}},
            }
        }
    },
)
def daily_sheet_xlsx(request):
    require_perm(request.auth, roles.VIEW_STOCK)
    services.ensure_stock_summaries_current()
    day = queries.local_today()
    return FileResponse(
        build_daily_sheet_file(day),
        as_attachment=True,
        filename=daily_sheet_filename(day),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# --- stocktakes ---------------------------------------------------------------------------------


def stocktake_summary(s) -> dict:
    return {
        "number": s.number,
        "warehouse": s.warehouse.code,
        "category": s.category.slug if s.category else "",
        "status": s.status,
        "created_at": s.created_at,
        "posted_at": s.posted_at,
    }


def count_line_out(line) -> dict:
    return {
        "sku": line.variant.sku,
        "barcode": line.variant.barcode,
        "product": line.variant.product.name,
        "expected": line.expected,
        "counted": line.counted,
        "variance": line.variance,
    }


def stocktake_out(s) -> dict:
    report = queries.get_variance_report(s)
    summary = report["summary"]
    return {
        **stocktake_summary(s),
        "note": s.note,
        "summary": {
            "lines_counted": summary.lines_counted,
            "lines_with_variance": summary.lines_with_variance,
            "units_over": summary.units_over,
            "units_short": summary.units_short,
            "value": summary.value,
            "uncounted": report["uncounted"],
        },
        "variances": [count_line_out(x["line"]) for x in report["lines"]],
    }


@router.get("/stocktakes", response=list[StocktakeSummaryOut], summary="Stocktake (盘点) sheets, newest first")
def list_stocktakes(request, status: str = ""):
    require_perm(request.auth, roles.VIEW_STOCK)
    sheets = queries.list_stocktakes()
    if status:
        sheets = sheets.filter(status=status)
    return [stocktake_summary(s) for s in sheets[:200]]


@router.post(
    "/stocktakes",
    response={201: StocktakeOut},
    summary="Open a count sheet for a warehouse (optionally one category); expected units taken now",
)
def open_stocktake(request, payload: StocktakeIn):
    require_perm(request.auth, roles.VIEW_STOCK, roles.ADJUST_STOCK)
    category = get_category(payload.category) if payload.category else None
    sheet = services.open_stocktake(
        actor=request.auth, warehouse=queries.get_warehouse(payload.warehouse), category=category, note=payload.note
    )
    return Status(201, stocktake_out(queries.get_stocktake(sheet.number)))


@router.get("/stocktakes/{number}", response=StocktakeOut, summary="A count sheet with its variance report")
def get_stocktake(request, number: str):
    require_perm(request.auth, roles.VIEW_STOCK)
    return stocktake_out(queries.get_stocktake(number))


@router.get(
    "/stocktakes/{number}/lines",
    response=list[CountLineOut],
    summary="Lines of a count sheet (only: counted, uncounted, variance)",
)
def list_count_lines(request, number: str, only: str = ""):
    require_perm(request.auth, roles.VIEW_STOCK)
    return [count_line_out(ln) for ln in queries.list_count_lines(queries.get_stocktake(number), only=only)]


@router.post(
    "/stocktakes/{number}/counts",
    response=CountLineOut,
    summary="Enter a count by SKU or barcode (add=true adds, for scanning)",
)
def record_count(request, number: str, payload: CountIn):
    require_perm(request.auth, roles.VIEW_STOCK, roles.ADJUST_STOCK)
    line = services.record_count(
        actor=request.auth,
        stocktake=queries.get_stocktake(number),
        code=payload.code,
        quantity=payload.quantity,
        add=payload.add,
    )
    return count_line_out(line)


@router.post(
    "/stocktakes/{number}/post",
    response=PostedOut,
    summary="Post the variances as stocktake ledger rows, all in one transaction",
)
def post_stocktake(request, number: str):
    require_perm(request.auth, roles.VIEW_STOCK, roles.ADJUST_STOCK)
    sheet = queries.get_stocktake(number)
    adjusted = services.post_stocktake(actor=request.auth, stocktake=sheet, ip_address=client_ip(request))
    return {"number": number, "status": "posted", "lines_adjusted": adjusted}


@router.post("/stocktakes/{number}/cancel", response=StocktakeSummaryOut, summary="Cancel an open count sheet")
def cancel_stocktake(request, number: str):
    require_perm(request.auth, roles.VIEW_STOCK, roles.ADJUST_STOCK)
    services.cancel_stocktake(actor=request.auth, stocktake=queries.get_stocktake(number))
    return stocktake_summary(queries.get_stocktake(number))
