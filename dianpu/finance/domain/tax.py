"""Tax on sales: the rate of each product class, prices with tax included or not. Pure."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def split_tax(amount: Decimal, rate_percent: Decimal, *, included: bool) -> tuple[Decimal, Decimal]:
    """(base without tax, tax) of `amount` charged at `rate_percent`.

    Included: 113.00 at 13 % -> (100.00, 13.00). Excluded: 100.00 at 13 % -> (100.00, 13.00)."""
    amount, rate = Decimal(amount), Decimal(rate_percent)
    if included:
        tax = (amount * rate / (100 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)
        return amount - tax, tax
    return amount, (amount * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)


TAX_NUMBER_LENGTHS = (15, 17, 18, 20)


def is_valid_tax_number(text: str) -> bool:
    """A Chinese taxpayer id (统一社会信用代码 18, older 15/17/20): digits and capital letters."""
    return len(text) in TAX_NUMBER_LENGTHS and text.isascii() and text.isalnum() and text == text.upper()
