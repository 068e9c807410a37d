"""Moving-average cost (移动加权平均成本). Pure."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def calculate_moving_average_cost(on_hand: int, current_cost: Decimal, received: int, unit_cost: Decimal) -> Decimal:
    """Cost per unit after `received` units at `unit_cost` join `on_hand` units at `current_cost`.

    Stock already negative or empty carries no weight: the new cost is the receipt's."""
    if received <= 0:
        raise ValueError("received must be positive")
    if unit_cost < 0 or current_cost < 0:
        raise ValueError("costs cannot be negative")
    held = max(0, on_hand)
    total = Decimal(held) * current_cost + Decimal(received) * unit_cost
    return (total / Decimal(held + received)).quantize(CENT, ROUND_HALF_UP)
