"""Purchasing reads: suppliers, purchase orders, units on order, replenishment suggestions."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, Sum, Value
from django.db.models.functions import Greatest

from dianpu.core.errors import NotFoundError
from dianpu.inventory.domain.cover import DEFAULT_WINDOW
from dianpu.inventory.queries import list_cover

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
    orders = PurchaseOrder.objects.select_related("supplier", "warehouse").annotate(
        units_ordered=Sum("lines__quantity_ordered"), units_received=Sum("lines__quantity_received")
    ).order_by("-created_at", "-id")
    if status:
        orders = orders.filter(status=status)
    if supplier is not None:
        orders = orders.filter(supplier=supplier)
    if search:
        orders = orders.filter(Q(number__icontains=search) | Q(supplier__name__icontains=search))
    return orders


def get_purchase_order(number: str) -> PurchaseOrder:
    order = (PurchaseOrder.objects.select_related("supplier", "warehouse", "created_by")
             .prefetch_related(Prefetch("lines", PurchaseOrderLine.objects.select_related("variant__product")))
             .filter(number=number).first())
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


def list_replenishment_suggestions(*, window: int = DEFAULT_WINDOW, cover_days: int = DEFAULT_COVER_DAYS,
                                   search: str = "") -> list[Suggestion]:
    """SKUs to reorder: velocity × (lead time + cover) + safety stock − available − on order,
    from each SKU's preferred supplier; SKUs without a supplier price are left out."""
    preferred = get_preferred_prices()
    if not preferred:
        return []
    priced = SupplierPrice.objects.filter(supplier__is_active=True).values("variant_id")
    rows = [r for r in list_cover(window=window, search=search, variant_ids=priced) if r.sku in preferred]
    on_order = get_on_order_by_variant()  # open lines only: few, whatever the catalogue size
    suggestions = []
    for r in rows:
        price = preferred[r.sku]
        quantity = calculate_reorder_quantity(
            velocity=r.velocity, lead_time_days=price.supplier.lead_time_days, cover_days=cover_days,
            safety_stock=max(0, r.safety_stock), available=r.available, on_order=on_order.get(r.variant_id, 0),
            min_order_quantity=price.min_order_quantity)
        if quantity > 0:
            suggestions.append(Suggestion(
                sku=r.sku, name=r.name, option_label=r.option_label, available=r.available,
                on_order=on_order.get(r.variant_id, 0), safety_stock=r.safety_stock, velocity=r.velocity,
                days_of_cover=r.days_of_cover, supplier_code=price.supplier.code, supplier_name=price.supplier.name,
                lead_time_days=price.supplier.lead_time_days, unit_cost=price.unit_cost, quantity=quantity))
    suggestions.sort(key=lambda s: (s.days_of_cover if s.days_of_cover is not None else Decimal("Infinity"), s.sku))
    return suggestions
