from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema


class WarehouseOut(Schema):
    code: str
    name: str
    is_default: bool


class WarehouseIn(Schema):
    code: str = Field(..., max_length=20)
    name: str = Field(..., max_length=100)
    is_default: bool = False


class LevelOut(Schema):
    sku: str
    product: str
    variant: str
    warehouse: str
    on_hand: int
    reserved: int
    available: int
    safety_stock: int
    is_low: bool


class LevelList(Schema):
    items: list[LevelOut]
    count: int
    page: int


class MoveOut(Schema):
    at: datetime
    kind: str
    warehouse: str
    on_hand_delta: int
    reserved_delta: int
    reference: str
    reason: str
    actor: str


class Ledger(Schema):
    sku: str
    on_hand: int
    available: int
    items: list[MoveOut]
    count: int
    page: int


class SafetyStockIn(Schema):
    warehouse: str
    safety_stock: int = Field(..., ge=0)


class TransferIn(Schema):
    sku: str
    from_warehouse: str
    to_warehouse: str
    quantity: int = Field(..., gt=0)
    reason: str = Field("", max_length=150)


class TransferOut(Schema):
    reference: str
    sku: str
    from_level: LevelOut
    to_level: LevelOut


class AdjustmentIn(Schema):
    sku: str
    warehouse: str
    delta: int = Field(..., description="units to add (positive) or remove (negative); not 0")
    reason_code: str = Field(..., description="damaged, lost, found, correction, sample or other")
    note: str = Field("", max_length=150)


class CoverOut(Schema):
    sku: str
    product: str
    variant: str
    on_hand: int
    reserved: int
    available: int
    safety_stock: int
    sold_in_window: int
    sold_yesterday: int
    returns_7_days: int
    velocity: Decimal
    days_of_cover: Decimal | None
    age_days: int | None
    action: str
    clearance_percent: int


class CoverList(Schema):
    window: int
    items: list[CoverOut]
    count: int
    page: int


class StocktakeIn(Schema):
    warehouse: str
    category: str = Field("", description="category slug: count only this category and its children")
    note: str = Field("", max_length=200)


class CountIn(Schema):
    code: str = Field(..., description="SKU or barcode")
    quantity: int = Field(..., ge=0)
    add: bool = Field(False, description="add to the units counted so far (a scan) instead of replacing them")


class CountLineOut(Schema):
    sku: str
    barcode: str
    product: str
    expected: int
    counted: int | None
    variance: int | None


class VarianceSummaryOut(Schema):
    lines_counted: int
    lines_with_variance: int
    units_over: int
    units_short: int
    value: Decimal
    uncounted: int


class StocktakeOut(Schema):
    number: str
    warehouse: str
    category: str
    status: str
    note: str
    created_at: datetime
    posted_at: datetime | None
    summary: VarianceSummaryOut
    variances: list[CountLineOut]


class StocktakeSummaryOut(Schema):
    number: str
    warehouse: str
    category: str
    status: str
    created_at: datetime
    posted_at: datetime | None


class PostedOut(Schema):
    number: str
    status: str
    lines_adjusted: int
