"""Money in a gateway's minor units, and what a returned line gives back."""

from decimal import ROUND_DOWN, Decimal

CENT = Decimal("0.01")


def to_minor_units(amount: Decimal) -> int:
    """¥12.34 -> 1234 fen. Amounts with more than two decimals are refused (ValueError)."""
    minor = Decimal(amount) * 100
    if minor != minor.to_integral_value():
        raise ValueError(f"{amount} has more than two decimals")
    return int(minor)


def from_minor_units(minor: int) -> Decimal:
    return (Decimal(int(minor)) / 100).quantize(CENT)


def calculate_line_refund(
    line_total: Decimal, line_discount: Decimal, quantity: int, returned_quantity: int
) -> Decimal:
    """What was paid for `returned_quantity` of a line: its total less its share of discounts,
    pro rata per unit, rounded down to the fen (so parts never add up to more than was paid);
    returning every unit gives back exactly what was paid for the line."""
    if quantity <= 0 or returned_quantity <= 0:
        return Decimal("0.00")
    paid = max(Decimal(line_total) - Decimal(line_discount or 0), Decimal("0.00"))
    if returned_quantity >= quantity:
        return paid.quantize(CENT)
    return (paid * returned_quantity / quantity).quantize(CENT, rounding=ROUND_DOWN)


def remaining_refundable(paid: Decimal, refunded: Decimal) -> Decimal:
    return max(Decimal(paid) - Decimal(refunded), Decimal("0.00"))
