"""POST /api/v1/checkout: a guest order from SKUs and an address; POST /api/v1/cart/quote: the
same pricing (promotions, coupons, shipping) without writing anything."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import get_language
from ninja import Router, Status

from dianpu.core.http import client_ip
from dianpu.customers.auth import customer_from_bearer
from .domain.validation import CheckoutLine, CheckoutRequest
from dianpu.promotions.queries import applied_rows, hint_texts

from .schemas import CheckoutIn, CheckoutOut, Problem, QuoteIn, QuoteOut
from .services import place_order, quote_cart

router = Router(tags=["checkout"])


def order_lines_out(order) -> list[dict]:
    return [{"sku": ln.sku, "name": ln.product_name, "variant": ln.variant_label, "quantity": ln.quantity,
             "unit_price": ln.unit_price, "line_total": ln.line_total, "discount": ln.discount_total}
            for ln in order.lines.all()]


@router.post("/cart/quote", response={200: QuoteOut, 422: Problem},
             summary="Price a cart with promotions and coupons; 422 with a code when a coupon cannot apply")
def quote(request, payload: QuoteIn):
    priced = quote_cart(email=payload.email, lines=tuple(CheckoutLine(sku=ln.sku, quantity=ln.quantity)
                                                         for ln in payload.lines),
                        coupon_codes=tuple(payload.coupon_codes), shipping_method=payload.shipping_method)
    result = priced.pricing.result
    return {
        "currency": "CNY", "subtotal": result.subtotal, "discount_total": result.discount_total,
        "shipping_total": result.shipping_total, "total": result.total, "saved": result.saved,
        "lines": [{"sku": ln.sku, "quantity": ln.quantity, "unit_price": ln.unit_price, "discount": ln.discount,
                   "total": ln.total} for ln in result.lines],
        "applied": applied_rows(result), "hints": hint_texts(result),
    }


@router.post("/checkout", response={201: CheckoutOut, 409: Problem, 422: Problem, 502: Problem},
             summary="Place an order (a guest, or a customer token redeeming `points`); 409 out_of_stock names "
                     "the SKU; 422 lists bad fields, points_insufficient, points_need_sign_in")
def checkout(request, payload: CheckoutIn):
    customer = customer_from_bearer(request)
    placed = place_order(
        CheckoutRequest(
            email=payload.email or (customer.email if customer else ""), lines=tuple(CheckoutLine(sku=ln.sku, quantity=ln.quantity) for ln in payload.lines),
            shipping_address=payload.shipping_address.dict(), shipping_method=payload.shipping_method,
            payment_method=payload.payment_method, note=payload.note, language=get_language() or "zh-hans",
            coupon_codes=tuple(payload.coupon_codes), customer_id=customer.pk if customer else None,
            points=payload.points,
        ),
        ip_address=client_ip(request),
    )
    order = placed.order
    status_url = request.build_absolute_uri(reverse("storefront:order-status")) + "?" + urlencode(
        {"number": order.number, "email": order.email})
    return Status(201, {
        "number": order.number, "status": order.status, "currency": order.currency, "subtotal": order.subtotal,
        "discount_total": order.discount_total, "shipping_total": order.shipping_total, "total": order.grand_total,
        "lines": order_lines_out(order), "applied": applied_rows(placed.pricing.result) if placed.pricing else [],
        "payment": {"gateway": placed.payment.gateway, "reference": placed.payment.reference,
                    "instructions": placed.payment.instructions,
                    "client_secret": placed.payment.client_data.get("client_secret", ""),
                    "redirect_url": placed.payment.client_data.get("redirect_url", "")},
        "status_url": status_url,
    })
