"""place_order: validate, price, reserve, write — all in one transaction, or nothing."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.db import transaction

from dianpu.catalog.models import Product, Variant
from dianpu.catalog.queries import get_variants_by_sku
from dianpu.core import clock
from dianpu.core.errors import DomainError, ValidationFailed
from dianpu.core.sanitize import clean_text
from dianpu.customers.domain.points import value_of_points
from dianpu.customers.messages import MESSAGES as CUSTOMER_MESSAGES
from dianpu.customers.models import Customer
from dianpu.customers.services import get_or_create_customer_id, redeem_points
from dianpu.fulfillment.models import ShippingMethod, ShippingRate
from dianpu.fulfillment.queries import quote_shipping
from dianpu.inventory.services import reserve_stock
from dianpu.orders.models import Order
from dianpu.orders.services import AddressInput, LineInput, create_order
from dianpu.payments.gateways import PaymentStart, get_gateway
from dianpu.payments.queries import is_payment_method_offered
from dianpu.payments.services import start_payment
from dianpu.promotions.domain.allocation import allocate
from dianpu.promotions.queries import CartItem, price_cart, snapshot_of
from dianpu.promotions.queries import PricedCart as PromotionPricing
from dianpu.promotions.services import redeem_pricing
from dianpu.shop.queries import get_shop_profile

from .domain.validation import CheckoutLine, CheckoutRequest, validate_checkout
from .messages import FIELD_ERRORS, INVALID, PAYMENT_NOT_DUE


@dataclass
class PlacedOrder:
    order: Order
    payment: PaymentStart | None  # None: the gateway could not start the payment (see payment_error)
    pricing: object = None  # promotions.queries.PricedCart
    payment_error: DomainError | None = None  # the order stands, awaiting payment: pay_order retries


def _fail(errors: dict[str, str]) -> ValidationFailed:
    return ValidationFailed(
        {k: str(FIELD_ERRORS.get(v, v)) for k, v in errors.items()}, detail=str(INVALID), codes=dict(errors)
    )


@dataclass
class PricedCart:
    lines: list[LineInput]
    shipping_method: ShippingMethod | None
    subtotal: Decimal
    shipping_total: Decimal  # after shipping discounts
    discount_total: Decimal  # merchandise discounts (promotions and coupons)
    pricing: PromotionPricing  # the engine's result and the rules used

    @property
    def grand_total(self) -> Decimal:
        return self.subtotal - self.discount_total + self.shipping_total


def _priced_lines(
    variants: dict[str, Variant],
    req_lines: Sequence[CheckoutLine],
    *,
    email: str,
    coupon_codes: Sequence[str],
    method: ShippingMethod | None,
    province: str = "",
    member_id: int | None = None,
) -> PricedCart:
    """Selling prices (a sale price when lower), then the promotion engine: line discounts, shipping
    discounts, the rules used. A coupon that cannot apply raises 422 with a code saying why."""
    items = [CartItem(variants[ln.sku], cast(int, ln.quantity)) for ln in req_lines]  # validated: whole numbers
    subtotal = sum((it.variant.selling_price * it.quantity for it in items), Decimal("0.00"))
    weight = sum(it.variant.weight_grams * it.quantity for it in items)

    def fee_on(merchandise_total: Decimal) -> Decimal:
        if method is None:
            return Decimal("0.00")
        try:
            fee: Decimal = quote_shipping(method, merchandise_total, weight_grams=weight, province=province)
            return fee
        except DomainError as exc:
            if province.strip() or exc.extra["reason"] != "region_not_served":
                raise _fail({"shipping_method": exc.extra["reason"]}) from None
            # No address yet (a cart quote): a method priced only by region is priced at checkout.
            return Decimal("0.00")

    # The method's own "free over ¥X" is measured, like 包邮 promotions, on the merchandise total
    # after item and order discounts: price once to learn the discounts, then quote the fee on
    # what is left (merchandise discounts do not depend on the fee; shipping discounts do, so the
    # cart is priced again when the fee changes).
    fee = fee_on(subtotal)
    pricing = price_cart(items=items, email=email, coupon_codes=coupon_codes, shipping_fee=fee, member_id=member_id)
    if pricing.result.discount_total:
        after = fee_on(subtotal - pricing.result.discount_total)
        if after != fee:
            pricing = price_cart(
                items=items, email=email, coupon_codes=coupon_codes, shipping_fee=after, member_id=member_id
            )
    result = pricing.result
    lines = []
    for it, priced_line in zip(items, result.lines, strict=True):
        v = it.variant
        lines.append(
            LineInput(
                variant_id=v.id,
                product_id=v.product_id,
                sku=v.sku,
                product_name=v.product.name,
                variant_label=v.option_label,
                unit_price=v.selling_price,
                quantity=it.quantity,
                discount_total=priced_line.discount,
            )
        )
    return PricedCart(lines, method, result.subtotal, result.shipping_total, result.discount_total, pricing)


def _active_shipping_method(code: str) -> ShippingMethod | None:
    """The active method with this code and its zone rates, read once (the fee is quoted twice
    when discounts change the merchandise total): one query, its rates joined to the method (a
    method without zone rates: a second, for the method alone)."""
    if not code:
        return None
    rates = list(
        ShippingRate.objects.select_related("method")
        .filter(method__code=code, method__is_active=True)
        .order_by("province", "pk")
    )
    method = rates[0].method if rates else ShippingMethod.objects.filter(code=code, is_active=True).first()
    if method is not None:
        held = method.rates.all()  # `method.rates.all()` answers with the rates just read, as a prefetch does
        held._result_cache = rates
        held._prefetch_done = True  # type: ignore[attr-defined]
        method._prefetched_objects_cache = {"rates": held}  # type: ignore[attr-defined]
    return method


def price_request(req: CheckoutRequest) -> PricedCart:
    """Validate and price a request without writing anything (checkout page, quotes)."""
    errors = validate_checkout(req)
    variants = get_variants_by_sku([ln.sku for ln in req.lines if ln.sku])
    for i, ln in enumerate(req.lines):
        v = variants.get(ln.sku)
        if ln.sku and (v is None or not v.is_active or v.product.status != Product.Status.LISTED):
            errors.setdefault(f"lines.{i}.sku", "unknown_sku")
    method = _active_shipping_method(req.shipping_method)
    if req.shipping_method and method is None:
        errors["shipping_method"] = "shipping_method_unknown"
    if req.payment_method and get_gateway(req.payment_method) is None:
        errors["payment_method"] = "payment_method_unknown"
    elif req.payment_method and not is_payment_method_offered(req.payment_method):
        errors["payment_method"] = "payment_method_off"
    if errors:
        raise _fail(errors)
    return _priced_lines(
        variants,
        req.lines,
        email=req.email,
        coupon_codes=req.coupon_codes,
        method=method,
        member_id=req.customer_id,
        province=str((req.shipping_address or {}).get("province") or ""),
    )


def quote_cart(
    *,
    email: str,
    lines: tuple[CheckoutLine, ...],
    coupon_codes: Sequence[str] = (),
    shipping_method: str = "",
    province: str = "",
    member_id: int | None = None,
    shipping_methods: Sequence[ShippingMethod] | None = None,
) -> PricedCart:
    """Price SKUs and quantities with promotions and coupons, writing nothing (cart quotes).
    `member_id`: the signed-in customer, whose membership tier's perks apply.
    `shipping_methods`: the active methods with their rates, when the caller has just read them.
    The same pricing as place_order, so an order's total equals its quote's."""
    errors = {
        k: v
        for k, v in validate_checkout(
            CheckoutRequest(
                email=email or "quote@example.com",
                lines=lines,
                shipping_method=shipping_method or "-",
                payment_method="-",
                coupon_codes=tuple(coupon_codes or ()),
            )
        ).items()
        if not k.startswith("shipping_address")
    }
    variants = get_variants_by_sku([ln.sku for ln in lines if ln.sku])
    for i, ln in enumerate(lines):
        v = variants.get(ln.sku)
        if ln.sku and (v is None or not v.is_active or v.product.status != Product.Status.LISTED):
            errors.setdefault(f"lines.{i}.sku", "unknown_sku")
    if not shipping_method:
        method = None
    elif shipping_methods is None:
        method = _active_shipping_method(shipping_method)
    else:
        method = next((m for m in shipping_methods if m.code == shipping_method and m.is_active), None)
    if shipping_method and method is None:
        errors["shipping_method"] = "shipping_method_unknown"
    errors.pop("payment_method", None)
    if errors:
        raise _fail(errors)
    return _priced_lines(
        variants,
        lines,
        email=email or "",
        coupon_codes=coupon_codes,
        method=method,
        member_id=member_id,
        province=province,
    )


def _points_error(code: str, **params: Any) -> DomainError:
    text = CUSTOMER_MESSAGES[code]
    return DomainError(str(text) % params if params else str(text), code=code, status=422)


def check_points(req: CheckoutRequest) -> int:
    """The points a request redeems (0 for none): 422 points_invalid, points_need_sign_in (a guest)
    or points_insufficient (more than the customer holds now; the redemption itself is re-checked
    by a conditional UPDATE when the order is written)."""
    points = req.points or 0
    if isinstance(points, bool) or not isinstance(points, int) or points < 0 or points > 100_000_000:
        raise _points_error("points_invalid")
    if not points:
        return 0
    if req.customer_id is None:
        raise _points_error("points_need_sign_in")
    balance = Customer.objects.filter(pk=req.customer_id).values_list("points_balance", flat=True).first() or 0
    if points > balance:
        raise _points_error("points_insufficient", balance=balance, points=points)
    return points


def apply_points(priced: PricedCart, points: int) -> Decimal:
    """Pay part of the goods with points: their value (to the fen) is spread over the lines as a
    discount in proportion to what each line costs after discounts, so a refund of a line returns
    only what was paid in money. Points never pay for more than the goods (422 points_exceed_goods)."""
    value = value_of_points(points, settings.POINTS_PER_YUAN)
    goods = priced.subtotal - priced.discount_total
    if value > goods:
        raise _points_error(
            "points_exceed_goods", goods=f"{goods:.2f}", max_points=int(goods * settings.POINTS_PER_YUAN)
        )
    if value <= 0:
        return Decimal("0.00")
    payable = [int((ln.unit_price * ln.quantity - ln.discount_total) * 100) for ln in priced.lines]
    shares = allocate(int(value * 100), payable, payable)
    priced.lines = [
        replace(ln, discount_total=ln.discount_total + Decimal(share) / 100)
        for ln, share in zip(priced.lines, shares, strict=True)
    ]
    priced.discount_total += value
    return value


def place_order(
    req: CheckoutRequest,
    *,
    ip_address: str | None = None,
    attribution: dict[str, Any] | None = None,
    mobile: bool = False,
    openid: str = "",
    defer_payment: bool = False,
    also: Callable[[Order], None] | None = None,
) -> PlacedOrder:
    """Turn a request into an order holding its stock. Raises ValidationFailed (422, per-field
    errors) or InsufficientStockError (409, naming the SKU) and then writes nothing.
    `attribution`: where the buyer came from (utm_*, referrer_host, visitor_id), from the storefront.

    The order is committed first (awaiting payment); only then is an online gateway asked to
    start the payment, outside the transaction, so a slow or failing gateway never holds the
    shop's locks. If it fails the order stands, with `payment_error` set: pay_order tries again.
    `openid`: the buyer in WeChat's browser (WeChat Pay JSAPI). `defer_payment`: the payment cannot
    start yet (the buyer's openid is still to be found by WeChat's OAuth): pay_order starts it.
    `also`: a write of the caller's that belongs with the order (the storefront marks its cart
    checked out), run in the order's transaction: one commit, and undone with the order."""
    points = check_points(req)
    priced = price_request(req)
    points_value = apply_points(priced, points) if points else Decimal("0.00")
    address = {k: clean_text(str(v or "")) for k, v in (req.shipping_address or {}).items()}
    gateway, method = get_gateway(req.payment_method), priced.shipping_method
    if gateway is None:  # switched off since price_request looked
        raise _fail({"payment_method": "payment_method_unknown"})
    if method is None:
        raise _fail({"shipping_method": "shipping_method_unknown"})
    snapshot = snapshot_of(priced.pricing.result)
    if points:
        snapshot = {**snapshot, "points": {"points": points, "amount": f"{points_value:.2f}"}}
    with transaction.atomic():
        if req.customer_id is not None:  # a signed-in customer: the order is theirs whatever e-mail it names
            customer_id = Customer.objects.values_list("pk", flat=True).get(pk=req.customer_id)
        else:
            customer_id = get_or_create_customer_id(
                email=req.email, name=address.get("name", ""), phone=address.get("phone", ""), language=req.language
            )
        order = create_order(
            customer_id=customer_id,
            email=req.email.strip().lower(),
            lines=priced.lines,
            address=AddressInput(
                name=address["name"],
                phone=address["phone"],
                country=address["country"].upper(),
                province=address["province"],
                city=address["city"],
                line1=address["line1"],
                postcode=address.get("postcode", ""),
                district=address.get("district", ""),
                line2=address.get("line2", ""),
            ),
            shipping_method=method.code,
            payment_method=gateway.code,
            pays_on_delivery=gateway.pays_on_delivery,
            shipping_total=priced.shipping_total,
            language=req.language,
            ip_address=ip_address,
            note=clean_text(req.note)[:500],
            discount_total=priced.discount_total,
            pricing_snapshot=snapshot,
            attribution=attribution,
        )
        redeem_pricing(order=order, email=order.email, priced=priced.pricing)
        if points:
            redeem_points(customer_id=customer_id, points=points, order_number=order.number)
        wanted: dict[int, int] = {}
        for ln in priced.lines:
            wanted[ln.variant_id] = wanted.get(ln.variant_id, 0) + ln.quantity
        expires = (
            None if gateway.pays_on_delivery else clock.now() + timedelta(hours=get_shop_profile().unpaid_timeout_hours)
        )
        reserve_stock(reference=order.number, wanted=wanted, expires_at=expires)
        if also is not None:
            also(order)
    if defer_payment:
        return PlacedOrder(order=order, payment=None, pricing=priced.pricing)
    try:
        payment = start_payment(
            payment_method=gateway.code,
            order_id=order.pk,
            order_number=order.number,
            amount=order.grand_total,
            email=order.email,
            language=req.language,
            client_ip=ip_address or "",
            mobile=mobile,
            openid=openid,
        )
    except DomainError as exc:
        return PlacedOrder(order=order, payment=None, pricing=priced.pricing, payment_error=exc)
    return PlacedOrder(order=order, payment=payment, pricing=priced.pricing)


def pay_order(
    order: Order, *, language: str, client_ip: str = "", mobile: bool = False, openid: str = ""
) -> PaymentStart:
    """ "Pay again": start (or fetch) the online payment of an order awaiting payment, e.g. after
    the gateway did not answer at checkout. Refused (409 payment_not_due) for an order that is
    not awaiting payment or is paid on delivery; 502 payment_gateway_unavailable if the gateway
    still does not answer (nothing changes: the buyer may try again)."""
    if order.status != Order.Status.PENDING_PAYMENT or order.pays_on_delivery:
        raise DomainError(str(PAYMENT_NOT_DUE), code="payment_not_due", status=409)
    return start_payment(
        payment_method=order.payment_method,
        order_id=order.pk,
        order_number=order.number,
        amount=order.grand_total,
        email=order.email,
        language=language,
        client_ip=client_ip,
        mobile=mobile,
        openid=openid,
    )


def request_from_cart(
    cart_lines: Iterable[Any],
    *,
    email: str,
    shipping_address: dict[str, Any],
    shipping_method: str,
    payment_method: str,
    note: str = "",
    language: str = "zh-hans",
    coupon_codes: Sequence[str] = (),
    customer_id: int | None = None,
    points: object = 0,
) -> CheckoutRequest:
    return CheckoutRequest(
        email=email,
        lines=tuple(CheckoutLine(sku=ln.sku, quantity=ln.quantity) for ln in cart_lines),
        shipping_address=shipping_address,
        shipping_method=shipping_method,
        payment_method=payment_method,
        note=note,
        language=language,
        coupon_codes=tuple(coupon_codes),
        customer_id=customer_id,
        points=points,
    )
