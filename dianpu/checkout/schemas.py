from decimal import Decimal

from ninja import Field, Schema


class LineIn(Schema):
    sku: str = Field(max_length=64)
    quantity: int


class AddressIn(Schema):
    name: str = ""
    phone: str = ""
    country: str = "CN"
    province: str = ""
    city: str = ""
    district: str = ""
    line1: str = ""
    line2: str = ""
    postcode: str = ""


class CheckoutIn(Schema):
    email: str = ""
    lines: list[LineIn] = []
    shipping_address: AddressIn = AddressIn()
    shipping_method: str = ""
    payment_method: str = ""
    note: str = ""


class OrderLineOut(Schema):
    sku: str
    name: str
    variant: str
    quantity: int
    unit_price: Decimal
    line_total: Decimal


class PaymentOut(Schema):
    gateway: str
    reference: str
    instructions: str
    client_secret: str = ""
    redirect_url: str = ""


class CheckoutOut(Schema):
    number: str
    status: str
    currency: str
    subtotal: Decimal
    shipping_total: Decimal
    total: Decimal
    lines: list[OrderLineOut]
    payment: PaymentOut
    status_url: str


class Problem(Schema):
    code: str
    detail: str
