"""Stock reads: availability for pages and the API, the ledger, low stock, days of cover,
slow movers, the daily inventory sheet, stocktake sheets and their variance."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone

from dianpu.catalog.models import Variant
from dianpu.core import clock
from dianpu.core.errors import DomainError, NotFoundError

from .domain.cover import (
    DEFAULT_WINDOW, WINDOWS, CoverFacts, calculate_clearance_discount_percent, calculate_days_of_cover,
    calculate_stock_age, calculate_velocity, is_slow_or_overstock, suggest_action,
)
from .domain.stocktake import Variance, summarize_variances
from .messages import MESSAGES
from .models import StockLevel, StockMove, Stocktake, StocktakeLine, Warehouse


def get_available_by_variant(variant_ids) -> dict[int, int]:
    rows = (StockLevel.objects.filter(variant_id__in=list(variant_ids)).values("variant_id")
            .annotate(on_hand=Sum("on_hand"), reserved=Sum("reserved")))
    return {r["variant_id"]: max(0, r["on_hand"] - r["reserved"]) for r in rows}


def get_in_stock_product_ids(product_ids) -> set[int]:
    return set(
        StockLevel.objects.filter(variant__product_id__in=list(product_ids), variant__is_active=True,
                                  on_hand__gt=F("reserved"))
        .values_list("variant__product_id", flat=True)
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
    return (StockLevel.objects.select_related("variant__product", "warehouse")
            .annotate(available_units=F("on_hand") - F("reserved"))
            .filter(available_units__lte=F("safety_stock"))
            .order_by("available_units", "variant__sku")[:limit])


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
    levels = (StockLevel.objects.select_related("variant__product", "warehouse")
              .annotate(available_units=F("on_hand") - F("reserved")))
    if warehouse is not None:
        levels = levels.filter(warehouse=warehouse)
    if search:
        levels = levels.filter(Q(variant__sku__icontains=search) | Q(variant__barcode=search)
                               | Q(variant__product__name__icontains=search))
    if low_only:
        levels = levels.filter(available_units__lte=F("safety_stock"))
    return levels.order_by("variant__sku", "warehouse__code")


def list_levels_by_id(ids):
    return (StockLevel.objects.select_related("variant__product", "warehouse").filter(pk__in=list(ids))
            .annotate(available_units=F("on_hand") - F("reserved")).order_by("variant__sku", "warehouse__code"))


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
    return {r["variant_id"]: sign * (r["n"] or 0)
            for r in rows.values("variant_id").annotate(n=Sum("on_hand_delta"))}


INBOUND_KINDS = (StockMove.Kind.RECEIPT, StockMove.Kind.RETURN, StockMove.Kind.ADJUSTMENT, StockMove.Kind.STOCKTAKE)


def _inbound_by_variant(variant_ids, warehouse) -> dict[int, list[tuple[date, int]]]:
    moves = StockMove.objects.filter(on_hand_delta__gt=0)
    if variant_ids is not None:
        moves = moves.filter(variant_id__in=variant_ids)
    moves = moves.filter(warehouse=warehouse) if warehouse is not None else moves.filter(kind__in=INBOUND_KINDS)
    result: dict[int, list[tuple[date, int]]] = {}
    for variant_id, at, units in (moves.order_by("variant_id", "-created_at", "-id")
                                  .values_list("variant_id", "created_at", "on_hand_delta").iterator(chunk_size=5000)):
        result.setdefault(variant_id, []).append((timezone.localtime(at).date(), units))
    return result


def _cover_variants(search: str = ""):
    variants = Variant.objects.filter(is_active=True).order_by("sku")
    if search:
        variants = variants.filter(Q(sku__icontains=search) | Q(barcode=search) | Q(product__name__icontains=search))
    return variants


def _option_label(options) -> str:
    return " / ".join(str(v) for v in (options or {}).values())


def list_cover(*, window: int = DEFAULT_WINDOW, warehouse: Warehouse | None = None, search: str = "",
               slow_only: bool = False, today: date | None = None, variant_ids=None) -> list[CoverRow]:
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
    stock = {r["variant_id"]: r for r in levels.values("variant_id").annotate(
        on_hand=Sum("on_hand"), reserved=Sum("reserved"), safety=Sum("safety_stock"))}
    start_today = _start_of(today)
    sold = _units_by_variant(moves, StockMove.Kind.SALE, _start_of(today - timedelta(days=window)), start_today)
    yesterday = _units_by_variant(moves, StockMove.Kind.SALE, _start_of(today - timedelta(days=1)), start_today)
    returns = _units_by_variant(moves, StockMove.Kind.RETURN, _start_of(today - timedelta(days=7)), start_today, 1)
    variant_list = list(variants.values_list("pk", "sku", "product__name", "options", "cost_price"))
    inbound = _inbound_by_variant(variant_ids, warehouse)
    empty = {"on_hand": 0, "reserved": 0, "safety": 0}
    rows = []
    for pk, sku, name, options, cost_price in variant_list:
        s = stock.get(pk, empty)
        available = s["on_hand"] - s["reserved"]
        velocity = calculate_velocity(sold.get(pk, 0), window)
        cover = calculate_days_of_cover(available, velocity)
        age = calculate_stock_age(s["on_hand"], inbound.get(pk, []), today)
        facts = CoverFacts(available, s["safety"], velocity, cover, age)
        slow = is_slow_or_overstock(facts)
        if slow_only and not slow:
            continue
        rows.append(CoverRow(
            variant_id=pk, sku=sku, name=name, option_label=_option_label(options), on_hand=s["on_hand"],
            reserved=s["reserved"], available=available, safety_stock=s["safety"],
            sold_in_window=sold.get(pk, 0), velocity=velocity, days_of_cover=cover, age_days=age,
            action=suggest_action(facts), clearance_percent=calculate_clearance_discount_percent(cover, age) if slow else 0,
            sold_yesterday=yesterday.get(pk, 0), returns=returns.get(pk, 0), cost_price=cost_price))
    if slow_only:
        rows.sort(key=lambda r: (-(r.age_days or 0), r.sku))
    return rows


def list_cover_variant_ids(search: str = "") -> list[int]:
    """The SKUs (variant ids) the days-of-cover list covers, in its order (for exports in chunks)."""
    return list(_cover_variants(search).values_list("pk", flat=True))


def page_cover(*, page_number, page_size: int = 50, window: int = DEFAULT_WINDOW,
               warehouse: Warehouse | None = None, search: str = "", slow_only: bool = False):
    """One page of `list_cover` for a console or API list: (page, rows). Without `slow_only`
    only the page's SKUs are computed; slow movers need every SKU to be looked at."""
    from django.core.paginator import Paginator

    if slow_only:
        page = Paginator(list_cover(window=window, warehouse=warehouse, search=search, slow_only=True),
                         page_size).get_page(page_number)
        return page, list(page.object_list)
    page = Paginator(_cover_variants(search).values_list("pk", flat=True), page_size).get_page(page_number)
    rows = list_cover(window=window, warehouse=warehouse, search=search, variant_ids=list(page.object_list))
    return page, rows


def build_daily_sheet(today: date | None = None, warehouse: Warehouse | None = None) -> list[CoverRow]:
    """The daily inventory sheet (库存日报): stock, sold yesterday, 7-day velocity, days of cover,
    returns of the last 7 days and the suggested action, per SKU."""
    return list_cover(window=7, warehouse=warehouse, today=today)


SHEET_COUNTS_SECONDS = 600


def count_daily_sheet_actions(today: date | None = None) -> dict[str, int]:
    """How many SKUs of today's sheet get each suggestion. Every SKU must be looked at, so the
    counts are cached (a 100,000-SKU sheet takes seconds to build) until the ledger moves, or for
    ten minutes at most (a safety-stock change shows within that)."""
    from django.core.cache import cache
    from django.db.models import Max

    today = today or local_today()
    last_move = StockMove.objects.aggregate(n=Max("id"))["n"] or 0

    def count() -> dict[str, int]:
        counts: dict[str, int] = {}
        for row in build_daily_sheet(today=today):
            counts[row.action] = counts.get(row.action, 0) + 1
        return counts

    key = f"inventory:sheet-actions:{today.isoformat()}:{last_move}:{Variant.objects.count()}"
    return cache.get_or_set(key, count, SHEET_COUNTS_SECONDS)


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
        "lines": [{"line": ln, "variance": v} for ln, v in zip(lines, variances) if v.units],
        "uncounted": StocktakeLine.objects.filter(stocktake=stocktake, counted__isnull=True).count(),
    }


def in_stock_expression(product_ref: str = "pk"):
    """True when some active SKU of the product (`product_ref` of the outer query) can be sold:
    for ordering a product list in SQL (search ranks in-stock products first among equals)."""
    from django.db.models import Exists, OuterRef

    return Exists(StockLevel.objects.filter(variant__product_id=OuterRef(product_ref), variant__is_active=True,
                                            on_hand__gt=F("reserved")))
