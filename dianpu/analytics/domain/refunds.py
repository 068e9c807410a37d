"""How a refund's money is shared among the products of its order (the bestseller "refunds")."""

from decimal import ROUND_DOWN, Decimal

CENT = Decimal("0.01")


def split_refund(amount: Decimal, shipping: Decimal, line_totals: dict[int, Decimal]) -> dict[int, Decimal]:
    """The goods part of a refund (amount − its shipping part) shared in proportion to each
    product's line totals in the order, in cents rounded down; the cents left over go to the
    product with the largest lines (the lowest id on a tie). The shares add up to the goods part."""
    goods = max(Decimal("0.00"), Decimal(amount) - Decimal(shipping or 0)).quantize(CENT)
    total = sum(line_totals.values(), Decimal("0.00"))
    if not line_totals or goods <= 0 or total <= 0:
        return {}
    shares = {p: (goods * t / total).quantize(CENT, rounding=ROUND_DOWN) for p, t in line_totals.items()}
    largest = min(line_totals, key=lambda p: (-line_totals[p], p))
    shares[largest] += goods - sum(shares.values(), Decimal("0.00"))
    return {p: s for p, s in shares.items() if s}
