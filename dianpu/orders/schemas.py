from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema


class OrderSummary(Schema):
    number: str
    status: str
    email: str
    ship_name: str
    total: Decimal
    payment_method: str
    shipping_method: str
    placed_at: datetime
    paid_at: datetime | None
    shipped_at: datetime | None


class OrderList(Schema):
    items: list[OrderSummary]
    count: int
    page: int


class OrderLineOut(Schema):
    sku: str
    name: str
    variant: str
    quantity: int
    unit_price: Decimal
    line_total: Decimal
    discount: Decimal = Decimal("0.00")  # this line's share of the order's discounts
    paid_total: Decimal = Decimal("0.00")  # line_total - discount: what a full refund of the line gives back


class HistoryOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor: str
    reason: str
    at: datetime


class AddressOut(Schema):
    name: str
    phone: str
    country: str
    province: str
    city: str
    district: str
    line1: str
    line2: str
    postcode: str


class TrackingEventOut(Schema):
    status: str
    occurred_at: datetime
    location: str
    description: str


class ShipmentOut(Schema):
    carrier: str
    tracking_number: str
    tracking_url: str
    status: str = Field(description="shipped, in_transit, out_for_delivery, delivered, failed, returned")
    shipped_at: datetime
    promised_by: datetime | None
    delivered_at: datetime | None
    events: list[TrackingEventOut] = Field(description="newest first")


class HoldReasonOut(Schema):
    code: str
    label: str
    detail: str


class OrderRefundOut(Schema):
    amount: Decimal
    status: str = Field(description="pending | succeeded | failed")
    gateway: str
    created_at: datetime


class OrderReturnOut(Schema):
    number: str
    kind: str = Field(description="return | exchange | refund_only")
    status: str


class OrderDetail(OrderSummary):
    channel: str = Field(description="web, a connected channel's id, or a file import's channel code")
    channel_name: str = Field(description="the channel as people read it (channels.queries.channel_label)")
    currency: str
    subtotal: Decimal
    shipping_total: Decimal
    discount_total: Decimal
    shipping_address: AddressOut
    note: str
    carrier: str
    tracking_number: str
    tracking_url: str
    delivered_at: datetime | None
    cancelled_at: datetime | None
    lines: list[OrderLineOut]
    history: list[HistoryOut]
    channel_order_number: str = ""
    shipments: list[ShipmentOut] = []
    hold_reasons: list["HoldReasonOut"] = Field(default=[], description="why the order is held for review (审单)")
    refunds: list[OrderRefundOut] = Field(default=[], description="money sent back, oldest first")
    returns: list[OrderReturnOut] = Field(default=[], description="after-sales requests (售后), oldest first")
    allowed_actions: list[str] = Field(description="actions this order's state allows and your role may take")


class TransitionIn(Schema):
    action: str = Field(description="mark_paid | review | start_picking | ship | mark_delivered | complete | cancel")
    carrier: str = Field("", max_length=20)
    tracking_number: str = Field("", max_length=40)
    reason: str = Field("", max_length=500)
