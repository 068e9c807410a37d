"""Stock reads: availability for pages and the API, the ledger, low stock."""

from django.db.models import F, Sum

from .models import StockLevel, StockMove


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
