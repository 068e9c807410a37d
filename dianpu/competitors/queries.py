"""Reads for the competitor pages and API: lists (bounded), history, our prices, floors, the check."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Prefetch

from dianpu.catalog.domain.pricing import calculate_floor
from dianpu.catalog.models import Product
from dianpu.catalog.services import get_margin_percent
from dianpu.core import clock
from dianpu.core.errors import NotFoundError

from .messages import MESSAGES
from .models import Alert, CheckItem, Competitor, CompetitorProduct, DailyCheck, Snapshot

MAX_PAGE = 200


def _bounded(limit) -> int:
    try:
        return max(1, min(int(limit), MAX_PAGE))
    except (TypeError, ValueError):
        return 50


def list_competitors(*, limit=100, offset=0):
    offset = max(0, int(offset or 0))
    return list(Competitor.objects.annotate(product_count=Count("products"))[offset : offset + _bounded(limit)])


def get_competitor(competitor_id: int) -> Competitor:
    found = Competitor.objects.filter(pk=competitor_id).first()
    if found is None:
        raise NotFoundError(MESSAGES["competitor_not_found"], code="competitor_not_found")
    return found


def list_competitor_products(*, competitor_id: int | None = None, limit=100, offset=0):
    rows = CompetitorProduct.objects.select_related("competitor").prefetch_related(
        Prefetch("our_products", queryset=Product.objects.only("id", "slug", "name"))
    )
    if competitor_id:
        rows = rows.filter(competitor_id=competitor_id)
    offset = max(0, int(offset or 0))
    products = list(rows[offset : offset + _bounded(limit)])
    latest = latest_snapshots([p.pk for p in products])
    for product in products:
        product.latest = latest.get(product.pk)
    return products


def latest_snapshots(product_ids: list[int]) -> dict[int, Snapshot]:
    found: dict[int, Snapshot] = {}
    for snap in Snapshot.objects.filter(product_id__in=product_ids).order_by("product_id", "-taken_at", "-id"):
        found.setdefault(snap.product_id, snap)
    return found


def get_competitor_product(product_id: int) -> CompetitorProduct:
    found = CompetitorProduct.objects.select_related("competitor").filter(pk=product_id).first()
    if found is None:
        raise NotFoundError(MESSAGES["competitor_product_not_found"], code="competitor_product_not_found")
    return found


def list_fetchable_product_ids() -> list[int]:
    return list(CompetitorProduct.objects.exclude(url="").exclude(price_selector="").values_list("id", flat=True))


def previous_snapshot(product: CompetitorProduct) -> Snapshot | None:
    return product.snapshots.order_by("-taken_at", "-id").first()


def list_snapshots(product: CompetitorProduct, *, days: int = 30, limit=MAX_PAGE):
    since = clock.now() - timedelta(days=max(1, min(int(days), 365)))
    rows = product.snapshots.filter(taken_at__gte=since).order_by("-taken_at", "-id")[: _bounded(limit)]
    return list(reversed(list(rows)))


def our_units_by_day(product: CompetitorProduct, since) -> dict:
    """Units of our mapped products on orders placed each shop day since `since` (cancelled orders
    left out): our sales beside theirs on the history chart."""
    from django.db.models import Sum
    from django.db.models.functions import TruncDate
    from django.utils import timezone

    from dianpu.orders.models import Order, OrderLine

    rows = (
        OrderLine.objects.filter(variant__product__in=product.our_products.all(), order__placed_at__gte=since)
        .exclude(order__status=Order.Status.CANCELLED)
        .annotate(day=TruncDate("order__placed_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(units=Sum("quantity"))
        .values_list("day", "units")
    )
    return dict(rows)


def our_price(product: Product) -> Decimal | None:
    """Our selling price for a product: the lowest of its active SKUs (what a buyer compares)."""
    prices = [v.selling_price for v in product.variants.all() if v.is_active]
    return min(prices) if prices else None


def our_floor(product: Product) -> Decimal:
    """The catalog floor (cost x (1 + minimum margin)) of the product's SKU with the highest floor;
    without a margin rule the floor is the cost, and without a cost 0."""
    margin = get_margin_percent(product.category_id) or Decimal("0")
    floors = [calculate_floor(v.cost_price, margin) or Decimal("0") for v in product.variants.all() if v.is_active]
    return max(floors) if floors else Decimal("0")


def list_alerts(*, open_only: bool = True, limit=100, offset=0):
    rows = Alert.objects.select_related("product__competitor", "our_product")
    if open_only:
        rows = rows.filter(resolved_at__isnull=True)
    offset = max(0, int(offset or 0))
    return list(rows[offset : offset + _bounded(limit)])


def get_alert(alert_id: int) -> Alert:
    found = Alert.objects.select_related("product", "our_product").filter(pk=alert_id).first()
    if found is None:
        raise NotFoundError(MESSAGES["alert_not_found"], code="alert_not_found")
    return found


def get_check(check_id: int) -> DailyCheck:
    found = DailyCheck.objects.filter(pk=check_id).first()
    if found is None:
        raise NotFoundError(MESSAGES["check_not_found"], code="check_not_found")
    return found


def list_check_items(check: DailyCheck):
    return list(CheckItem.objects.filter(check_run=check).select_related("snapshot__product__competitor"))


def list_checks(limit=30):
    return list(DailyCheck.objects.annotate(item_count=Count("items"))[: _bounded(limit)])


def last_finished_check() -> DailyCheck | None:
    return DailyCheck.objects.filter(finished_at__isnull=False).order_by("-finished_at").first()


def open_check() -> DailyCheck | None:
    return DailyCheck.objects.filter(finished_at__isnull=True).order_by("-started_at").first()


def history_with_our_prices(product: CompetitorProduct, snapshots: list[Snapshot]) -> dict:
    """Our selling price at each snapshot's time (from the catalog's price history of the first
    mapped product) and what changed since yesterday (the last 24 hours' snapshots)."""
    from dianpu.catalog.models import PriceHistory

    ours = product.our_products.prefetch_related("variants").order_by("id").first()
    our_prices: list = [None] * len(snapshots)
    if ours is not None:
        current = our_price(ours)
        changes = list(
            PriceHistory.objects.filter(variant__product=ours, kind="price")
            .order_by("created_at", "id")
            .values_list("created_at", "old_amount", "new_amount")
        )
        for index, snap in enumerate(snapshots):
            price = current
            for created_at, old, new in changes:
                if created_at <= snap.taken_at:
                    price = new
                else:
                    price = old if old is not None else price
                    break
            our_prices[index] = price
    day_ago = clock.now() - timedelta(days=1)
    since_yesterday: list[str] = []
    for snap in snapshots:
        if snap.taken_at >= day_ago:
            since_yesterday += [c for c in snap.changes or [] if c not in since_yesterday]
    return {"our_prices": our_prices, "since_yesterday": since_yesterday}
