"""Shipping fee for a cart: a method's flat fee, free at or over its threshold. Pure."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class MethodRate:
    code: str
    fee: Decimal
    free_over: Decimal | None


def calculate_shipping_fee(rate: MethodRate, *, merchandise_total: Decimal) -> Decimal:
    if rate.free_over is not None and merchandise_total >= rate.free_over:
        return Decimal("0.00")
    return rate.fee
