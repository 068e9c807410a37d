from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema


class SignUpIn(Schema):
    email: str = Field("", max_length=254)
    password: str = Field("", max_length=128)
    name: str = Field("", max_length=100)
    phone: str = Field("", max_length=30)
    consent_email: bool = False
    consent_sms: bool = False


class SignUpOut(Schema):
    id: int
    email: str
    name: str
    email_verified: bool


class TokenIn(Schema):
    email: str = Field("", max_length=254)
    password: str = Field("", max_length=128)


class TokenOut(Schema):
    token: str


class PhoneCodeIn(Schema):
    phone: str = Field("", max_length=30)
    purpose: str = Field("sign_up", max_length=10, description="sign_up | sign_in")


class PhoneCodeOut(Schema):
    expires_in: int
    resend_after: int


class PhoneSignUpIn(Schema):
    phone: str = Field("", max_length=30)
    code: str = Field("", max_length=10)
    password: str = Field("", max_length=128)
    name: str = Field("", max_length=100)
    consent_sms: bool = False


class PhoneTokenIn(Schema):
    phone: str = Field("", max_length=30)
    code: str = Field("", max_length=10)


class MemberCouponOut(Schema):
    code: str
    name: str
    source: str
    amount: Decimal
    min_spend: Decimal
    ends_at: datetime


class PointsOfferOut(Schema):
    id: int
    name: str
    points: int
    coupon_amount: Decimal
    coupon_min_spend: Decimal
    valid_days: int


class PointsOfferList(Schema):
    items: list[PointsOfferOut]


class ExchangeIn(Schema):
    offer_id: int


class CheckInOut(Schema):
    streak: int
    points: int
    balance: int


class MyOrderOut(Schema):
    number: str
    status: str
    total: Decimal
    placed_at: datetime


class MeOut(Schema):
    email: str
    name: str
    phone: str
    email_verified: bool
    tier: str
    tier_name: str
    points: int
    points_value: Decimal
    consent_email: bool
    consent_sms: bool
    orders: list[MyOrderOut]
    phone_verified: bool = False
    check_in_streak: int = 0
    coupons: list[MemberCouponOut] = []


class CustomerOut(Schema):
    id: int
    email: str
    name: str
    phone: str
    tier: str
    points: int
    orders_count: int
    total_spent: Decimal
    last_order_at: datetime | None
    segments: list[str] = []
    tags: list[str] = []
    has_account: bool = False


class CustomerList(Schema):
    items: list[CustomerOut]
    count: int


class SavedAddressOut(Schema):
    name: str
    phone: str
    country: str
    province: str
    city: str
    district: str
    line1: str
    line2: str
    postcode: str
    is_default: bool


class PointsEntryOut(Schema):
    kind: str
    delta: int
    balance_after: int
    reference: str
    reason: str
    created_at: datetime


class CustomerDetail(CustomerOut):
    language: str
    created_at: datetime
    signed_up_at: datetime | None
    email_verified: bool
    consent_email: bool
    consent_sms: bool
    note: str
    addresses: list[SavedAddressOut]
    points_history: list[PointsEntryOut]
    orders: list[MyOrderOut]


class PointsIn(Schema):
    delta: int
    reason: str = Field("", max_length=200)


class PointsOut(Schema):
    balance: int


class ErasedOut(Schema):
    id: int
    erased_at: datetime


class Problem(Schema):
    code: str
    detail: str


class SegmentOut(Schema):
    code: str
    name: str
    kind: str
    customers: int
    revenue: Decimal
    conditions: dict = {}


class SegmentList(Schema):
    items: list[SegmentOut]


class SegmentIn(Schema):
    code: str = Field("", max_length=40)
    name: str = Field("", max_length=100)
    conditions: dict = {}


class OutreachIn(Schema):
    name: str = Field("", max_length=100)
    channel: str = "email"
    segment: str = Field("", max_length=40)
    subject: str = Field("", max_length=150)
    body: str = Field("", max_length=5000)
    subject_en: str = Field("", max_length=150)
    body_en: str = Field("", max_length=5000)
    sms_template: str = Field("", max_length=40)
    coupon_code: str = Field("", max_length=40)
    scheduled_at: datetime | None = None


class OutreachOut(Schema):
    id: int
    name: str
    channel: str
    segment: str
    occasion: str
    status: str
    scheduled_at: datetime
    sent: int
    delivered: int
    failed: int
    opened: int = 0
    clicked: int = 0


class OutreachList(Schema):
    items: list[OutreachOut]
    count: int
