"""Builds engine input from the hand-worked cart table (carts.json)."""

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from dianpu.promotions.domain import CartFacts, CustomerFacts, LineFacts
from dianpu.promotions.domain.definitions import coupon_from_definition, params_of, promotion_from_definition

TABLE = json.loads((Path(__file__).parent / "carts.json").read_text(encoding="utf-8"))
NOW = datetime.fromisoformat(TABLE["now"])


def _when(value):
    return datetime.fromisoformat(value) if value else None


def line_of(row) -> LineFacts:
    return LineFacts(
        sku=row["sku"],
        unit_price=Decimal(row["price"]),
        quantity=row["qty"],
        categories=frozenset(row.get("categories", ())),
        tags=frozenset(row.get("tags", ())),
        floor_price=Decimal(row.get("floor", "0.00")),
    )


def promotion_of(row):
    return promotion_from_definition(
        id=row["id"],
        label=row.get("name", row["id"]),
        kind=row["kind"],
        params=params_of(row),
        scope=row.get("scope"),
        conditions=row.get("conditions", ()),
        priority=row.get("priority", 0),
        exclusive=row.get("exclusive", False),
        starts_at=_when(row.get("starts_at")),
        ends_at=_when(row.get("ends_at")),
        allow_below_floor=row.get("allow_below_floor", False),
    )


def coupon_of(row):
    return coupon_from_definition(
        code=row["code"],
        label=row["code"],
        kind=row["kind"],
        amount=row.get("amount"),
        percent=row.get("percent"),
        min_spend=row.get("min_spend"),
        scope=row.get("scope"),
        segments=row.get("segments", ()),
        starts_at=_when(row.get("starts_at")),
        ends_at=_when(row.get("ends_at")),
        uses_left=row.get("uses_left"),
        customer_uses_left=row.get("customer_uses_left"),
    )


def facts_of(case) -> CartFacts:
    c = case.get("customer", {})
    customer = CustomerFacts(
        email="buyer@example.com",
        tier=c.get("tier", ""),
        segments=frozenset(c.get("segments", ())),
        is_first_order=c.get("first_order", False),
    )
    return CartFacts(
        lines=tuple(line_of(r) for r in case["lines"]),
        customer=customer,
        shipping_fee=Decimal(case.get("shipping_fee", "0.00")),
        now=NOW,
        coupon_codes=tuple(case.get("coupon_codes", ())),
        flash_bought=tuple(case.get("flash_bought", {}).items()),
        flash_left=tuple(case.get("flash_left", {}).items()),
    )


def rules_of(case):
    promotions = [promotion_of(r) for r in case.get("promotions", ())]
    wanted = set(case.get("coupon_codes", ()))
    coupons = [coupon_of(r) for r in case.get("coupons", ()) if r["code"] in wanted]
    return promotions, coupons
