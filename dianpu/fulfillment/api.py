"""Fulfillment endpoints: shipping methods, rate tables and quotes; carriers; the carriers' tracking
webhook and event import; exceptions and the carrier report; warehouse documents (PDF)."""

from datetime import datetime
from decimal import Decimal

from django.http import Http404, HttpResponse
from django.utils.translation import get_language
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from dianpu.accounts.auth import StaffToken, require_perm
from dianpu.accounts.domain import roles
from dianpu.catalog.queries import get_variants_by_sku
from dianpu.core.http import client_ip
from dianpu.core.uploads import read_upload_text
from dianpu.orders import queries as order_queries
from dianpu.promotions.queries import CartItem, price_cart
from dianpu.shop.queries import get_shop_profile

from . import services
from .carriers import CARRIERS
from .documents import render_labels, render_packing_slips, render_pick_list
from .queries import (
    list_all_shipping_methods,
    list_carriers,
    list_exceptions,
    list_shipping_methods,
    list_shipping_options,
    summarize_carriers,
)

router = Router(tags=["fulfillment"])


class RateOut(Schema):
    id: int
    province: str = Field(description='"" = default for every province without a row')
    first_weight_grams: int
    first_fee: Decimal
    step_grams: int
    step_fee: Decimal


class ShippingMethodOut(Schema):
    code: str
    name: str
    fee: Decimal
    free_over: Decimal | None
    delivery_days_min: int
    delivery_days_max: int
    max_weight_grams: int | None = None
    rates: list[RateOut] = []


class CarrierOut(Schema):
    code: str
    name: str
    example: str


def _method_out(m) -> dict:
    return {
        "code": m.code,
        "name": m.display_name,
        "fee": m.fee,
        "free_over": m.free_over,
        "delivery_days_min": m.delivery_days_min,
        "delivery_days_max": m.delivery_days_max,
        "max_weight_grams": m.max_weight_grams,
        "rates": list(m.rates.all()),
    }


@router.get("/shipping-methods", response=list[ShippingMethodOut], summary="Active shipping methods and their fees")
def shipping_methods(request):
    return [_method_out(m) for m in list_shipping_methods()]


@router.get("/carriers", response=list[CarrierOut], summary="Carriers (a tracking number example each)")
def carriers(request):
    return list_carriers()


class QuoteLine(Schema):
    sku: str = Field(max_length=64)
    quantity: int = Field(ge=1, le=999)


class ShippingQuoteIn(Schema):
    province: str = Field("", max_length=50)
    lines: list[QuoteLine] = Field(max_length=100)


class ShippingQuoteOut(Schema):
    code: str
    name: str
    available: bool
    fee: Decimal | None
    reason: str = Field(description="region_not_served or too_heavy when unavailable")
    reason_text: str
    delivery_days_min: int
    delivery_days_max: int


class QuotesOut(Schema):
    subtotal: Decimal
    discount_total: Decimal = Field(description="item and order discounts of the live promotions (no coupons)")
    merchandise_total: Decimal = Field(description="subtotal less discounts: what a method's free_over is measured on")
    weight_grams: int
    methods: list[ShippingQuoteOut]


@router.post(
    "/shipping-quotes",
    response=QuotesOut,
    summary="Shipping fee of each method for these SKUs to this province (what checkout charges)",
)
def shipping_quotes(request, payload: ShippingQuoteIn):
    variants = get_variants_by_sku([ln.sku for ln in payload.lines])
    known = [(variants[ln.sku], ln.quantity) for ln in payload.lines if ln.sku in variants]
    subtotal = sum((v.selling_price * q for v, q in known), Decimal("0.00"))
    weight = sum(v.weight_grams * q for v, q in known)
    discount = (
        price_cart(items=[CartItem(v, q) for v, q in known], strict=False).result.discount_total
        if known
        else Decimal("0.00")
    )
    options = list_shipping_options(subtotal - discount, weight_grams=weight, province=payload.province)
    return {
        "subtotal": subtotal,
        "discount_total": discount,
        "merchandise_total": subtotal - discount,
        "weight_grams": weight,
        "methods": [
            {
                "code": o["method"].code,
                "name": o["method"].display_name,
                "available": o["available"],
                "fee": o["fee"],
                "reason": o["reason"],
                "reason_text": o["reason_text"],
                "delivery_days_min": o["method"].delivery_days_min,
                "delivery_days_max": o["method"].delivery_days_max,
            }
            for o in options
        ],
    }


class MethodIn(Schema):
    """Only the fields sent change. null is accepted where it means something (no free-shipping
    threshold, no weight limit) and refused (422) where the method must have a value."""

    fee: Decimal = Field(None, ge=0, max_digits=10, decimal_places=2)
    free_over: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2, description="null: none")
    delivery_days_min: int = Field(None, ge=0, le=365)
    delivery_days_max: int = Field(None, ge=0, le=365)
    max_weight_grams: int | None = Field(None, ge=1, le=1_000_000_000, description="null: no limit")
    is_active: bool = Field(None)


class RateIn(Schema):
    province: str = Field("", max_length=50)
    first_weight_grams: int = Field(1000, ge=1)
    first_fee: Decimal = Field(ge=0)
    step_grams: int = Field(1000, ge=1)
    step_fee: Decimal = Field(Decimal("0"), ge=0)


@router.patch(
    "/shipping-methods/{code}",
    response=ShippingMethodOut,
    auth=StaffToken(),
    summary="Change a method's fee, free-shipping threshold, days, weight limit or availability",
)
def patch_method(request, code: str, payload: MethodIn):
    require_perm(request.auth, roles.MANAGE_SHIPPING)
    changes = payload.dict(exclude_unset=True)
    method = services.update_shipping_method(
        actor=request.auth, code=code, changes=changes, ip_address=client_ip(request)
    )
    return _method_out(next(m for m in list_all_shipping_methods() if m.pk == method.pk))


@router.post(
    "/shipping-methods/{code}/rates",
    response={201: RateOut},
    auth=StaffToken(),
    summary='Add or replace the rate of one province ("" = default) in a method\'s rate table',
)
def post_rate(request, code: str, payload: RateIn):
    require_perm(request.auth, roles.MANAGE_SHIPPING)
    rate = services.save_shipping_rate(actor=request.auth, code=code, ip_address=client_ip(request), **payload.dict())
    return Status(201, rate)


@router.delete(
    "/shipping-methods/{code}/rates/{rate_id}",
    response={204: None},
    auth=StaffToken(),
    summary="Remove one row of a method's rate table",
)
def delete_rate(request, code: str, rate_id: int):
    require_perm(request.auth, roles.MANAGE_SHIPPING)
    services.delete_shipping_rate(actor=request.auth, rate_id=rate_id, ip_address=client_ip(request))
    return Status(204, None)


# --- tracking -----------------------------------------------------------------------------------------


class TrackingResult(Schema):
    stored: int
    duplicates: int


@router.post(
    "/tracking/webhook",
    response=TrackingResult,
    openapi_extra={"responses": {401: {"description": "Signature missing, wrong or stale"}}},
    summary="Carriers' tracking events, signed: X-Dianpu-Tracking-Signature: t=<unix>,v1=<HMAC-SHA256 hex "
    "of '<t>.' + raw body> (body {\"events\": [{carrier, tracking_number, status, occurred_at, "
    "location, description}]})",
)
def tracking_webhook(request):
    return services.receive_tracking_webhook(
        body=request.body, signature=request.headers.get("X-Dianpu-Tracking-Signature", "")
    )


@router.post(
    "/tracking/events/import",
    response=TrackingResult,
    auth=StaffToken(),
    summary="Import tracking events from a CSV file (all or nothing; errors by line and column)",
)
def tracking_import(request, file: File[UploadedFile]):
    require_perm(request.auth, roles.VIEW_ORDERS, roles.FULFIL_ORDER)
    return services.import_tracking_file(
        text=read_upload_text(file, services.UPLOAD_LIMITS), actor=request.auth, ip_address=client_ip(request)
    )


class ExceptionOut(Schema):
    order_number: str
    carrier: str
    tracking_number: str
    kind: str = Field(description="late, failed or returned")
    shipped_at: datetime
    promised_by: datetime | None
    status: str
    days_late: int


@router.get(
    "/shipments/exceptions",
    response=list[ExceptionOut],
    auth=StaffToken(),
    summary="Parcels late against the method's promised days, failed, or returned to sender",
)
def exceptions(request, kind: str = ""):
    require_perm(request.auth, roles.VIEW_ORDERS)
    return [
        {
            "order_number": r["order_number"],
            "carrier": r["shipment"].carrier,
            "tracking_number": r["shipment"].tracking_number,
            "kind": r["kind"],
            "shipped_at": r["shipment"].shipped_at,
            "promised_by": r["shipment"].promised_by,
            "status": r["shipment"].status,
            "days_late": r["days_late"],
        }
        for r in list_exceptions(kind)
    ]


class CarrierReportRow(Schema):
    carrier: str
    name: str
    parcels: int
    delivered: int
    exceptions: int
    on_time_rate: Decimal | None = Field(description="0-1, among delivered parcels with a promised day")
    average_days: Decimal | None
    cost_per_parcel: Decimal | None


@router.get(
    "/reports/carriers",
    response=list[CarrierReportRow],
    auth=StaffToken(),
    summary="Carrier performance: on-time rate, average days, exceptions, cost per parcel",
)
def carrier_report(request, shipped_from: datetime | None = None, shipped_to: datetime | None = None):
    require_perm(request.auth, roles.VIEW_ORDERS, roles.VIEW_FIGURES)
    return summarize_carriers(shipped_from, shipped_to)


# --- documents ------------------------------------------------------------------------------------------

DOC_LABELS = {
    "warehouse": "仓库 Warehouse",
    "sku": "SKU",
    "product": "商品 Product",
    "quantity": "数量 Qty",
    "orders": "订单 Orders",
    "packing_slip": "发货单 Packing slip",
    "order": "订单号 Order",
    "ship_to": "收件人 Ship to",
    "shipping_method": "配送方式 Method",
    "total_units": "件数 Units",
    "note": "留言 Note",
    "sender": "寄件人 Sender",
}


@router.get(
    "/fulfillment/documents/{kind}",
    auth=StaffToken(),
    response={200: None},
    openapi_extra={"responses": {200: {"description": "PDF", "content": {"application/pdf": {}}}}},
    summary="pick-list, packing-slips or labels as PDF for ?numbers=DP…,DP…",
)
def documents(request, kind: str, numbers: str):
    require_perm(request.auth, roles.VIEW_ORDERS, roles.FULFIL_ORDER)
    wanted = [n.strip().upper() for n in numbers.replace(" ", ",").split(",") if n.strip()][:500]
    if kind == "pick-list":
        content = render_pick_list(
            order_queries.list_pick_lines(wanted), title="拣货单 Pick list", printed_at="", labels=DOC_LABELS
        )
    elif kind in ("packing-slips", "labels"):
        english = (get_language() or "").startswith("en")
        docs = order_queries.list_parcel_docs(
            wanted,
            method_names={m.code: m.display_name for m in list_all_shipping_methods()},
            carrier_names={c.code: (c.name_en if english else c.name) for c in CARRIERS.values()},
            shop_name=get_shop_profile().name,
            sender=get_shop_profile().sender_line,
        )
        content = (render_packing_slips if kind == "packing-slips" else render_labels)(docs, labels=DOC_LABELS)
    else:
        raise Http404(kind)
    return HttpResponse(content, content_type="application/pdf")
