"""Frozen values in and out of the engine. Money is Decimal at the edges, whole fen inside."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Generic

from typing_extensions import TypeVar

if TYPE_CHECKING:
    from .benefits import Benefit
    from .conditions import Condition

# The kind of benefit a promotion gives; the engine narrows it per stage (`Promotion[ItemBenefit]`).
BenefitT_co = TypeVar("BenefitT_co", covariant=True, default="Benefit")

FEN = Decimal("0.01")

# An explanation parameter of an adjustment or hint: (name, value), e.g. ("percent", Decimal("10")).
Param = tuple[str, Decimal | int | str]


def to_fen(amount: Decimal | int | str) -> int:
    return int((Decimal(amount) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def from_fen(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)  # exactly (fen / 100) to two places, e.g. 5 -> Decimal("0.05")


@dataclass(frozen=True)
class Scope:
    """Which lines a rule is about: everything, or named SKUs / category slugs / tag slugs / brands."""

    all: bool = False
    skus: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    brands: frozenset[str] = frozenset()
    index_keys: tuple[tuple[str, str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # The (kind, key) pairs the engine looks lines up by, in a fixed order.
        keys = tuple(
            (kind, key) for kind in ("skus", "categories", "tags", "brands") for key in sorted(getattr(self, kind))
        )
        object.__setattr__(self, "index_keys", keys)

    @classmethod
    def everything(cls) -> "Scope":
        return cls(all=True)

    def matches(self, line: "LineFacts") -> bool:
        if self.all:
            return True
        return (
            line.sku in self.skus
            or line.brand in self.brands
            or not self.categories.isdisjoint(line.categories)
            or not self.tags.isdisjoint(line.tags)
        )

    @property
    def is_empty(self) -> bool:
        return not (self.all or self.skus or self.categories or self.tags or self.brands)


@dataclass(frozen=True)
class LineFacts:
    sku: str
    unit_price: Decimal
    quantity: int
    product_id: int = 0
    categories: frozenset[str] = frozenset()  # slugs of the product's category and its ancestors
    tags: frozenset[str] = frozenset()
    brand: str = ""
    floor_price: Decimal = Decimal("0.00")  # per unit; a promotion goes below it only if it says so


@dataclass(frozen=True)
class CustomerFacts:
    email: str = ""
    tier: str = ""
    segments: frozenset[str] = frozenset()
    is_first_order: bool = True


@dataclass(frozen=True)
class Promotion(Generic[BenefitT_co]):
    """A rule: a benefit over a scope, behind conditions, in a time window.

    `id` is stable and unique ("P12"); ties in priority are broken by it, so the result never
    depends on the order promotions are listed in.
    """

    id: str
    label: str
    benefit: BenefitT_co  # built by benefits.BENEFITS
    scope: Scope = Scope(all=True)
    conditions: tuple["Condition", ...] = ()
    priority: int = 0
    exclusive: bool = False
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    allow_below_floor: bool = False

    def is_live(self, now: datetime) -> bool:
        return (self.starts_at is None or self.starts_at <= now) and (self.ends_at is None or now < self.ends_at)


@dataclass(frozen=True)
class CouponFacts:
    """A coupon the customer entered, with its counters as read before pricing."""

    code: str
    label: str
    kind: str  # "amount" | "percent" | "shipping"
    amount: Decimal = Decimal("0.00")
    percent: Decimal = Decimal("0")
    min_spend: Decimal = Decimal("0.00")
    scope: Scope = Scope(all=True)
    segments: frozenset[str] = frozenset()  # empty: anyone
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    uses_left: int | None = None  # None: unlimited
    customer_uses_left: int | None = None
    allow_below_floor: bool = False

    @property
    def id(self) -> str:
        return f"C:{self.code}"


@dataclass(frozen=True)
class CartFacts:
    lines: tuple[LineFacts, ...]
    customer: CustomerFacts = CustomerFacts()
    shipping_fee: Decimal = Decimal("0.00")
    now: datetime | None = None
    coupon_codes: tuple[str, ...] = ()
    # Flash sales: promotion id -> units this customer already bought / units left under the cap.
    flash_bought: tuple[tuple[str, int], ...] = ()  # ((promotion_id, units), ...)
    flash_left: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Adjustment:
    """One discount, pointing at the rule that gave it, with an explanation code and params."""

    source: str  # "promotion" | "coupon"
    rule_id: str
    label: str
    code: str  # the benefit kind, e.g. "spend_x_save_y"
    amount: Decimal
    target: str  # "lines" | "shipping"
    lines: tuple[tuple[str, Decimal], ...] = ()  # ((sku, amount), ...)
    params: tuple[Param, ...] = ()  # ((name, value), ...) for the explanation text


@dataclass(frozen=True)
class PricedLine:
    sku: str
    quantity: int
    unit_price: Decimal
    line_total: Decimal
    discount: Decimal
    total: Decimal


@dataclass(frozen=True)
class Hint:
    """Spend `amount_needed` more (on `rule_id`'s scope) to get `reward`."""

    rule_id: str
    label: str
    code: str
    amount_needed: Decimal
    reward: Decimal
    reward_kind: str  # "amount" | "percent" | "shipping"


@dataclass(frozen=True)
class CouponRejection:
    code: str
    reason: str  # coupon_expired, coupon_not_started, coupon_used_up, coupon_min_spend, ...


@dataclass(frozen=True)
class PricingResult:
    lines: tuple[PricedLine, ...]
    adjustments: tuple[Adjustment, ...]
    subtotal: Decimal
    discount_total: Decimal  # on merchandise
    shipping_fee: Decimal
    shipping_discount: Decimal
    hints: tuple[Hint, ...] = ()
    rejected_coupons: tuple[CouponRejection, ...] = ()
    flash_units: tuple[tuple[str, int], ...] = ()  # ((promotion_id, units), ...) to count against caps at checkout
    applied_coupons: tuple[str, ...] = ()
    excluded: tuple[str, ...] = field(default=())  # promotion ids set aside by an exclusive rule

    @property
    def shipping_total(self) -> Decimal:
        return self.shipping_fee - self.shipping_discount

    @property
    def total(self) -> Decimal:
        return self.subtotal - self.discount_total + self.shipping_total

    @property
    def saved(self) -> Decimal:
        return self.discount_total + self.shipping_discount
