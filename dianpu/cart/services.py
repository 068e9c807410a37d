import secrets
from typing import Any

from django.db import transaction
from django.db.models import F

from dianpu.catalog.models import Product, Variant
from dianpu.core import clock
from dianpu.core.errors import DomainError

from .domain import MAX_LINE_QUANTITY
from .messages import MESSAGES
from .models import Cart, CartLine


def new_cart_token() -> str:
    return secrets.token_urlsafe(24)


def get_or_create_cart(token: str | None) -> Cart:
    cart = Cart.objects.filter(token=token, checked_out_at__isnull=True).first() if token else None
    if cart is None:
        now = clock.now()
        cart = Cart.objects.create(token=new_cart_token(), created_at=now, updated_at=now)
    return cart


def _buyable_variant(sku: str) -> Variant:
    variant = (
        Variant.objects.select_related("product")
        .filter(sku=sku, is_active=True, product__status=Product.Status.LISTED)
        .first()
    )
    if variant is None:
        raise DomainError(MESSAGES["unknown_sku"], code="unknown_sku", status=422, sku=sku)
    return variant


def _check_quantity(raw: Any) -> int:  # anything a client sends: refused below unless a whole number in range
    try:
        quantity = int(raw)
    except (TypeError, ValueError):
        quantity = 0
    if not 1 <= quantity <= MAX_LINE_QUANTITY:
        raise DomainError(
            str(MESSAGES["quantity_invalid"]) % {"max": MAX_LINE_QUANTITY}, code="quantity_invalid", status=422
        )
    return quantity


def _checked_variant(sku: str, variant: Variant | None) -> Variant:
    """The caller's variant when it is this SKU's and buyable, else the SKU's read again."""
    if (
        variant is None
        or variant.sku != sku
        or not variant.is_active
        or variant.product.status != Product.Status.LISTED
    ):
        return _buyable_variant(sku)
    return variant


@transaction.atomic
def add_to_open_cart(
    token: str | None, *, sku: str, quantity: Any = 1, variant: Variant | None = None
) -> tuple[Cart, CartLine]:
    """Add units of a SKU to the open cart of `token`, opening a cart when there is none, in one
    transaction (nothing is written when the SKU or the quantity is refused). A cart just opened
    gets its first line written at once: nobody else knows the cart yet."""
    quantity = _check_quantity(quantity)
    cart = Cart.objects.filter(token=token, checked_out_at__isnull=True).first() if token else None
    if cart is not None:
        return cart, add_to_cart(cart, sku=sku, quantity=quantity, variant=variant)
    variant = _checked_variant(sku, variant)
    now = clock.now()
    cart = Cart.objects.create(token=new_cart_token(), created_at=now, updated_at=now)
    return cart, CartLine.objects.create(cart=cart, variant=variant, quantity=quantity, added_at=now)


@transaction.atomic
def add_to_cart(cart: Cart, *, sku: str, quantity: Any = 1, variant: Variant | None = None) -> CartLine:
    """Add units of a SKU. `variant`: the SKU's variant when the caller has just read it as buyable
    (listed, active), which spares reading it again."""
    quantity = _check_quantity(quantity)
    variant = _checked_variant(sku, variant)
    now = clock.now()
    line, created = CartLine.objects.get_or_create(
        cart=cart, variant=variant, defaults={"quantity": quantity, "added_at": now}
    )
    if not created:
        CartLine.objects.filter(pk=line.pk).update(quantity=F("quantity") + quantity)
        line.refresh_from_db()
        if line.quantity > MAX_LINE_QUANTITY:
            line.quantity = MAX_LINE_QUANTITY
            line.save(update_fields=["quantity"])
    Cart.objects.filter(pk=cart.pk).update(updated_at=now)
    return line


@transaction.atomic
def set_line_quantity(cart: Cart, *, sku: str, quantity: Any) -> None:
    """Change a line's quantity; 0 removes it."""
    try:
        wanted = int(quantity)
    except (TypeError, ValueError):
        wanted = -1
    if wanted == 0:
        CartLine.objects.filter(cart=cart, variant__sku=sku).delete()
    else:
        CartLine.objects.filter(cart=cart, variant__sku=sku).update(quantity=_check_quantity(wanted))
    Cart.objects.filter(pk=cart.pk).update(updated_at=clock.now())


def remember_email(cart: Cart, email: str) -> None:
    Cart.objects.filter(pk=cart.pk).update(email=email[:254], updated_at=clock.now())


def mark_checked_out(cart: Cart, *, order_number: str, email: str = "") -> None:
    """The cart became an order (and, with `email`, remember who bought it), in one UPDATE."""
    email_field = {"email": email[:254]} if email else {}
    Cart.objects.filter(pk=cart.pk).update(checked_out_at=clock.now(), order_number=order_number, **email_field)
