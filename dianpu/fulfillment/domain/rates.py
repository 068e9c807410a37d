"""Shipping fee for a parcel. Pure.

A method either has a flat fee, or a rate table: one row per province plus an optional default row
(province ""), each "first weight + additional weight step" (首重 + 续重). A method with a rate table
serves only the provinces it has a row for (or all, with a default row); a method may also have a
maximum parcel weight. At or over the method's free-shipping threshold (满额包邮) the fee is 0 —
availability still applies.
"""

from dataclasses import dataclass
from decimal import Decimal

from .regions import normalize_province

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ZoneRate:
    province: str  # "" = every province without a row of its own
    first_weight_grams: int
    first_fee: Decimal
    step_grams: int
    step_fee: Decimal


@dataclass(frozen=True)
class MethodRate:
    code: str
    fee: Decimal
    free_over: Decimal | None
    zones: tuple[ZoneRate, ...] = ()
    max_weight_grams: int | None = None


class ShippingUnavailable(Exception):
    """The method does not take this parcel: `code` is region_not_served or too_heavy."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def find_zone(zones: tuple[ZoneRate, ...], province: str) -> ZoneRate | None:
    wanted = normalize_province(province)
    default = None
    for zone in zones:
        if not zone.province.strip():
            default = zone
        elif normalize_province(zone.province) == wanted:
            return zone
    return default


def calculate_weight_fee(zone: ZoneRate, weight_grams: int) -> Decimal:
    extra = max(0, weight_grams - zone.first_weight_grams)
    steps = -(-extra // zone.step_grams) if zone.step_grams > 0 else 0
    return (zone.first_fee + zone.step_fee * steps).quantize(Decimal("0.01"))


def calculate_shipping_fee(
    rate: MethodRate, *, merchandise_total: Decimal, weight_grams: int = 0, province: str = ""
) -> Decimal:
    """The fee, or ShippingUnavailable when the method does not take this parcel."""
    if rate.max_weight_grams and weight_grams > rate.max_weight_grams:
        raise ShippingUnavailable("too_heavy")
    zone = None
    if rate.zones:
        zone = find_zone(rate.zones, province)
        if zone is None:
            raise ShippingUnavailable("region_not_served")
    if rate.free_over is not None and merchandise_total >= rate.free_over:
        return ZERO
    return calculate_weight_fee(zone, weight_grams) if zone is not None else rate.fee
