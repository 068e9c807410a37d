"""Stock reads: availability for pages and the API, the ledger, low stock, days of cover,
slow movers, the daily inventory sheet, stocktake sheets and their variance."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone

from dianpu.catalog.models import Variant, option_label_for
from dianpu.core import clock
from dianpu.core.errors import DomainError, NotFoundError

from .domain.cover import (
    DEFAULT_WINDOW,
    VERDICT_WINDOW,
    WINDOWS,
    calculate_days_of_cover,
    calculate_stock_age,
    calculate_velocity,
    classify_sku,
)
from .domain.stocktake import Variance, summarize_variances
from .messages import MESSAGES
from .models import StockLevel, StockMove, StockSummary, Stocktake, StocktakeLine, Warehouse


def get_available_by_variant(variant_ids, warehouse_ids=None) -> dict[int, int]:
    """Available (on hand − reserved) per variant id, over every warehouse or over `warehouse_ids` alone."""
    levels = StockLevel.objects.filter(variant_id__in=list(variant_ids))
    if warehouse_ids is not None:
        levels = levels.filter(warehouse_id__in=list(warehouse_ids))
    rows = levels.values("variant_id").annotate(on_hand=Sum("on_hand"), reserved=Sum("reserved"))
    return {r["variant_id"]: max(0, r["on_hand"] - r["reserved"]) for r in rows}


def get_in_stock_product_ids(product_ids) -> set[int]:
    return set(
        StockLevel.objects.filter(
            variant__product_id__in=list(product_ids), variant__is_active=True, on_hand__gt=F("reserved")
        ).values_list("variant__product_id", flat=True)
    )


def get_on_hand_by_variant(variant_ids, warehouse=None) -> dict[int, int]:
    """On hand per variant id, over all warehouses or in `warehouse` alone."""
    levels = StockLevel.objects.filter(variant_id__in=list(variant_ids))
    if warehouse is not None:
        levels = levels.filter(warehouse=warehouse)
    rows = levels.values("variant_id").annotate(n=Sum("on_hand"))
    return {r["variant_id"]: r["n"] for r in rows}


def list_moves(variant_id: int, limit: int = 100):
    return StockMove.objects.filter(variant_id=variant_id).select_related("warehouse", "actor")[:limit]


def list_low_stock(limit: int = 50):
    """Levels at or below their safety stock (or out of stock), emptiest first."""
    return (
        StockLevel.objects.select_related("variant__product", "warehouse")
        .annotate(available_units=F("on_hand") - F("reserved"))
        .filter(available_units__lte=F("safety_stock"))
        .order_by("available_units", "variant__sku")[:limit]
    )


def list_warehouses():
    return Warehouse.objects.all()


def get_warehouse(code: str) -> Warehouse:
    warehouse = Warehouse.objects.filter(code=code).first()
    if warehouse is None:
        raise NotFoundError(str(MESSAGES["unknown_warehouse"]) % {"code": code}, code="unknown_warehouse")
    return warehouse


def get_variant(sku: str) -> Variant:
    variant = Variant.objects.select_related("product").filter(sku=sku).first()
    if variant is None:
        raise NotFoundError(str(MESSAGES["unknown_sku"]) % {"sku": sku}, code="unknown_sku", sku=sku)
    return variant


def list_levels(*, warehouse: Warehouse | None = None, search: str = "", low_only: bool = False):
    """Stock per SKU per warehouse, with `available_units`; filter by warehouse, SKU/name, low."""
    levels = StockLevel.objects.select_related("variant__product", "warehouse").annotate(
        available_units=F("on_hand") - F("reserved")
    )
    if warehouse is not None:
        levels = levels.filter(warehouse=warehouse)
    if search:
        levels = levels.filter(
            Q(variant__sku__icontains=search) | Q(variant__barcode=search) | Q(variant__product__name__icontains=search)
        )
    if low_only:
        levels = levels.filter(available_units__lte=F("safety_stock"))
    return levels.order_by("variant__sku", "warehouse__code")


def list_levels_by_id(ids):
    return (
        StockLevel.objects.select_related("variant__product", "warehouse")
        .filter(pk__in=list(ids))
        .annotate(available_units=F("on_hand") - F("reserved"))
        .order_by("variant__sku", "warehouse__code")
    )


def list_ledger(variant: Variant, *, warehouse: Warehouse | None = None, kind: str = ""):
    moves = StockMove.objects.filter(variant=variant).select_related("warehouse", "actor")
    if warehouse is not None:
        moves = moves.filter(warehouse=warehouse)
    if kind:
        moves = moves.filter(kind=kind)
    return moves


# --- days of cover, slow movers, the daily sheet -------------------------------------------


def check_window(window) -> int:
    try:
        window = int(window)
    except (TypeError, ValueError):
        window = -1
    if window not in WINDOWS:
        raise DomainError(MESSAGES["window_invalid"], code="window_invalid", status=422)
    return window


def local_today() -> date:
    return timezone.localtime(clock.now()).date()


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class CoverRow:
    variant_id: int
    sku: str
    name: str
    option_label: str
    on_hand: int
    reserved: int
    available: int
    safety_stock: int
    sold_in_window: int
    velocity: Decimal
    days_of_cover: Decimal | None
    age_days: int | None
    action: str
    clearance_percent: int
    sold_yesterday: int = 0
    returns: int = 0
    cost_price: Decimal = Decimal("0.00")

    @property
    def stock_value(self) -> Decimal:
        return (self.cost_price * self.on_hand).quantize(Decimal("0.01"))


def _units_by_variant(moves, kind: str, since: datetime, until: datetime | None = None, sign: int = -1) -> dict:
    rows = moves.filter(kind=kind, created_at__gte=since)
    if until is not None:
        rows = rows.filter(created_at__lt=until)
    return {r["variant_id"]: sign * (r["n"] or 0) for r in rows.values("variant_id").annotate(n=Sum("on_hand_delta"))}


INBOUND_KINDS = (StockMove.Kind.RECEIPT, StockMove.Kind.RETURN, StockMove.Kind.ADJUSTMENT, StockMove.Kind.STOCKTAKE)


def _inbound_by_variant(variant_ids, warehouse) -> dict[int, list[tuple[date, int]]]:
    moves = StockMove.objects.filter(on_hand_delta__gt=0)
    if variant_ids is not None:
        moves = moves.filter(variant_id__in=variant_ids)
    moves = moves.filter(warehouse=warehouse) if warehouse is not None else moves.filter(kind__in=INBOUND_KINDS)
    result: dict[int, list[tuple[date, int]]] = {}
    for variant_id, at, units in (
        moves.order_by("variant_id", "-created_at", "-id")
        .values_list("variant_id", "created_at", "on_hand_delta")
        .iterator(chunk_size=5000)
    ):
        result.setdefault(variant_id, []).append((timezone.localtime(at).date(), units))
    return result


def _cover_variants(search: str = ""):
    variants = Variant.objects.filter(is_active=True).order_by("sku")
    if search:
        variants = variants.filter(Q(sku__icontains=search) | Q(barcode=search) | Q(product__name__icontains=search))
    return variants


def _option_label(options, options_en=None) -> str:
    return option_label_for(options, options_en)


def list_cover(
    *,
    window: int = DEFAULT_WINDOW,
    warehouse: Warehouse | None = None,
    search: str = "",
    slow_only: bool = False,
    today: date | None = None,
    variant_ids=None,
) -> list[CoverRow]:
    """Per SKU (over all warehouses, or one): stock, units sold in the window, velocity, days of
    cover, FIFO age, suggested action and clearance markdown. Also sold yesterday and returns
    (units back on the shelf) over the last 7 days, for the daily sheet. `variant_ids` limits
    the work to those SKUs (one page of a list)."""
    window = check_window(window)
    today = today or local_today()
    levels = StockLevel.objects.all()
    moves = StockMove.objects.all()
    variants = _cover_variants(search)
    if warehouse is not None:
        levels, moves = levels.filter(warehouse=warehouse), moves.filter(warehouse=warehouse)
    if variant_ids is not None:
        # A list (one page) or a query (a subquery: no parameter limit on SQLite).
        variant_ids = variant_ids if isinstance(variant_ids, QuerySet) else list(variant_ids)
        levels, moves = levels.filter(variant_id__in=variant_ids), moves.filter(variant_id__in=variant_ids)
        variants = variants.filter(pk__in=variant_ids)
    stock = {
        r["variant_id"]: r
        for r in levels.values("variant_id").annotate(
            on_hand=Sum("on_hand"), reserved=Sum("reserved"), safety=Sum("safety_stock")
        )
    }
    start_today = _start_of(today)
    sold = _units_by_variant(moves, StockMove.Kind.SALE, _start_of(today - timedelta(days=window)), start_today)
    sold_verdict = (
        sold
        if window == VERDICT_WINDOW
        else _units_by_variant(
            moves, StockMove.Kind.SALE, _start_of(today - timedelta(days=VERDICT_WINDOW)), start_today
        )
    )
    yesterday = _units_by_variant(moves, StockMove.Kind.SALE, _start_of(today - timedelta(days=1)), start_today)
    returns = _units_by_variant(moves, StockMove.Kind.RETURN, _start_of(today - timedelta(days=7)), start_today, 1)
    variant_list = list(variants.values_list("pk", "sku", "product__name", "options", "cost_price", "options_en"))
    inbound = _inbound_by_variant(variant_ids, warehouse)
    empty = {"on_hand": 0, "reserved": 0, "safety": 0}
    rows = []
    for pk, sku, name, options, cost_price, options_en in variant_list:
        s = stock.get(pk, empty)
        available = s["on_hand"] - s["reserved"]
        velocity = calculate_velocity(sold.get(pk, 0), window)
        cover = calculate_days_of_cover(available, velocity)
        age = calculate_stock_age(s["on_hand"], inbound.get(pk, []), today)
        verdict = classify_sku(
            available=available, safety_stock=s["safety"], sold_in_verdict_window=sold_verdict.get(pk, 0), age_days=age
        )
        if slow_only and not verdict.is_slow:
            continue
        rows.append(
            CoverRow(
                variant_id=pk,
                sku=sku,
                name=name,
                option_label=_option_label(options, options_en),
                on_hand=s["on_hand"],
                reserved=s["reserved"],
                available=available,
                safety_stock=s["safety"],
                sold_in_window=sold.get(pk, 0),
                velocity=velocity,
                days_of_cover=cover,
                age_days=age,
                action=verdict.action,
                clearance_percent=verdict.clearance_percent,
                sold_yesterday=yesterday.get(pk, 0),
                returns=returns.get(pk, 0),
                cost_price=cost_price,
            )
        )
    if slow_only:
        rows.sort(key=lambda r: (-(r.age_days or 0), r.sku))
    return rows


def list_cover_variant_ids(search: str = "") -> list[int]:
    """The SKUs (variant ids) the days-of-cover list covers, in its order (for exports in chunks)."""
    return list(_cover_variants(search).values_list("pk", flat=True))


def page_cover(
    *,
    page_number,
    page_size: int = 50,
    window: int = DEFAULT_WINDOW,
    warehouse: Warehouse | None = None,
    search: str = "",
    slow_only: bool = False,
    action: str = "",
    sort: str = "",
):
    """One page of days of cover for a console or API list: (page, rows). Over all warehouses it
    reads the maintained summary (filtered, sorted and paged in SQL); for one warehouse the
    page's SKUs are computed from the ledger (slow movers of one warehouse look at every SKU)."""
    from django.core.paginator import Paginator

    if warehouse is None:
        window = check_window(window)
        rows = list_stock_summaries(
            search=search,
            action=action,
            slow_only=slow_only,
            sort=sort or ("-age" if slow_only else "sku"),
            window=window,
        )
        page = Paginator(rows, page_size).get_page(page_number)
        return page, cover_rows(page.object_list, window=window)

    if slow_only:
        page = Paginator(
            list_cover(window=window, warehouse=warehouse, search=search, slow_only=True), page_size
        ).get_page(page_number)
        return page, list(page.object_list)
    page = Paginator(_cover_variants(search).values_list("pk", flat=True), page_size).get_page(page_number)
    rows = list_cover(window=window, warehouse=warehouse, search=search, variant_ids=list(page.object_list))
    return page, rows


# --- the same figures from the maintained summary (catalogue-wide pages) -------------------------

SUMMARY_SORTS = {
    # key: (ascending order, descending order) on indexed summary columns (then SKU)
    "sku": (("variant__sku",), ("-variant__sku",)),
    "available": (("available", "variant__sku"), ("-available", "variant__sku")),
    "cover": (
        (F("days_of_cover").asc(nulls_last=True), "variant__sku"),
        (F("days_of_cover").desc(nulls_first=True), "variant__sku"),
    ),
    "sold": (("sold_30", "variant__sku"), ("-sold_30", "variant__sku")),
    "sold_7": (("sold_7", "variant__sku"), ("-sold_7", "variant__sku")),
    "age": (
        (F("oldest_unit_on").desc(nulls_last=True), "variant__sku"),
        (F("oldest_unit_on").asc(nulls_last=True), "variant__sku"),
    ),
}


def check_sort(sort: str) -> tuple[str, bool]:
    """'cover' or '-cover' -> ('cover', descending); unknown keys sort by SKU."""
    key = (sort or "").lstrip("-")
    return (key, sort.startswith("-")) if key in SUMMARY_SORTS else ("sku", False)


def _cover_order(window: int, descending: bool):
    """Order by days of cover over `window`: the stored (indexed) column for the verdict window,
    else available × window ÷ units sold, computed in SQL; endless cover (nothing sold) last."""
    if window == VERDICT_WINDOW:
        return None
    from django.db.models import Case, FloatField, When
    from django.db.models.functions import Cast

    sold = F(f"sold_{window}")
    cover = Case(
        When(**{f"sold_{window}__gt": 0}, then=Cast(F("available") * window, FloatField()) / Cast(sold, FloatField())),
        default=None,
        output_field=FloatField(),
    )
    return (cover.desc(nulls_first=True) if descending else cover.asc(nulls_last=True)), "variant__sku"


def list_stock_summaries(
    *, search: str = "", action: str = "", slow_only: bool = False, sort: str = "sku", window: int = VERDICT_WINDOW
):
    """Active SKUs' maintained summaries (StockSummary) filtered and sorted in SQL; slice it.
    `window` is the one whose figures the page shows (sorting by cover sorts by those)."""
    rows = StockSummary.objects.filter(variant__is_active=True)
    if search:
        rows = rows.filter(
            Q(variant__sku__icontains=search) | Q(variant__barcode=search) | Q(variant__product__name__icontains=search)
        )
    if action:
        rows = rows.filter(action=action)
    if slow_only:
        rows = rows.filter(is_slow=True)
    key, descending = check_sort(sort)
    order = (_cover_order(window, descending) if key == "cover" else None) or SUMMARY_SORTS[key][1 if descending else 0]
    return rows.select_related("variant__product").order_by(*order)


def count_stock_actions() -> dict[str, int]:
    """How many active SKUs get each verdict (the summary cards): one indexed GROUP BY."""
    from django.db.models import Count

    return {
        r["action"]: r["n"]
        for r in StockSummary.objects.filter(variant__is_active=True)
        .values("action")
        .annotate(n=Count("pk"))
        .order_by()
    }


ROW_FIELDS = (
    "variant_id",
    "variant__sku",
    "variant__product__name",
    "variant__options",
    "variant__cost_price",
    "on_hand",
    "reserved",
    "available",
    "safety_stock",
    "sold_yesterday",
    "sold_7",
    "sold_14",
    "sold_30",
    "returned_7",
    "oldest_unit_on",
    "action",
    "variant__options_en",
)


def _cover_row(values: tuple, window: int, today: date, clearance: bool = True) -> CoverRow:
    (
        variant_id,
        sku,
        name,
        options,
        cost_price,
        on_hand,
        reserved,
        available,
        safety_stock,
        sold_yesterday,
        sold_7,
        sold_14,
        sold_30,
        returned_7,
        oldest,
        action,
        options_en,
    ) = values
    sold = sold_7 if window == 7 else sold_14 if window == 14 else sold_30
    velocity = calculate_velocity(sold, window)
    age = None if oldest is None else max(0, (today - oldest).days)
    percent = (
        classify_sku(
            available=available, safety_stock=safety_stock, sold_in_verdict_window=sold_30, age_days=age
        ).clearance_percent
        if clearance
        else 0
    )
    return CoverRow(
        variant_id=variant_id,
        sku=sku,
        name=name,
        option_label=_option_label(options, options_en),
        on_hand=on_hand,
        reserved=reserved,
        available=available,
        safety_stock=safety_stock,
        sold_in_window=sold,
        velocity=velocity,
        days_of_cover=calculate_days_of_cover(available, velocity),
        age_days=age,
        action=action,
        clearance_percent=percent,
        sold_yesterday=sold_yesterday,
        returns=returned_7,
        cost_price=cost_price,
    )


def cover_rows(summaries, *, window: int = DEFAULT_WINDOW, today: date | None = None) -> list[CoverRow]:
    """CoverRows (figures over `window`, the verdict as maintained) for a (sliced) summary query."""
    window = check_window(window)
    today = today or local_today()
    return [_cover_row(values, window, today) for values in summaries.values_list(*ROW_FIELDS)]


def iter_cover_rows(summaries, *, window: int = DEFAULT_WINDOW, chunk: int = 2000, clearance: bool = True):
    """Every row of a summary query as CoverRows, streamed from the database `chunk` rows at a
    time: constant memory for a 100,000-SKU export (`clearance`: also the suggested markdown)."""
    window = check_window(window)
    today = local_today()
    for values in summaries.values_list(*ROW_FIELDS).iterator(chunk_size=chunk):
        yield _cover_row(values, window, today, clearance)


SHEET_WINDOW = 7


def iter_daily_sheet(*, search: str = "", action: str = "", sort: str = "sku"):
    """The daily inventory sheet (库存日报) row by row from the maintained summary: stock, sold
    yesterday, 7-day velocity and cover, returns of the last 7 days and the verdict, per SKU."""
    return iter_cover_rows(
        list_stock_summaries(search=search, action=action, sort=sort, window=SHEET_WINDOW),
        window=SHEET_WINDOW,
        clearance=False,
    )


def build_daily_sheet(today: date | None = None, warehouse: Warehouse | None = None) -> list[CoverRow]:
    """The daily sheet as a list (small shops, tests); for one warehouse, from the ledger."""
    if warehouse is not None:
        return list_cover(window=SHEET_WINDOW, warehouse=warehouse, today=today)
    return list(iter_daily_sheet())


def count_daily_sheet_actions(today: date | None = None) -> dict[str, int]:
    """How many SKUs of today's sheet get each verdict (from the maintained summary)."""
    return count_stock_actions()


# --- stocktake --------------------------------------------------------------------------------


def list_stocktakes():
    return Stocktake.objects.select_related("warehouse", "category", "created_by")


def get_stocktake(number: str) -> Stocktake:
    stocktake = list_stocktakes().filter(number=number).first()
    if stocktake is None:
        raise NotFoundError(code="not_found")
    return stocktake


def list_count_lines(stocktake: Stocktake, *, only: str = ""):
    """only: "" all, "counted", "uncounted", "variance"."""
    lines = StocktakeLine.objects.filter(stocktake=stocktake).select_related("variant__product")
    if only == "counted":
        lines = lines.filter(counted__isnull=False)
    elif only == "uncounted":
        lines = lines.filter(counted__isnull=True)
    elif only == "variance":
        lines = lines.filter(counted__isnull=False).exclude(counted=F("expected"))
    return lines.order_by("variant__sku")


def get_variance_report(stocktake: Stocktake) -> dict:
    """Lines whose count differs from the books, with units and value at cost, and totals."""
    lines = list(list_count_lines(stocktake, only="counted"))
    variances = [Variance(ln.variant.sku, ln.expected, ln.counted, ln.variant.cost_price) for ln in lines]
    return {
        "summary": summarize_variances(variances),
        "lines": [{"line": ln, "variance": v} for ln, v in zip(lines, variances, strict=True) if v.units],
        "uncounted": StocktakeLine.objects.filter(stocktake=stocktake, counted__isnull=True).count(),
    }


# --- the maintained summary against the raw tables ---------------------------------------------


def list_summary_drift(*, on_order: dict[int, int] | None = None, today: date | None = None) -> list[tuple]:
    """Every difference between the maintained StockSummary and the same figures recomputed
    from stock levels and the ledger (`list_cover`): (sku, field, kept, raw). Empty = equal."""
    from django.db.models import Max

    today = today or local_today()
    raw = {w: {r.variant_id: r for r in list_cover(window=w, today=today)} for w in WINDOWS}
    kept = {s.variant_id: s for s in StockSummary.objects.all()}
    last_sale = dict(
        StockMove.objects.filter(kind=StockMove.Kind.SALE)
        .values("variant_id")
        .annotate(at=Max("created_at"))
        .values_list("variant_id", "at")
    )
    drift = []
    for vid, r in raw[30].items():
        s = kept.get(vid)
        if s is None:
            drift.append((r.sku, "row", None, "missing"))
            continue
        age = None if s.oldest_unit_on is None else max(0, (today - s.oldest_unit_on).days)
        pairs = {
            "on_hand": (s.on_hand, r.on_hand),
            "reserved": (s.reserved, r.reserved),
            "available": (s.available, r.available),
            "safety_stock": (s.safety_stock, r.safety_stock),
            "sold_yesterday": (s.sold_yesterday, r.sold_yesterday),
            "sold_7": (s.sold_7, raw[7][vid].sold_in_window),
            "sold_14": (s.sold_14, raw[14][vid].sold_in_window),
            "sold_30": (s.sold_30, r.sold_in_window),
            "returned_7": (s.returned_7, r.returns),
            "age_days": (age, r.age_days),
            "action": (s.action, r.action),
            "days_of_cover": (s.days_of_cover, r.days_of_cover),
            "last_sale_at": (s.last_sale_at, last_sale.get(vid)),
        }
        if on_order is not None:
            pairs["on_order"] = (s.on_order, on_order.get(vid, 0))
        drift += [(r.sku, field, a, b) for field, (a, b) in pairs.items() if a != b]
    return drift


def in_stock_expression(product_ref: str = "pk"):
    """True when some active SKU of the product (`product_ref` of the outer query) can be sold:
    for ordering a product list in SQL (search ranks in-stock products first among equals)."""
    from django.db.models import Exists, OuterRef

    return Exists(
        StockLevel.objects.filter(
            variant__product_id=OuterRef(product_ref), variant__is_active=True, on_hand__gt=F("reserved")
        )
    )
