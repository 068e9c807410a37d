"""Benefits, each a small class in the registry `BENEFITS`, grouped by the stage they act in.

Stages (see engine.py): ITEM (one best price per line), MULTIBUY (units grouped: buy N get M,
bundles), ORDER (one best order-level rule), SHIPPING. Amounts inside are whole fen.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from .types import Param, from_fen, to_fen

ITEM, MULTIBUY, ORDER, SHIPPING = 1, 2, 3, 5

# (family, value): see `dominance` below.
Dominance = tuple[str, Decimal | int]
# A threshold still to reach: (fen needed, reward in fen or percent, reward kind).
NextTier = tuple[int, Decimal | int, str]
# An order benefit's saving with its explanation params.
Saving = tuple[int, tuple[Param, ...]]


ONE = Decimal("1")


@lru_cache(maxsize=4096)
def _hundredths(percent: Decimal) -> int | None:
    """A percent as whole hundredths of a percent (12.5 -> 1250), or None if finer than that."""
    scaled = Decimal(percent) * 100
    return int(scaled) if scaled == scaled.to_integral_value() else None


def percent_of(amount_fen: int, percent: Decimal) -> int:
    """`percent`% of an amount in fen, rounded half up to the fen (integer arithmetic when the
    percent has at most two decimals, which is what the definitions allow)."""
    hundredths = _hundredths(percent)
    if hundredths is not None and amount_fen >= 0:
        return (amount_fen * hundredths * 2 + 10000) // 20000
    return int((amount_fen * Decimal(percent) / 100).quantize(ONE, rounding=ROUND_HALF_UP))


def _percent_discount(amount_fen: int, hundredths: int | None, percent: Decimal) -> int:
    """percent_of with the percent's hundredths looked up once, by the benefit that owns it."""
    if hundredths is not None and amount_fen >= 0:
        return (amount_fen * hundredths * 2 + 10000) // 20000
    return percent_of(amount_fen, percent)


# Item benefits also answer `dominance`: (family, value) such that, on any line, a benefit of the
# same family with a value at least as large gives at least as large a discount (None: not
# comparable). The engine uses it to set aside a rule that an earlier-ranked rule covering every
# line always matches or beats.


# ---- item stage: a discount for one line ---------------------------------------------------


@dataclass(frozen=True)
class PercentOff:
    """限时折扣: percent off each unit in scope."""

    percent: Decimal
    _hundredths: int | None = field(init=False, repr=False, compare=False)
    dominance: Dominance = field(init=False, repr=False, compare=False)
    kind = "percent_off"
    stage = ITEM

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hundredths", _hundredths(self.percent))
        object.__setattr__(self, "dominance", ("percent", self.percent))

    def line_discount(self, unit_fen: int, units: int, sku: str = "") -> int:
        return _percent_discount(unit_fen * units, self._hundredths, self.percent)

    def params(self) -> tuple[Param, ...]:
        return (("percent", self.percent),)


@dataclass(frozen=True)
class AmountOff:
    """限时直降: an amount off each unit in scope."""

    amount: Decimal
    _fen: int = field(init=False, repr=False, compare=False)
    dominance: Dominance = field(init=False, repr=False, compare=False)
    kind = "amount_off"
    stage = ITEM

    def __post_init__(self) -> None:
        object.__setattr__(self, "_fen", to_fen(self.amount))
        object.__setattr__(self, "dominance", ("amount", self._fen))

    def line_discount(self, unit_fen: int, units: int, sku: str = "") -> int:
        return min(unit_fen, self._fen) * units

    def params(self) -> tuple[Param, ...]:
        return (("amount", self.amount),)


@dataclass(frozen=True)
class MemberPrice:
    """会员价: for the tiers named (a MemberTier condition), a set price per SKU or a percent off."""

    percent: Decimal = Decimal("0")
    prices: tuple[tuple[str, Decimal], ...] = ()  # ((sku, price), ...)
    _fen_prices: dict[str, int] = field(init=False, repr=False, compare=False)
    _hundredths: int | None = field(init=False, repr=False, compare=False)
    dominance: Dominance | None = field(init=False, repr=False, compare=False)
    kind = "member_price"
    stage = ITEM

    def __post_init__(self) -> None:
        object.__setattr__(self, "_fen_prices", {s: to_fen(p) for s, p in self.prices})
        object.__setattr__(self, "_hundredths", _hundredths(self.percent))
        # Without set prices it is a percent off, like PercentOff.
        object.__setattr__(self, "dominance", None if self.prices else ("percent", self.percent))

    def price_for(self, sku: str) -> int | None:
        return self._fen_prices.get(sku)

    def line_discount(self, unit_fen: int, units: int, sku: str = "") -> int:
        if self._fen_prices:
            price = self._fen_prices.get(sku)
            if price is not None:
                return max(0, unit_fen - price) * units
        return _percent_discount(unit_fen * units, self._hundredths, self.percent)

    def params(self) -> tuple[Param, ...]:
        return (("percent", self.percent),)


@dataclass(frozen=True)
class FlashPrice:
    """秒杀: a set price for at most `per_customer_limit` units per customer and `stock_cap` in all."""

    price: Decimal
    per_customer_limit: int = 1
    stock_cap: int = 0
    _fen: int = field(init=False, repr=False, compare=False)
    kind = "flash_sale"
    stage = ITEM

    def __post_init__(self) -> None:
        object.__setattr__(self, "_fen", to_fen(self.price))

    def line_discount(self, unit_fen: int, units: int, sku: str = "") -> int:
        return max(0, unit_fen - self._fen) * units

    def params(self) -> tuple[Param, ...]:
        return (("price", self.price),)


# ---- multi-buy stage: groups of units -------------------------------------------------------


@dataclass(frozen=True)
class BuyXGetY:
    """买N送M / 第二件半价: in each group of buy+get units (dearest first), the cheapest `get`
    units are `discount_percent` off (100 = free)."""

    buy: int
    get: int
    discount_percent: Decimal = Decimal("100")
    kind = "buy_x_get_y"
    stage = MULTIBUY

    def plan(self, units: list[tuple[int, int]]) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """units: [(price_fen, line_index)] sorted dearest first. Returns (consumed, discounts)
        where discounts is [(line_index, fen)]."""
        size = self.buy + self.get
        groups = len(units) // size
        consumed = units[: groups * size]
        discounts: list[tuple[int, int]] = []
        for g in range(groups):
            group = consumed[g * size : (g + 1) * size]
            for price, index in group[self.buy :]:
                discounts.append((index, percent_of(price, self.discount_percent)))
        return consumed, discounts

    def params(self) -> tuple[Param, ...]:
        return (("buy", self.buy), ("get", self.get), ("discount_percent", self.discount_percent))


@dataclass(frozen=True)
class BundlePrice:
    """搭配购: one unit of each SKU named, together, for `price`."""

    skus: tuple[str, ...]
    price: Decimal
    _fen: int = field(init=False, repr=False, compare=False)
    kind = "bundle"
    stage = MULTIBUY

    def __post_init__(self) -> None:
        object.__setattr__(self, "_fen", to_fen(self.price))

    def params(self) -> tuple[Param, ...]:
        return (("price", self.price), ("skus", ", ".join(self.skus)))


# ---- order stage: one discount over the in-scope amount ----------------------------------------


@dataclass(frozen=True)
class SpendXSaveY:
    """满减: tiers ((threshold, amount), ...); the highest tier reached applies, or with `repeat`
    (每满) the first tier's amount for every full threshold."""

    tiers: tuple[tuple[Decimal, Decimal], ...]
    repeat: bool = False
    _fen_tiers: list[tuple[int, int]] = field(init=False, repr=False, compare=False)
    kind = "spend_x_save_y"
    stage = ORDER

    def __post_init__(self) -> None:
        object.__setattr__(self, "_fen_tiers", sorted((to_fen(t), to_fen(a)) for t, a in self.tiers))

    def _tiers(self) -> list[tuple[int, int]]:
        return self._fen_tiers

    def saving(self, amount_fen: int) -> int:
        """discount(amount_fen)'s fen, without its explanation params."""
        tiers = self._fen_tiers
        if self.repeat and tiers:
            threshold, off = tiers[0]
            return off * (amount_fen // threshold) if threshold > 0 else 0
        best = 0
        for threshold, off in tiers:
            if amount_fen >= threshold:
                best = off
        return best

    def discount(self, amount_fen: int) -> Saving:
        tiers = self._tiers()
        if self.repeat and tiers:
            threshold, off = tiers[0]
            times = amount_fen // threshold if threshold > 0 else 0
            return off * times, (("threshold", from_fen(threshold)), ("amount", from_fen(off)), ("times", times))
        best: Saving = (0, ())
        for threshold, off in tiers:
            if amount_fen >= threshold:
                best = (off, (("threshold", from_fen(threshold)), ("amount", from_fen(off))))
        return best

    def next_tier(self, amount_fen: int) -> NextTier | None:
        tiers = self._tiers()
        if self.repeat and tiers:
            threshold, off = tiers[0]
            if threshold <= 0:
                return None
            return threshold - amount_fen % threshold, off, "amount"
        for threshold, off in tiers:
            if amount_fen < threshold:
                return threshold - amount_fen, off, "amount"
        return None

    def params(self) -> tuple[Param, ...]:
        return ()


@dataclass(frozen=True)
class SpendXPercentOff:
    """满折: tiers ((threshold, percent), ...); the highest tier reached applies."""

    tiers: tuple[tuple[Decimal, Decimal], ...]
    _fen_tiers: list[tuple[int, Decimal]] = field(init=False, repr=False, compare=False)
    _hundredths: list[int | None] = field(init=False, repr=False, compare=False)
    kind = "spend_x_percent_off"
    stage = ORDER

    def _tiers(self) -> list[tuple[int, Decimal]]:
        return self._fen_tiers

    def __post_init__(self) -> None:
        object.__setattr__(self, "_fen_tiers", sorted((to_fen(t), Decimal(p)) for t, p in self.tiers))
        object.__setattr__(self, "_hundredths", [_hundredths(p) for _t, p in self._fen_tiers])

    def saving(self, amount_fen: int) -> int:
        """discount(amount_fen)'s fen, without its explanation params."""
        best = 0
        for (threshold, percent), hundredths in zip(self._fen_tiers, self._hundredths, strict=True):
            if amount_fen >= threshold:
                best = _percent_discount(amount_fen, hundredths, percent)
        return best

    def discount(self, amount_fen: int) -> Saving:
        best: Saving = (0, ())
        for threshold, percent in self._tiers():
            if amount_fen >= threshold:
                best = (percent_of(amount_fen, percent), (("threshold", from_fen(threshold)), ("percent", percent)))
        return best

    def next_tier(self, amount_fen: int) -> NextTier | None:
        for threshold, percent in self._tiers():
            if amount_fen < threshold:
                return threshold - amount_fen, percent, "percent"
        return None

    def params(self) -> tuple[Param, ...]:
        return ()


# ---- shipping stage -----------------------------------------------------------------------


@dataclass(frozen=True)
class FreeShipping:
    """包邮: shipping is free when the merchandise (after discounts) reaches `threshold`
    (0 = always; with a MemberTier condition, free for a tier)."""

    threshold: Decimal = Decimal("0")
    _fen: int = field(init=False, repr=False, compare=False)
    kind = "free_shipping"
    stage = SHIPPING

    def __post_init__(self) -> None:
        object.__setattr__(self, "_fen", to_fen(self.threshold))

    def qualifies(self, amount_fen: int) -> bool:
        return amount_fen >= self._fen

    def next_tier(self, amount_fen: int) -> NextTier | None:
        threshold = self._fen
        return (threshold - amount_fen, 0, "shipping") if amount_fen < threshold else None

    def params(self) -> tuple[Param, ...]:
        return (("threshold", self.threshold),)


ItemBenefit = PercentOff | AmountOff | MemberPrice | FlashPrice
MultibuyBenefit = BuyXGetY | BundlePrice
OrderBenefit = SpendXSaveY | SpendXPercentOff
ShippingBenefit = FreeShipping
Benefit = ItemBenefit | MultibuyBenefit | OrderBenefit | ShippingBenefit

# Stored JSON params (a boundary: values as the console or the API wrote them) -> a benefit.
BenefitParams = Mapping[str, Any]


def _dec(value: object) -> Decimal:
    return Decimal(str(value))


def _tiers(params: BenefitParams, key: str) -> tuple[tuple[Decimal, Decimal], ...]:
    return tuple((_dec(t["threshold"]), _dec(t[key])) for t in params.get("tiers", []))


BENEFITS: dict[str, Callable[[BenefitParams], Benefit]] = {
    "percent_off": lambda p: PercentOff(_dec(p["percent"])),
    "amount_off": lambda p: AmountOff(_dec(p["amount"])),
    "member_price": lambda p: MemberPrice(
        _dec(p.get("percent", 0)), tuple((k, _dec(v)) for k, v in sorted((p.get("prices") or {}).items()))
    ),
    "flash_sale": lambda p: FlashPrice(
        _dec(p["price"]), int(p.get("per_customer_limit", 1)), int(p.get("stock_cap", 0))
    ),
    "buy_x_get_y": lambda p: BuyXGetY(int(p["buy"]), int(p["get"]), _dec(p.get("discount_percent", 100))),
    "bundle": lambda p: BundlePrice(tuple(p["skus"]), _dec(p["price"])),
    "spend_x_save_y": lambda p: SpendXSaveY(_tiers(p, "amount"), bool(p.get("repeat", False))),
    "spend_x_percent_off": lambda p: SpendXPercentOff(_tiers(p, "percent")),
    "free_shipping": lambda p: FreeShipping(_dec(p.get("threshold", 0))),
}
KINDS = tuple(BENEFITS)


def build_benefit(kind: str, params: BenefitParams) -> Benefit:
    return BENEFITS[kind](params)
