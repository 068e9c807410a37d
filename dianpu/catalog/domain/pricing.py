"""Price rules: the floor below which a price needs an explicit override, and bulk price changes."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")


def resolve_margin_percent(shop_percent: Decimal | None, category_percents: dict[int, Decimal],
                           category_id: int | None) -> Decimal | None:
    """The minimum margin that applies: the category's own rule, else the shop's, else none."""
    if category_id is not None and category_id in category_percents:
        return category_percents[category_id]
    return shop_percent


def calculate_floor(cost: Decimal | None, margin_percent: Decimal | None) -> Decimal | None:
    """cost x (1 + minimum margin), rounded up to the fen; None when no rule or no cost applies."""
    if margin_percent is None or not cost:
        return None
    floor = cost * (1 + margin_percent / 100)
    rounded = floor.quantize(FEN, rounding=ROUND_HALF_UP)
    return rounded if rounded >= floor else rounded + FEN


def is_below_floor(price: Decimal | None, floor: Decimal | None) -> bool:
    return price is not None and floor is not None and price < floor


@dataclass(frozen=True)
class PriceChange:
    """A bulk change: `mode` 'amount' adds `value` (may be negative), 'percent' adds value % of the price,
    'set' makes the price `value`."""

    mode: str
    value: Decimal


PRICE_CHANGE_MODES = ("amount", "percent", "set")


def calculate_new_price(old: Decimal, change: PriceChange) -> Decimal:
    if change.mode == "amount":
        new = old + change.value
    elif change.mode == "percent":
        new = old * (1 + change.value / 100)
    elif change.mode == "set":
        new = change.value
    else:
        raise ValueError(f"unknown price change mode {change.mode!r}")
    return max(Decimal("0"), new).quantize(FEN, rounding=ROUND_HALF_UP)
