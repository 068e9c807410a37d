"""POST /api/v1/checkout: a guest order from SKUs and an address; POST /api/v1/cart/quote: the
same pricing (promotions, coupons, shipping) without writing anything."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import get_language
from ninja import Router, Status

from dianpu.accounts import throttling
from dianpu.analytics.domain.tracking import Device, classify_device
from dianpu.core.errors import DomainError
from dianpu.core.http import client_ip
from dianpu.customers.auth import customer_from_bearer
from dianpu.orders.queries import get_order_for_customer
from dianpu.promotions.queries import applied_rows, hint_texts

from .domain.validation import CheckoutLine, CheckoutRequest
from .messages import ORDER_NOT_FOUND, TOO_MANY_ATTEMPTS
from .schemas import CheckoutIn, CheckoutOut, CheckoutProblem, PayIn, PaymentOut, Problem, QuoteIn, QuoteOut
from .services import pay_order, place_order, quote_cart

router = Router(tags=["checkout"])


def order_lines_out(order) -> list[dict]:
    return [
        {
            "sku": ln.sku,
            "name": ln.product_name,
            "variant": ln.variant_label,
            "quantity": ln.quantity,
            "unit_price": ln.unit_price,
            "line_total": ln.line_total,
            "discount": ln.discount_total,
        }
        for ln in order.lines.all()
    ]


@router.post(
    "/cart/quote",
    response={200: QuoteOut, 422: CheckoutProblem},
    summary="Price a cart with promotions and coupons; 422 with a code when a coupon cannot apply",
)
def quote(request, payload: QuoteIn):
    priced = quote_cart(
        email=payload.email,
        lines=tuple(CheckoutLine(sku=ln.sku, quantity=ln.quantity) for ln in payload.lines),
        coupon_codes=tuple(payload.coupon_codes),
        shipping_method=payload.shipping_method,
        member_id=getattr(customer_from_bearer(request), "pk", None),
    )
    result = priced.pricing.result
    return {
        "currency": "CNY",
        "subtotal": result.subtotal,
        "discount_total": result.discount_total,
        "shipping_total": result.shipping_total,
        "total": result.total,
        "saved": result.saved,
        "lines": [
            {
                "sku": ln.sku,
                "quantity": ln.quantity,
                "unit_price": ln.unit_price,
                "discount": ln.discount,
                "total": ln.total,
            }
            for ln in result.lines
        ],
        "applied": applied_rows(result),
        "hints": hint_texts(result),
    }


def is_mobile(request) -> bool:
    return classify_device(request.headers.get("User-Agent", "")) in (Device.MOBILE, Device.TABLET)


def payment_out(order, payment, error: DomainError | None = None) -> dict:
    if payment is None:
        return {
            "gateway": order.payment_method,
            "reference": "",
            "instructions": str(error.detail) if error else "",
            "started": False,
            "error_code": error.code if error else "payment_gateway_unavailable",
            "retry_url": f"/api/v1/orders/{order.number}/payments",
        }
    return {
        "gateway": payment.gateway,
        "reference": payment.reference,
        "instructions": payment.instructions,
        "client_secret": payment.client_data.get("client_secret", ""),
        "redirect_url": payment.client_data.get("redirect_url", "") or payment.client_data.get("h5_url", ""),
        "code_url": payment.client_data.get("code_url", ""),
    }


@router.post(
    "/checkout",
    response={201: CheckoutOut, 409: Problem, 422: CheckoutProblem},
    summary="Place an order (a guest, or a customer token redeeming `points`: 422 points_insufficient, points_need_sign_in); 409 out_of_stock names the SKU; 422 lists bad fields. The order is "
    "committed before an online gateway is asked: if it does not answer, payment.started is "
    "false and POST payment.retry_url starts the payment again",
)
def checkout(request, payload: CheckoutIn):
    customer = customer_from_bearer(request)
    placed = place_order(
        CheckoutRequest(
            email=payload.email or (customer.email if customer else ""),
            lines=tuple(CheckoutLine(sku=ln.sku, quantity=ln.quantity) for ln in payload.lines),
            shipping_address=payload.shipping_address.dict(),
            shipping_method=payload.shipping_method,
            payment_method=payload.payment_method,
            note=payload.note,
            language=get_language() or "zh-hans",
            coupon_codes=tuple(payload.coupon_codes),
            customer_id=customer.pk if customer else None,
            points=payload.points,
        ),
        ip_address=client_ip(request),
        mobile=is_mobile(request),
    )
    order = placed.order
    status_url = (
        request.build_absolute_uri(reverse("storefront:order-status"))
        + "?"
        + urlencode({"number": order.number, "email": order.email})
    )
    return Status(
        201,
        {
            "number": order.number,
            "status": order.status,
            "currency": order.currency,
            "subtotal": order.subtotal,
            "discount_total": order.discount_total,
            "shipping_total": order.shipping_total,
            "total": order.grand_total,
            "lines": order_lines_out(order),
            "applied": applied_rows(placed.pricing.result) if placed.pricing else [],
            "payment": payment_out(order, placed.payment, placed.payment_error),
            "status_url": status_url,
        },
    )


@router.post(
    "/orders/{number}/payments",
    response={201: PaymentOut, 404: Problem, 409: Problem, 429: Problem, 502: Problem},
    summary="Pay again: start (or fetch) the online payment of an order awaiting payment, e.g. when the "
    "gateway did not answer at checkout; the order's e-mail proves it is the buyer's. "
    "502 payment_gateway_unavailable changes nothing and may be retried",
)
def pay_again(request, number: str, payload: PayIn):
    ip = client_ip(request)
    if throttling.is_order_lookup_refused(number, ip):
        raise DomainError(str(TOO_MANY_ATTEMPTS), code="too_many_attempts", status=429)
    order = get_order_for_customer(number, payload.email)
    if order is None:
        throttling.record_order_lookup_failure(number, ip)
        raise DomainError(str(ORDER_NOT_FOUND), code="order_not_found", status=404)
    payment = pay_order(order, language=get_language() or "zh-hans", client_ip=ip, mobile=is_mobile(request))
    return Status(201, payment_out(order, payment))
