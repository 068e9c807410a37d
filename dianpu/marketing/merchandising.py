"""Storefront merchandising (店铺装修): banners and featured slots on a schedule, and the
recommendations computed from orders (bestsellers, frequently bought together).

Use cases (create_banner, create_featured_slot, remove_*) and reads (list_live_*, list_*) of
one concern, kept together; services.py and queries.py hold the campaign side.
"""

from collections import Counter
from datetime import timedelta

from django.db import transaction
from django.db.models import Q, Sum

from dianpu.audit.services import record_audit
from dianpu.catalog.models import Product
from dianpu.core import clock
from dianpu.core.errors import ValidationFailed
from dianpu.orders.models import Order, OrderLine

from .messages import FIELD_ERRORS, MESSAGES
from .models import Banner, FeaturedSlot


def _check_window(starts_at, ends_at, errors):
    if starts_at is None:
        errors["starts_at"] = "required"
    if ends_at is None:
        errors["ends_at"] = "required"
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = "ends_before_start"


def _invalid(errors):
    return ValidationFailed({k: str(FIELD_ERRORS[v]) for k, v in errors.items()}, detail=str(MESSAGES["invalid"]))


@transaction.atomic
def create_banner(
    *,
    title: str,
    starts_at,
    ends_at,
    link_url: str = "",
    subtitle: str = "",
    title_en: str = "",
    subtitle_en: str = "",
    image=None,
    position: int = 0,
    actor=None,
) -> Banner:
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "required"
    elif len(title) > 100:
        errors["title"] = "too_long"
    link_url = (link_url or "").strip()
    if link_url and not (link_url.startswith("/") or link_url.startswith("https://")):
        errors["link_url"] = "link_invalid"
    _check_window(starts_at, ends_at, errors)
    if errors:
        raise _invalid(errors)
    banner = Banner.objects.create(
        title=title,
        title_en=(title_en or "")[:100],
        subtitle=(subtitle or "")[:200],
        subtitle_en=(subtitle_en or "")[:200],
        link_url=link_url,
        position=position or 0,
        starts_at=starts_at,
        ends_at=ends_at,
        **({"image": image} if image else {}),
    )
    record_audit(actor=actor, action="banner.created", obj=banner)
    return banner


@transaction.atomic
def remove_banner(banner: Banner, *, actor=None) -> None:
    record_audit(actor=actor, action="banner.removed", obj=banner)
    banner.delete()


@transaction.atomic
def create_featured_slot(*, product_slug: str, starts_at, ends_at, position: int = 0, actor=None) -> FeaturedSlot:
    errors = {}
    product = Product.objects.filter(slug=(product_slug or "").strip()).first()
    if product is None:
        errors["product"] = "product_unknown"
    _check_window(starts_at, ends_at, errors)
    if errors:
        raise _invalid(errors)
    slot = FeaturedSlot.objects.create(product=product, position=position or 0, starts_at=starts_at, ends_at=ends_at)
    record_audit(actor=actor, action="featured_slot.created", obj=slot, object_repr=product.name)
    return slot


@transaction.atomic
def remove_featured_slot(slot: FeaturedSlot, *, actor=None) -> None:
    record_audit(actor=actor, action="featured_slot.removed", obj=slot, object_repr=str(slot.product_id))
    slot.delete()


def list_live_banners(now=None):
    now = now or clock.now()
    return Banner.objects.filter(is_active=True, starts_at__lte=now, ends_at__gt=now)


def list_featured_products(now=None, limit: int = 8) -> list[Product]:
    now = now or clock.now()
    slots = (
        FeaturedSlot.objects.filter(starts_at__lte=now, ends_at__gt=now, product__status=Product.Status.LISTED)
        .select_related("product")
        .prefetch_related("product__images")
    )
    seen, products = set(), []
    for slot in slots:
        if slot.product_id not in seen:
            seen.add(slot.product_id)
            products.append(slot.product)
    return products[:limit]


COUNTED = ~Q(order__status=Order.Status.CANCELLED)


def list_bestsellers(days: int = 30, limit: int = 8) -> list[Product]:
    """Listed products by units sold in paid-or-pending, not cancelled orders of the last `days`."""
    since = clock.now() - timedelta(days=days)
    ranked = (
        OrderLine.objects.filter(COUNTED, order__placed_at__gte=since, product_id_snapshot__isnull=False)
        .values("product_id_snapshot")
        .annotate(units=Sum("quantity"))
        .order_by("-units", "product_id_snapshot")
    )
    ids = [row["product_id_snapshot"] for row in ranked[: limit * 3]]
    products = {p.id: p for p in Product.objects.listed().filter(id__in=ids).prefetch_related("images")}
    return [products[i] for i in ids if i in products][:limit]


def list_bought_together(product: Product, limit: int = 4, days: int = 180) -> list[Product]:
    """Products most often in the same orders as `product` (frequently bought together)."""
    since = clock.now() - timedelta(days=days)
    order_ids = OrderLine.objects.filter(
        COUNTED, product_id_snapshot=product.id, order__placed_at__gte=since
    ).values_list("order_id", flat=True)[:2000]
    counts = Counter(
        OrderLine.objects.filter(order_id__in=list(order_ids))
        .exclude(product_id_snapshot=product.id)
        .exclude(product_id_snapshot__isnull=True)
        .values_list("product_id_snapshot", flat=True)
    )
    ranked = [pid for pid, _n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    products = {p.id: p for p in Product.objects.listed().filter(id__in=ranked[: limit * 3]).prefetch_related("images")}
    return [products[i] for i in ranked if i in products][:limit]


def get_next_schedule_change(now=None):
    """When the next banner or featured slot starts or ends (the home page is good until then), or None."""
    from django.db.models import Min

    now = now or clock.now()
    times = []
    for model in (Banner, FeaturedSlot):
        times.append(model.objects.filter(starts_at__gt=now).aggregate(t=Min("starts_at"))["t"])
        times.append(model.objects.filter(ends_at__gt=now).aggregate(t=Min("ends_at"))["t"])
    return min((t for t in times if t is not None), default=None)
