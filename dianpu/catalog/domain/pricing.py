"""Price rules: the floor below which a price needs an explicit override, and bulk price changes."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")


def resolve_margin_percent(
    shop_percent: Decimal | None, category_percents: dict[int, Decimal], category_id: int | None
) -> Decimal | None:
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


def selling_price(
    price: Decimal, sale_price: Decimal | None = None, member_price: Decimal | None = None, *, is_member: bool = False
) -> Decimal:
    """The unit price a SKU sells at — the one rule every reader uses (storefront, cart, quote,
    checkout, API): the list price, the sale price when set and lower, and for a member the member
    price when set and lower still."""
    best = price
    if sale_price is not None and sale_price < best:
        best = sale_price
    if is_member and member_price is not None and member_price < best:
        best = member_price
    return best


def struck_price(price: Decimal, compare_at_price: Decimal | None, selling: Decimal) -> Decimal | None:
    """The higher price shown struck through beside the selling price: the list price when the SKU
    sells below it, else the compare-at price when it is higher; None when there is nothing to strike."""
    if selling < price:
        return price
    if compare_at_price is not None and compare_at_price > selling:
        return compare_at_price
    return None


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
