"""Staff purchasing endpoints: suppliers and prices, replenishment suggestions, purchase orders
(create, send, PDF, receive, cancel), each checked against the role."""

from django.http import HttpResponse
from ninja import Query, Router, Schema, Status

from dianpu.accounts.auth import StaffToken, require_perm
from dianpu.accounts.domain import roles
from dianpu.core.bounds import PageNumber
from dianpu.inventory.queries import get_variant, get_warehouse
from dianpu.inventory.services import ensure_stock_summaries_current

from . import queries, services
from .pdf import build_purchase_order_pdf, purchase_order_filename
from .schemas import (
    FromSuggestionsIn,
    PurchaseOrderIn,
    PurchaseOrderList,
    PurchaseOrderOut,
    ReceiptIn,
    SuggestionOut,
    SupplierIn,
    SupplierOut,
    SupplierPatch,
    SupplierPriceIn,
)

router = Router(tags=["purchasing"], auth=StaffToken())


def supplier_out(s) -> dict:
    return {
        "code": s.code,
        "name": s.name,
        "contact_name": s.contact_name,
        "email": s.email,
        "phone": s.phone,
        "lead_time_days": s.lead_time_days,
        "note": s.note,
        "is_active": s.is_active,
        "prices": [
            {
                "sku": p.variant.sku,
                "unit_cost": p.unit_cost,
                "min_order_quantity": p.min_order_quantity,
                "supplier_sku": p.supplier_sku,
            }
            for p in queries.list_supplier_prices(s)
        ],
    }


def order_out(o) -> dict:
    return {
        "number": o.number,
        "supplier": o.supplier.code,
        "supplier_name": o.supplier.name,
        "warehouse": o.warehouse.code,
        "status": o.status,
        "note": o.note,
        "created_at": o.created_at,
        "sent_at": o.sent_at,
        "received_at": o.received_at,
        "total": queries.order_total(o),
        "lines": [
            {
                "sku": ln.variant.sku,
                "product": f"{ln.variant.product.name} {ln.variant.option_label}".strip(),
                "quantity_ordered": ln.quantity_ordered,
                "quantity_received": ln.quantity_received,
                "unit_cost": ln.unit_cost,
                "line_total": ln.line_total,
            }
            for ln in o.lines.all()
        ],
    }


@router.get("/suppliers", response=list[SupplierOut], summary="Suppliers with lead times and prices")
def list_suppliers(request, search: str = ""):
    require_perm(request.auth, roles.VIEW_PURCHASING)
    return [supplier_out(s) for s in queries.list_suppliers(search=search)[:500]]


@router.post("/suppliers", response={201: SupplierOut}, summary="Add a supplier")
def create_supplier(request, payload: SupplierIn):
    require_perm(request.auth, roles.VIEW_PURCHASING, roles.MANAGE_PURCHASING)
    supplier = services.create_supplier(actor=request.auth, **payload.dict())
    return Status(201, supplier_out(supplier))


@router.get("/suppliers/{code}", response=SupplierOut, summary="One supplier with its prices")
def get_supplier(request, code: str):
    require_perm(request.auth, roles.VIEW_PURCHASING)
    return supplier_out(queries.get_supplier(code))


@router.patch("/suppliers/{code}", response=SupplierOut, summary="Change a supplier (only the fields sent)")
def update_supplier(request, code: str, payload: SupplierPatch):
    require_perm(request.auth, roles.VIEW_PURCHASING, roles.MANAGE_PURCHASING)
    changes = payload.dict(exclude_unset=True)
    return supplier_out(
        services.update_supplier(actor=request.auth, supplier=queries.get_supplier(code), changes=changes)
    )


@router.post("/suppliers/{code}/prices", response=SupplierOut, summary="Set a supplier's price for a SKU")
def set_supplier_price(request, code: str, payload: SupplierPriceIn):
    require_perm(request.auth, roles.VIEW_PURCHASING, roles.MANAGE_PURCHASING)
    supplier = queries.get_supplier(code)
    services.set_supplier_price(
        actor=request.auth,
        supplier=supplier,
        variant=get_variant(payload.sku),
        unit_cost=payload.unit_cost,
        min_order_quantity=payload.min_order_quantity,
        supplier_sku=payload.supplier_sku,
    )
    return supplier_out(supplier)


@router.get(
    "/replenishment-suggestions",
    response=list[SuggestionOut],
    summary="What to reorder: velocity × (lead time + cover) + safety stock − available − on order",
)
def list_suggestions(request, window: int = 30, cover_days: int = 30, search: str = ""):
    require_perm(request.auth, roles.VIEW_PURCHASING)
    ensure_stock_summaries_current()
    cover_days = max(0, min(cover_days, 365))
    return [
        {
            "sku": s.sku,
            "product": f"{s.name} {s.option_label}".strip(),
            "available": s.available,
            "on_order": s.on_order,
            "safety_stock": s.safety_stock,
            "velocity": s.velocity,
            "days_of_cover": s.days_of_cover,
            "supplier": s.supplier_code,
            "lead_time_days": s.lead_time_days,
            "unit_cost": s.unit_cost,
            "quantity": s.quantity,
        }
        for s in queries.list_replenishment_suggestions(window=window, cover_days=cover_days, search=search)
    ]


class PurchaseOrderFilters(Schema):
    status: str = ""
    supplier: str = ""
    search: str = ""
    page: PageNumber = 1
    page_size: int = 50


@router.get("/purchase-orders", response=PurchaseOrderList, summary="Purchase orders, newest first")
def list_purchase_orders(request, filters: Query[PurchaseOrderFilters]):
    require_perm(request.auth, roles.VIEW_PURCHASING)
    supplier = queries.get_supplier(filters.supplier) if filters.supplier else None
    orders = queries.list_purchase_orders(status=filters.status, supplier=supplier, search=filters.search)
    size, page = max(1, min(filters.page_size, 200)), max(1, filters.page)
    items = [
        {
            "number": o.number,
            "supplier": o.supplier.code,
            "supplier_name": o.supplier.name,
            "warehouse": o.warehouse.code,
            "status": o.status,
            "created_at": o.created_at,
            "sent_at": o.sent_at,
            "units_ordered": o.units_ordered or 0,
            "units_received": o.units_received or 0,
        }
        for o in orders[(page - 1) * size : page * size]
    ]
    return {"items": items, "count": orders.count(), "page": page}


@router.post("/purchase-orders", response={201: PurchaseOrderOut}, summary="Create a draft purchase order")
def create_purchase_order(request, payload: PurchaseOrderIn):
    require_perm(request.auth, roles.VIEW_PURCHASING, roles.MANAGE_PURCHASING)
    order = services.create_purchase_order(
        actor=request.auth,
        supplier=queries.get_supplier(payload.supplier),
        warehouse=get_warehouse(payload.warehouse) if payload.warehouse else None,
        note=payload.note,
        lines=[services.LineInput(ln.sku, ln.quantity, ln.unit_cost) for ln in payload.lines],
    )
    return Status(201, order_out(queries.get_purchase_order(order.number)))


@router.post(
    "/purchase-orders/from-suggestions",
    response={201: list[PurchaseOrderOut]},
    summary="Draft one purchase order per preferred supplier from chosen suggestions",
)
def create_from_suggestions(request, payload: FromSuggestionsIn):
    require_perm(request.auth, roles.VIEW_PURCHASING, roles.MANAGE_PURCHASING)
    wanted = {}
    for ln in payload.lines:
        wanted[ln.sku] = wanted.get(ln.sku, 0) + ln.quantity
    orders = services.create_purchase_orders_from_suggestions(
        actor=request.auth, wanted=wanted, warehouse=get_warehouse(payload.warehouse) if payload.warehouse else None
    )
    return Status(201, [order_out(queries.get_purchase_order(o.number)) for o in orders])


@router.get("/purchase-orders/{number}", response=PurchaseOrderOut, summary="One purchase order with its lines")
def get_purchase_order(request, number: str):
    require_perm(request.auth, roles.VIEW_PURCHASING)
    return order_out(queries.get_purchase_order(number))


@router.get(
    "/purchase-orders/{number}/pdf",
    summary="The purchase order as a PDF",
    response={200: None},
    openapi_extra={"responses": {200: {"description": "PDF", "content": {"application/pdf": {}}}}},
)
def purchase_order_pdf(request, number: str):
    require_perm(request.auth, roles.VIEW_PURCHASING)
    order = queries.get_purchase_order(number)
    response = HttpResponse(build_purchase_order_pdf(order), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{purchase_order_filename(order)}"'
    return response


@router.post(
    "/purchase-orders/{number}/send",
    response=PurchaseOrderOut,
    summary="Draft → sent; the PDF is e-mailed to the supplier when it has an address",
)
def send_purchase_order(request, number: str):
    require_perm(request.auth, roles.VIEW_PURCHASING, roles.MANAGE_PURCHASING)
    services.send_purchase_order(actor=request.auth, order=queries.get_purchase_order(number))
    return order_out(queries.get_purchase_order(number))


@router.post("/purchase-orders/{number}/cancel", response=PurchaseOrderOut, summary="Cancel a draft or sent order")
def cancel_purchase_order(request, number: str):
    require_perm(request.auth, roles.VIEW_PURCHASING, roles.MANAGE_PURCHASING)
    services.cancel_purchase_order(actor=request.auth, order=queries.get_purchase_order(number))
    return order_out(queries.get_purchase_order(number))


@router.post(
    "/purchase-orders/{number}/receipts",
    response=PurchaseOrderOut,
    summary="Goods in: units per SKU onto the ledger at moving-average cost (more than ordered only with allow_over)",
)
def receive_purchase_order(request, number: str, payload: ReceiptIn):
    require_perm(request.auth, roles.VIEW_PURCHASING, roles.RECEIVE_GOODS)
    received = {}
    for ln in payload.lines:
        received[ln.sku] = received.get(ln.sku, 0) + ln.quantity
    services.receive_purchase_order(
        actor=request.auth,
        order=queries.get_purchase_order(number),
        received=received,
        allow_over=payload.allow_over,
        note=payload.note,
    )
    return order_out(queries.get_purchase_order(number))
