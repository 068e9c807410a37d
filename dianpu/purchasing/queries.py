"""Purchasing reads: suppliers, purchase orders, units on order, replenishment suggestions."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import ExpressionWrapper, F, IntegerField, Max, Prefetch, Q, Sum, Value
from django.db.models.functions import Greatest

from dianpu.core.errors import NotFoundError
from dianpu.inventory.domain.cover import DEFAULT_WINDOW, calculate_days_of_cover, calculate_velocity
from dianpu.inventory.queries import check_window, list_stock_summaries

from .domain.replenishment import calculate_reorder_quantity
from .models import OPEN_STATUSES, OUTSTANDING, PurchaseOrder, PurchaseOrderLine, Supplier, SupplierPrice

DEFAULT_COVER_DAYS = 30


def list_suppliers(*, search: str = "", active_only: bool = False):
    suppliers = Supplier.objects.all()
    if search:
        suppliers = suppliers.filter(Q(name__icontains=search) | Q(code__icontains=search))
    if active_only:
        suppliers = suppliers.filter(is_active=True)
    return suppliers


def get_supplier(code: str) -> Supplier:
    supplier = Supplier.objects.filter(code=code).first()
    if supplier is None:
        raise NotFoundError(code="not_found")
    return supplier


def list_supplier_prices(supplier: Supplier):
    return supplier.prices.select_related("variant__product").order_by("variant__sku")


def list_purchase_orders(*, status: str = "", supplier: Supplier | None = None, search: str = ""):
    orders = (
        PurchaseOrder.objects.select_related("supplier", "warehouse")
        .annotate(units_ordered=Sum("lines__quantity_ordered"), units_received=Sum("lines__quantity_received"))
        .order_by("-created_at", "-id")
    )
    if status:
        orders = orders.filter(status=status)
    if supplier is not None:
        orders = orders.filter(supplier=supplier)
    if search:
        orders = orders.filter(Q(number__icontains=search) | Q(supplier__name__icontains=search))
    return orders


def get_purchase_order(number: str) -> PurchaseOrder:
    order = (
        PurchaseOrder.objects.select_related("supplier", "warehouse", "created_by")
        .prefetch_related(Prefetch("lines", PurchaseOrderLine.objects.select_related("variant__product")))
        .filter(number=number)
        .first()
    )
    if order is None:
        raise NotFoundError(code="not_found")
    return order


def order_total(order: PurchaseOrder) -> Decimal:
    return sum((ln.unit_cost * ln.quantity_ordered for ln in order.lines.all()), Decimal("0.00"))


def get_on_order_by_variant(variant_ids=None) -> dict[int, int]:
    """Units ordered from suppliers and not yet received, per variant id (sent or partial orders)."""
    lines = PurchaseOrderLine.objects.filter(purchase_order__status__in=OPEN_STATUSES)
    if variant_ids is not None:
        lines = lines.filter(variant_id__in=list(variant_ids))
    # each line counts what it still brings (an over-received line brings nothing, it takes nothing away)
    rows = lines.values("variant_id").annotate(n=Sum(Greatest(OUTSTANDING, Value(0))))
    return {r["variant_id"]: r["n"] for r in rows if r["n"] > 0}


def get_preferred_prices(skus=None) -> dict[str, SupplierPrice]:
    """Per SKU the cheapest active supplier's price (then the shortest lead time)."""
    prices = SupplierPrice.objects.select_related("supplier", "variant").filter(supplier__is_active=True)
    if skus is not None:
        prices = prices.filter(variant__sku__in=list(skus))
    best: dict[str, SupplierPrice] = {}
    for p in prices.order_by("variant_id", "unit_cost", "supplier__lead_time_days", "supplier_id"):
        best.setdefault(p.variant.sku, p)
    return best


@dataclass(frozen=True)
class Suggestion:
    sku: str
    name: str
    option_label: str
    available: int
    on_order: int
    safety_stock: int
    velocity: Decimal
    days_of_cover: Decimal | None
    supplier_code: str
    supplier_name: str
    lead_time_days: int
    unit_cost: Decimal
    quantity: int

    @property
    def line_total(self) -> Decimal:
        return self.unit_cost * self.quantity


def list_replenishment_suggestions(
    *, window: int = DEFAULT_WINDOW, cover_days: int = DEFAULT_COVER_DAYS, search: str = ""
) -> list[Suggestion]:
    """SKUs to reorder: velocity × (lead time + cover) + safety stock − available − on order,
    from each SKU's preferred supplier; SKUs without a supplier price are left out.

    Read from the maintained stock summary: SQL keeps only the SKUs that could need units even
    at the longest lead time (a bound that errs on the side of keeping a SKU), then each is
    computed exactly with its preferred supplier."""
    window = check_window(window)
    prices = SupplierPrice.objects.filter(supplier__is_active=True)
    longest = prices.aggregate(n=Max("supplier__lead_time_days"))["n"]
    if longest is None:
        return []
    days = longest + max(0, cover_days)
    sold = F(f"sold_{window}")
    # (sold ÷ window + 0.005) × days + safety − available − on order > 0, in whole numbers
    bound = sold * days * 200 + window * days + (F("safety_stock") - F("available") - F("on_order")) * window * 200
    candidates = list(
        list_stock_summaries(search=search, window=window)
        .filter(variant_id__in=prices.values("variant_id"))
        .alias(bound=ExpressionWrapper(bound, output_field=IntegerField()))
        .filter(bound__gt=0)
    )
    preferred: dict[int, SupplierPrice] = {}
    ids = [c.variant_id for c in candidates]
    for start in range(0, len(ids), 2000):
        for p in (
            prices.filter(variant_id__in=ids[start : start + 2000])
            .select_related("supplier")
            .order_by("variant_id", "unit_cost", "supplier__lead_time_days", "supplier_id")
        ):
            preferred.setdefault(p.variant_id, p)
    suggestions = []
    for c in candidates:
        price = preferred.get(c.variant_id)
        if price is None:
            continue
        velocity = calculate_velocity({7: c.sold_7, 14: c.sold_14, 30: c.sold_30}[window], window)
        quantity = calculate_reorder_quantity(
            velocity=velocity,
            lead_time_days=price.supplier.lead_time_days,
            cover_days=cover_days,
            safety_stock=max(0, c.safety_stock),
            available=c.available,
            on_order=max(0, c.on_order),
            min_order_quantity=price.min_order_quantity,
        )
        if quantity > 0:
            v = c.variant
            suggestions.append(
                Suggestion(
                    sku=v.sku,
                    name=v.product.name,
                    option_label=" / ".join(str(x) for x in (v.options or {}).values()),
                    available=c.available,
                    on_order=max(0, c.on_order),
                    safety_stock=c.safety_stock,
                    velocity=velocity,
                    days_of_cover=calculate_days_of_cover(c.available, velocity),
                    supplier_code=price.supplier.code,
                    supplier_name=price.supplier.name,
                    lead_time_days=price.supplier.lead_time_days,
                    unit_cost=price.unit_cost,
                    quantity=quantity,
                )
            )
    suggestions.sort(key=lambda s: (s.days_of_cover if s.days_of_cover is not None else Decimal("Infinity"), s.sku))
    return suggestions
