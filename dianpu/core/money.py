"""Money is Decimal, in the shop's currency (CNY), exact to the fen."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


def to_money(value) -> Decimal:
    """Parse a number or string into a Decimal rounded half-up to the fen.

    Floats are refused: they cannot hold money exactly.
    """
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"not an amount of money: {value!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"not an amount of money: {value!r}")
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def to_fen(amount: Decimal) -> int:
    """Whole fen (the smallest unit), as payment gateways want it."""
    return int((to_money(amount) * 100).to_integral_value())


def format_money(amount: Decimal, symbol: str = "¥") -> str:
    return f"{symbol}{to_money(amount):,.2f}"
