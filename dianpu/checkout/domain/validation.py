"""What a checkout request must hold before anything is written. Pure.

`validate_checkout` returns field -> error code; the service turns codes into text in the
user's language. Field names follow the API: "email", "lines", "lines.0.quantity",
"shipping_address.city", "shipping_method", "payment_method".
"""

import re
from dataclasses import dataclass, field
from typing import Any

from dianpu.cart.domain import MAX_LINE_QUANTITY, MAX_LINES
from dianpu.core.phones import check_phone

EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")
ADDRESS_LIMITS = {
    "name": 100,
    "phone": 30,
    "country": 2,
    "province": 50,
    "city": 50,
    "district": 50,
    "line1": 200,
    "line2": 200,
    "postcode": 12,
}
REQUIRED_ADDRESS = ("name", "phone", "country", "province", "city", "line1")
MARKUP = re.compile(r"[<>]")


@dataclass(frozen=True)
class CheckoutLine:
    sku: str
    quantity: object


@dataclass(frozen=True)
class CheckoutRequest:
    email: str
    lines: tuple[CheckoutLine, ...]
    shipping_address: dict[str, Any] = field(default_factory=dict)
    shipping_method: str = ""
    payment_method: str = ""
    note: str = ""
    language: str = "zh-hans"
    coupon_codes: tuple[str, ...] = ()
    customer_id: int | None = None  # a signed-in customer (account); None for a guest
    points: object = 0  # points (积分) to redeem; signed-in customers only


def validate_checkout(req: CheckoutRequest) -> dict[str, str]:
    errors: dict[str, str] = {}
    email = (req.email or "").strip()
    if not email:
        errors["email"] = "required"
    elif len(email) > 254 or not EMAIL.match(email):
        errors["email"] = "email_invalid"
    if not req.lines:
        errors["lines"] = "lines_required"
    elif len(req.lines) > MAX_LINES:
        errors["lines"] = "too_many_lines"
    seen = set()
    for i, line in enumerate(req.lines):
        if not (line.sku or "").strip():
            errors[f"lines.{i}.sku"] = "required"
        elif line.sku in seen:
            errors[f"lines.{i}.sku"] = "sku_repeated"
        seen.add(line.sku)
        q = line.quantity
        if isinstance(q, bool) or not isinstance(q, int) or not 1 <= q <= MAX_LINE_QUANTITY:
            errors[f"lines.{i}.quantity"] = "quantity_invalid"
    address = req.shipping_address or {}
    for name, limit in ADDRESS_LIMITS.items():
        value = str(address.get(name) or "").strip()
        key = f"shipping_address.{name}"
        if name in REQUIRED_ADDRESS and not value:
            errors[key] = "required"
        elif len(value) > limit:
            errors[key] = "too_long"
        elif MARKUP.search(value):
            errors[key] = "markup_not_allowed"
    country = str(address.get("country") or "").strip()
    if country and "shipping_address.country" not in errors and not re.fullmatch(r"[A-Za-z]{2}", country):
        errors["shipping_address.country"] = "country_invalid"
    phone = str(address.get("phone") or "").strip()
    if phone and "shipping_address.phone" not in errors:
        problem = check_phone(phone, country if "shipping_address.country" not in errors else "")
        if problem:
            errors["shipping_address.phone"] = problem
    if not req.shipping_method:
        errors["shipping_method"] = "required"
    if not req.payment_method:
        errors["payment_method"] = "required"
    if len(req.note or "") > 500:
        errors["note"] = "too_long"
    for i, code in enumerate(req.coupon_codes or ()):
        if not isinstance(code, str) or len(code) > 40:
            errors[f"coupon_codes.{i}"] = "too_long"
    return errors
