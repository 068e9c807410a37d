from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema


class SupplierIn(Schema):
    code: str = Field(..., max_length=30)
    name: str = Field(..., max_length=120)
    contact_name: str = Field("", max_length=60)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=30)
    lead_time_days: int = Field(7, ge=0, le=365)
    note: str = Field("", max_length=200)


class SupplierPatch(Schema):
    name: str | None = Field(None, max_length=120)
    contact_name: str | None = Field(None, max_length=60)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=30)
    lead_time_days: int | None = Field(None, ge=0, le=365)
    note: str | None = Field(None, max_length=200)
    is_active: bool | None = None


class SupplierPriceIn(Schema):
    sku: str
    unit_cost: Decimal = Field(..., ge=0, max_digits=12, decimal_places=2)
    min_order_quantity: int = Field(1, gt=0)
    supplier_sku: str = Field("", max_length=64)


class SupplierPriceOut(Schema):
    sku: str
    unit_cost: Decimal
    min_order_quantity: int
    supplier_sku: str


class SupplierOut(Schema):
    code: str
    name: str
    contact_name: str
    email: str
    phone: str
    lead_time_days: int
    note: str
    is_active: bool
    prices: list[SupplierPriceOut]


class PurchaseLineIn(Schema):
    sku: str
    quantity: int = Field(..., gt=0)
    unit_cost: Decimal | None = Field(
        None, ge=0, max_digits=12, decimal_places=2, description="default: the supplier's price, else the SKU's cost"
    )


class PurchaseOrderIn(Schema):
    supplier: str
    warehouse: str = ""
    lines: list[PurchaseLineIn]
    note: str = Field("", max_length=300)


class SuggestedLineIn(Schema):
    sku: str
    quantity: int = Field(..., gt=0)


class FromSuggestionsIn(Schema):
    warehouse: str = ""
    lines: list[SuggestedLineIn]


class ReceiptLineIn(Schema):
    sku: str
    quantity: int = Field(..., gt=0)


class ReceiptIn(Schema):
    lines: list[ReceiptLineIn]
    allow_over: bool = Field(False, description="accept more than is outstanding (explicitly)")
    note: str = Field("", max_length=200)


class PurchaseOrderLineOut(Schema):
    sku: str
    product: str
    quantity_ordered: int
    quantity_received: int
    unit_cost: Decimal
    line_total: Decimal


class PurchaseOrderOut(Schema):
    number: str
    supplier: str
    supplier_name: str
    warehouse: str
    status: str
    note: str
    created_at: datetime
    sent_at: datetime | None
    received_at: datetime | None
    total: Decimal
    lines: list[PurchaseOrderLineOut]


class PurchaseOrderSummary(Schema):
    number: str
    supplier: str
    supplier_name: str
    warehouse: str
    status: str
    created_at: datetime
    sent_at: datetime | None
    units_ordered: int
    units_received: int


class PurchaseOrderList(Schema):
    items: list[PurchaseOrderSummary]
    count: int
    page: int


class SuggestionOut(Schema):
    sku: str
    product: str
    available: int
    on_order: int
    safety_stock: int
    velocity: Decimal
    days_of_cover: Decimal | None
    supplier: str
    lead_time_days: int
    unit_cost: Decimal
    quantity: int
