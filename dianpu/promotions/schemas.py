from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema


class TierIn(Schema):
    threshold: Decimal | None = None
    amount: Decimal | None = None
    percent: Decimal | None = None


class PromotionIn(Schema):
    name: str = Field("", max_length=100)
    kind: str = ""
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    priority: int = 0
    exclusive: bool = False
    allow_below_floor: bool = False
    scope: dict = {"all": True}
    conditions: list[dict] = []
    budget: Decimal | None = None
    percent: Decimal | None = None
    amount: Decimal | None = None
    price: Decimal | None = None
    tiers: list[TierIn] | None = None
    repeat: bool | None = None
    buy: int | None = None
    get: int | None = None
    discount_percent: Decimal | None = None
    threshold: Decimal | None = None
    skus: list[str] | None = None
    prices: dict[str, Decimal] | None = None
    per_customer_limit: int | None = None
    stock_cap: int | None = None


class PromotionPatch(PromotionIn):
    name: str | None = Field(None, max_length=100)
    kind: str | None = None
    priority: int | None = None
    exclusive: bool | None = None
    allow_below_floor: bool | None = None
    scope: dict | None = None
    conditions: list[dict] | None = None
    is_active: bool | None = None


class PromotionOut(Schema):
    id: int
    name: str
    kind: str
    status: str
    starts_at: datetime
    ends_at: datetime
    priority: int
    exclusive: bool
    allow_below_floor: bool
    scope: dict
    conditions: list
    params: dict
    budget: Decimal | None
    flash_sold: int
    cost: Decimal


class PromotionList(Schema):
    items: list[PromotionOut]
    count: int


class CouponIn(Schema):
    code: str = Field("", max_length=40)
    name: str = Field("", max_length=100)
    kind: str = ""
    amount: Decimal | None = None
    percent: Decimal | None = None
    min_spend: Decimal | None = None
    usage_limit: int | None = None
    per_customer_limit: int | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    scope: dict = {"all": True}
    segments: list[str] = []


class CouponPatch(Schema):
    name: str | None = Field(None, max_length=100)
    kind: str | None = None
    amount: Decimal | None = None
    percent: Decimal | None = None
    min_spend: Decimal | None = None
    usage_limit: int | None = None
    per_customer_limit: int | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    scope: dict | None = None
    segments: list[str] | None = None
    is_active: bool | None = None


class CouponOut(Schema):
    code: str
    name: str
    kind: str
    amount: Decimal
    percent: Decimal
    min_spend: Decimal
    usage_limit: int | None
    per_customer_limit: int | None
    used_count: int
    starts_at: datetime
    ends_at: datetime
    scope: dict
    segments: list
    is_active: bool
    batch: int | None


class CouponList(Schema):
    items: list[CouponOut]
    count: int


class CouponBatchIn(CouponIn):
    code: str = ""
    prefix: str = Field("", max_length=12)
    quantity: int = 0


class CouponBatchOut(Schema):
    id: int
    name: str
    prefix: str
    quantity: int
    codes: list[str]


class Problem(Schema):
    code: str
    detail: str
