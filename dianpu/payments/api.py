"""Payment endpoints: methods on offer, gateway webhooks (signed), refunds of an order (staff)."""

from datetime import datetime
from decimal import Decimal

from django.http import HttpResponse
from ninja import Field, Router, Schema, Status

from dianpu.accounts.auth import StaffToken, require_perm
from dianpu.accounts.domain import roles
from dianpu.core.http import client_ip
from dianpu.orders.queries import get_order

from . import queries, services

router = Router(tags=["payments"])


class PaymentMethodOut(Schema):
    code: str
    name: str
    description: str
    pays_on_delivery: bool


class WebhookOut(Schema):
    received: bool
    outcome: str


class Problem(Schema):
    code: str
    detail: str


class OrderRefundIn(Schema):
    amount: Decimal = Field(max_digits=12, decimal_places=2)
    reason: str = Field("", max_length=300)
    shipping_amount: Decimal = Field(Decimal("0.00"), max_digits=12, decimal_places=2)
    manual: bool = False


class RefundOut(Schema):
    id: int
    amount: Decimal
    shipping_amount: Decimal
    status: str
    reference: str
    gateway: str
    manual: bool
    reason: str
    created_at: datetime


class RefundList(Schema):
    paid: Decimal
    refunded: Decimal
    refundable: Decimal
    items: list[RefundOut]


def refund_out(refund) -> dict:
    return {
        "id": refund.pk,
        "amount": refund.amount,
        "shipping_amount": refund.shipping_amount,
        "status": refund.status,
        "reference": refund.reference,
        "gateway": refund.gateway,
        "manual": refund.manual,
        "reason": refund.reason,
        "created_at": refund.created_at,
    }


@router.get("/payment-methods", response=list[PaymentMethodOut], summary="Payment methods the shop accepts")
def payment_methods(request):
    return queries.list_payment_methods()


@router.post(
    "/payments/stripe/webhook",
    response={200: WebhookOut, 400: Problem, 409: Problem},
    summary="Stripe events, signed in the Stripe-Signature header (t=…,v1=HMAC-SHA256; 300 s)",
)
def stripe_webhook(request):
    outcome = services.handle_stripe_webhook(
        payload=request.body,
        signature_header=request.headers.get("Stripe-Signature", ""),
        ip_address=client_ip(request),
    )
    return {"received": True, "outcome": outcome}


@router.post(
    "/payments/alipay/notify",
    response={200: str, 400: Problem},
    summary="Alipay asynchronous notifications (form-encoded, RSA2-signed); answers the text success",
)
def alipay_notify(request):
    services.handle_alipay_notification(params=request.POST.dict(), ip_address=client_ip(request))
    return HttpResponse("success", content_type="text/plain")


@router.post(
    "/payments/wechatpay/notify",
    response={204: None, 400: Problem},
    summary="WeChat Pay API v3 notifications (payments and refunds): signed in the Wechatpay-Signature "
    "header, resource encrypted with AEAD_AES_256_GCM; answers 204 once acted on (or seen before)",
)
def wechatpay_notify(request):
    headers = {
        name: request.headers.get(name, "")
        for name in ("Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Signature", "Wechatpay-Serial")
    }
    services.handle_wechatpay_notification(payload=request.body, headers=headers, ip_address=client_ip(request))
    return HttpResponse(status=204)


@router.get(
    "/orders/{number}/refunds",
    auth=StaffToken(),
    response=RefundList,
    summary="An order's refunds, with what was paid and what is left to refund",
)
def list_refunds(request, number: str):
    require_perm(request.auth, roles.VIEW_ORDERS)
    order = get_order(number)
    return {**queries.get_refund_summary(order.pk), "items": [refund_out(r) for r in queries.list_refunds(order.pk)]}


@router.post(
    "/orders/{number}/refunds",
    auth=StaffToken(),
    response={201: RefundOut, 422: Problem, 502: Problem},
    summary="Refund part or all of what was paid, through the order's gateway or as manual; "
    "422 refund_exceeds_paid moves no money; an Idempotency-Key header makes a retried request "
    "return the first refund instead of making another",
)
def create_refund(request, number: str, payload: OrderRefundIn):
    require_perm(request.auth, roles.VIEW_ORDERS, roles.REFUND_ORDER)
    order = get_order(number)
    refund = services.refund_order(
        order=order,
        amount=payload.amount,
        reason=payload.reason,
        shipping_amount=payload.shipping_amount,
        manual=payload.manual,
        actor=request.auth,
        ip_address=client_ip(request),
        idempotency_key=request.headers.get("Idempotency-Key", ""),
    )
    return Status(201, refund_out(refund))
