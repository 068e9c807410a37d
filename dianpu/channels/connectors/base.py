"""What every connector produces: channel orders with lines, or problems by line and column."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation


@dataclass
class ChannelLine:
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    row: int
    external_variant_id: str = ""  # the platform's variant id, when it gives one (Shopify's API)


@dataclass
class ChannelOrder:
    number: str  # the platform's order number, e.g. "#1001"
    email: str
    paid: bool
    placed_at: datetime | None
    ship_name: str
    ship_phone: str
    ship_country: str
    ship_province: str
    ship_city: str
    ship_line1: str
    ship_line2: str = ""
    ship_postcode: str = ""
    billing_province: str = ""
    shipping_total: Decimal = Decimal("0.00")
    discount_total: Decimal = Decimal("0.00")
    fulfilled: bool = False
    row: int = 0
    lines: list[ChannelLine] = field(default_factory=list)


@dataclass(frozen=True)
class ImportProblem:
    row: int
    column: str
    code: str
    value: str = ""


def to_decimal(text: str, row: int, column: str, problems: list[ImportProblem], *, default="0") -> Decimal:
    raw = (str(text) if text is not None else "").strip().replace(",", "") or default
    try:
        value = Decimal(raw)
        if not value.is_finite() or value < 0:
            raise InvalidOperation
        return value.quantize(Decimal("0.01"))
    except InvalidOperation:
        problems.append(ImportProblem(row, column, "amount_invalid", str(text)))
        return Decimal("0.00")


def to_quantity(text, row: int, column: str, problems: list[ImportProblem]) -> int:
    raw = str(text if text is not None else "").strip()
    try:
        value = int(Decimal(raw)) if raw else 0
        if value < 1 or value > 9999 or Decimal(raw) != value:
            raise ValueError
        return value
    except (ValueError, InvalidOperation):
        problems.append(ImportProblem(row, column, "quantity_invalid", raw))
        return 0


def to_datetime(text) -> datetime | None:
    if isinstance(text, datetime):
        return text
    raw = str(text or "").strip()
    if not raw:
        return None
    for fmt in ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw, fmt)
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        return None


def is_yes(text) -> bool:
    return str(text or "").strip().lower() in {"paid", "yes", "y", "true", "1", "是", "已付款", "已支付"}
