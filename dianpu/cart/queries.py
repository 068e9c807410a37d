from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Sum

from dianpu.core import clock
from dianpu.inventory.queries import get_available_by_variant

from .models import Cart


@dataclass
class CartLineView:
    sku: str
    product_name: str
    product_slug: str
    variant_label: str
    unit_price: Decimal
    quantity: int
    line_total: Decimal
    available: int
    thumbnail_url: str
    weight_grams: int  # of one unit (the checkout page quotes each shipping method by the parcel's weight)

    @property
    def is_short(self) -> bool:
        return self.quantity > self.available


@dataclass
class CartSummary:
    token: str
    lines: list[CartLineView]
    subtotal: Decimal

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def has_short_lines(self) -> bool:
        return any(line.is_short for line in self.lines)


@dataclass(frozen=True)
class CartItemRow:
    sku: str
    quantity: int


def list_cart_items(cart: Cart) -> list[CartItemRow]:
    """The cart's SKUs and quantities, in the order of its summary's lines, in one query (what
    placing the order needs; prices and stock are read again by checkout)."""
    return [CartItemRow(sku, quantity) for sku, quantity in cart.lines.values_list("variant__sku", "quantity")]


def get_cart_summary(cart: Cart) -> CartSummary:
    lines = list(cart.lines.select_related("variant__product").prefetch_related("variant__product__images"))
    available = get_available_by_variant([ln.variant_id for ln in lines])
    views = []
    for ln in lines:
        product = ln.variant.product
        images = list(product.images.all())
        views.append(
            CartLineView(
                sku=ln.variant.sku,
                product_name=product.display_name,
                product_slug=product.slug,
                variant_label=ln.variant.option_label,
                unit_price=ln.variant.selling_price,
                quantity=ln.quantity,
                line_total=ln.variant.selling_price * ln.quantity,
                available=available.get(ln.variant_id, 0),
                thumbnail_url=images[0].thumbnail.url if images and images[0].thumbnail else "",
                weight_grams=ln.variant.weight_grams,
            )
        )
    return CartSummary(token=cart.token, lines=views, subtotal=sum((v.line_total for v in views), Decimal("0.00")))


def list_abandoned_carts(idle_minutes: int = 60):
    """Carts with lines, not checked out, untouched for `idle_minutes` (for recovery and the funnel)."""
    cutoff = clock.now() - timedelta(minutes=idle_minutes)
    return Cart.objects.filter(checked_out_at__isnull=True, updated_at__lt=cutoff, lines__isnull=False).distinct()


def get_open_cart(token: str | None) -> Cart | None:
    """The shopper's cart while it is still open (not checked out); never creates one."""
    if not token:
        return None
    return Cart.objects.filter(token=token, checked_out_at__isnull=True).first()


def count_cart_items(token: str | None) -> int:
    """Units in an open cart (the storefront's cart badge); 0 when there is none."""
    if not token:
        return 0
    total = Cart.objects.filter(token=token, checked_out_at__isnull=True).aggregate(units=Sum("lines__quantity"))[
        "units"
    ]
    return total or 0
