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
    coupon_codes: list[str] = []
    points: int = Field(0, description="Points (积分) to redeem; needs a customer token (Authorization: Bearer cu_…)")


class QuoteIn(Schema):
    email: str = ""
    lines: list[LineIn] = []
    coupon_codes: list[str] = []
    shipping_method: str = ""


class QuoteLineOut(Schema):
    sku: str
    quantity: int
    unit_price: Decimal
    discount: Decimal
    total: Decimal


class AppliedOut(Schema):
    source: str
    rule_id: str
    label: str
    kind: str
    amount: Decimal
    target: str


class QuoteOut(Schema):
    currency: str
    subtotal: Decimal
    discount_total: Decimal
    shipping_total: Decimal
    total: Decimal
    saved: Decimal
    lines: list[QuoteLineOut]
    applied: list[AppliedOut]
    hints: list[str]


class CheckoutLineOut(Schema):
    sku: str
    name: str
    variant: str
    quantity: int
    unit_price: Decimal
    line_total: Decimal
    discount: Decimal = Decimal("0.00")


class PaymentOut(Schema):
    gateway: str
    reference: str
    instructions: str
    client_secret: str = ""
    redirect_url: str = ""
    code_url: str = ""  # WeChat Pay Native: the content of the QR code the buyer scans
    # False: the gateway did not answer at checkout; the order stands, awaiting payment, and
    # POST retry_url (with the order's e-mail) starts the payment again.
    started: bool = True
    error_code: str = ""
    retry_url: str = ""


class PayIn(Schema):
    email: str = Field("", max_length=254)


class CheckoutOut(Schema):
    number: str
    status: str
    currency: str
    subtotal: Decimal
    discount_total: Decimal = Decimal("0.00")
    shipping_total: Decimal
    total: Decimal
    lines: list[CheckoutLineOut]
    applied: list[AppliedOut] = []
    payment: PaymentOut
    status_url: str


class Problem(Schema):
    code: str
    detail: str


class CheckoutProblem(Schema):
    """A refused checkout or quote; 422 invalid names each bad field."""

    code: str
    detail: str
    errors: dict[str, str] | None = Field(None, description="422 invalid: field -> message in the user's language")
    error_codes: dict[str, str] | None = Field(
        None, description="422 invalid: field -> stable code, e.g. shipping_address.phone: phone_mobile_digits"
    )
